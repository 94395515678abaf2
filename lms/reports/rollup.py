"""The rollup: every learner's contribution to the counters of the places they lived in.

A learner's facts (residence history, registration, first completed course, attainments,
days of activity) determine a set of +1/-1 changes, each at a place, group, counter and
local day. The rollup table holds the sum of everybody's changes by day and by month, so a
figure at the end of any day is a sum over places × groups × months. When a learner's facts
change, the old changes are taken away and the new ones added (a diff): the rollup always
equals what rebuild_rollup() computes from scratch."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, delete, exists, func, insert, select

from lms.accounts.models import User
from lms.catalog.models import Competence
from lms.catalog.models import Quiz as QuizRow
from lms.completion.models import Attainment
from lms.learning.models import Enrolment, LessonProgress
from lms.quizzes.models import QuizAttempt
from lms.reports.models import DomainScore, LearnerFacts, Placement, RollupCount

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
KINDS = ("registered", "active", "completed", "attained")
ACTIVE_DAYS = (
    30  # "active in the last 30 days": some activity on the period's last day or the 29 before
)
COUNTRY = "VN"
ALL_GROUPS = "all"

# province, commune, village id, unit id, group
Cell = tuple[str | None, str | None, int | None, int | None, str]
Change = tuple[Cell, str, date]


def local_day(moment: datetime) -> date:
    """Return the day in Vietnam on which a UTC moment falls."""
    return moment.astimezone(LOCAL_ZONE).date()


@dataclass
class Facts:
    """What a learner's contribution is computed from (kept as JSON to undo it later)."""

    placements: list[tuple[date, Cell]] = field(default_factory=list)
    completed: date | None = None
    attained: dict[str, date] = field(default_factory=dict)
    spells: list[tuple[date, date]] = field(default_factory=list)  # first and last active day

    def to_json(self) -> dict[str, Any]:
        return {
            "placements": [[d.isoformat(), *cell] for d, cell in self.placements],
            "completed": self.completed.isoformat() if self.completed else None,
            "attained": {g: d.isoformat() for g, d in sorted(self.attained.items())},
            "spells": [[a.isoformat(), b.isoformat()] for a, b in self.spells],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Facts | None:
        if not data:
            return None
        return cls(
            placements=[
                (date.fromisoformat(p[0]), (p[1], p[2], p[3], p[4], p[5]))
                for p in data["placements"]
            ],
            completed=date.fromisoformat(data["completed"]) if data["completed"] else None,
            attained={g: date.fromisoformat(d) for g, d in data["attained"].items()},
            spells=[(date.fromisoformat(a), date.fromisoformat(b)) for a, b in data["spells"]],
        )


def add_active_days(
    spells: Iterable[tuple[date, date]], days: Iterable[date]
) -> list[tuple[date, date]]:
    """Merge activity days into spells; days less than 30 days apart make one spell."""
    items = sorted([*spells, *((d, d) for d in days)])
    merged: list[tuple[date, date]] = []
    for first, last in items:
        if merged and first <= merged[-1][1] + timedelta(days=ACTIVE_DAYS):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _intervals(placements: list[tuple[date, Cell]]) -> list[tuple[date, date | None, Cell]]:
    """Return [from, to) day intervals of the placements; a later one the same day wins."""
    result: list[tuple[date, date | None, Cell]] = []
    for index, (start, cell) in enumerate(placements):
        end = placements[index + 1][0] if index + 1 < len(placements) else None
        if end is not None and end <= start:
            continue
        result.append((start, end, cell))
    return result


def contributions(facts: Facts | None) -> Counter[Change]:
    """Return the learner's +1/-1 changes by (cell, counter, day)."""
    changes: Counter[Change] = Counter()
    if facts is None or not facts.placements:
        return changes
    intervals = _intervals(facts.placements)
    registered = facts.placements[0][0]

    def window(
        kind: str, start: date, end: date | None, cells: list[tuple[date, date | None, Cell]]
    ) -> None:
        for p_start, p_end, cell in cells:
            a = max(start, p_start)
            b = p_end if end is None else (end if p_end is None else min(end, p_end))
            if b is not None and a >= b:
                continue
            changes[(cell, kind, a)] += 1
            if b is not None:
                changes[(cell, kind, b)] -= 1

    window("registered", registered, None, intervals)
    if facts.completed is not None:
        window("completed", facts.completed, None, intervals)
    for p_start, p_end, cell in intervals:
        attained = facts.attained.get(cell[4])
        if attained is not None:
            window("attained", attained, None, [(p_start, p_end, cell)])
    for first, last in facts.spells:
        window("active", first, last + timedelta(days=ACTIVE_DAYS), intervals)
    return Counter({k: v for k, v in changes.items() if v})


def places_of(cell: Cell) -> list[tuple[str, str, str | None, str | None]]:
    """Return (level, place code, province, commune) of every place a cell counts in."""
    province, commune, village, unit, _group = cell
    places = [("country", COUNTRY, None, None)]
    if province:
        places.append(("province", province, province, None))
    if commune:
        places.append(("commune", commune, province, commune))
        if village:
            places.append(("village", str(village), province, commune))
        if unit:
            places.append(("unit", str(unit), province, commune))
    return places


RowKey = tuple[str, str, str | None, str | None, str, str, date]


def month_of(day: date) -> date:
    return day.replace(day=1)


def rows_of(changes: Iterable[tuple[Change, int]]) -> dict[RowKey, list[int]]:
    """Turn changes into rollup rows: every place level, by day and by month."""
    rows: dict[RowKey, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for (cell, kind, day), amount in changes:
        index = KINDS.index(kind)
        for level, code, province, commune in places_of(cell):
            rows[(level, code, province, commune, cell[4], "d", day)][index] += amount
            rows[(level, code, province, commune, cell[4], "m", month_of(day))][index] += amount
    return rows


def _upsert(
    connection: Connection,
    table: Any,
    values: list[dict[str, Any]],
    keys: list[str],
    sums: list[str],
) -> None:
    if not values:
        return
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    statement = dialect_insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: getattr(table.c, name) + getattr(statement.excluded, name) for name in sums},
    )
    connection.execute(statement, values)


COUNT_KEYS = ["level", "place_code", "learner_group", "grain", "bucket"]


def apply_changes(connection: Connection, changes: Counter[Change]) -> None:
    """Add changes to the rollup table."""
    rows = rows_of(changes.items())
    values = [
        {
            "level": level,
            "place_code": code,
            "province_code": province,
            "commune_code": commune,
            "learner_group": group,
            "grain": grain,
            "bucket": bucket,
            **dict(zip(KINDS, amounts, strict=True)),
        }
        for (level, code, province, commune, group, grain, bucket), amounts in sorted(
            rows.items(), key=lambda item: tuple(str(part) for part in item[0])
        )
        if any(amounts)
    ]
    _upsert(connection, RollupCount.__table__, values, COUNT_KEYS, list(KINDS))


# --- Reading a learner's facts from the database --------------------------------------------------


def _cell(row: Any) -> Cell | None:
    if row.learner_group is None:
        return None
    return (row.province_code, row.commune_code, row.village_id, row.unit_id, row.learner_group)


_CERTIFICATES_SEEN: set[str] = set()


def certificate_table(connection: Connection) -> Any | None:
    """Return the certificates table when that area is installed and migrated, else None."""
    try:
        from lms.certificates.models import Certificate  # type: ignore[import-not-found]
    except ImportError:
        return None
    url = str(connection.engine.url)
    if url not in _CERTIFICATES_SEEN:
        from sqlalchemy import inspect

        if not inspect(connection).has_table("certificates"):
            return None
        _CERTIFICATES_SEEN.add(url)
    return Certificate.__table__


def withdrawn(certificate: Any, user_id: Any, group_code: Any) -> Any:
    """SQL: this (user, group) attainment is withdrawn, the one rule for every figure.

    A program certificate revoked (cheating, error) and not issued again withdraws the
    attainment from the figures for every period."""
    revoked, live = certificate.alias("revoked_program"), certificate.alias("live_program")
    return and_(
        exists().where(
            revoked.c.user_id == user_id,
            revoked.c.group_code == group_code,
            revoked.c.kind == "program",
            revoked.c.revoked_at.is_not(None),
        ),
        ~exists().where(
            live.c.user_id == user_id,
            live.c.group_code == group_code,
            live.c.kind == "program",
            live.c.revoked_at.is_(None),
            live.c.superseded_at.is_(None),
        ),
    )


def revoked_attainments(connection: Connection, user_ids: list[int]) -> set[tuple[int, str]]:
    """Return (user, group) pairs whose program certificate was revoked and not issued again.

    Attainment is what counts, but a revoked program certificate withdraws it (withdrawn()).
    Certificates are their own area: without it nothing is revoked."""
    certificate = certificate_table(connection)
    if certificate is None or not user_ids:
        return set()
    c = certificate.c
    rows = connection.execute(
        select(c.user_id, c.group_code)
        .distinct()
        .where(
            c.user_id.in_(user_ids),
            c.kind == "program",
            c.group_code.is_not(None),
            withdrawn(certificate, c.user_id, c.group_code),
        )
    )
    return {(user_id, group) for user_id, group in rows}


def first_counted_attainment(connection: Connection, user_id: Any) -> Any:
    """SQL: when the person `user_id` (a column) first attained a program, not withdrawn.

    NULL when they have not. A scalar subquery for figures kept or computed in the database
    (lms.community.copies): the same rule as the rollup's, without loading anybody's rows."""
    attainment = Attainment.__table__.alias("counted_attainment")
    first = select(func.min(attainment.c.attained_at)).where(attainment.c.user_id == user_id)
    certificate = certificate_table(connection)
    if certificate is not None:
        first = first.where(~withdrawn(certificate, attainment.c.user_id, attainment.c.group_code))
    return first.scalar_subquery()


def _placement_facts(rows: Iterable[Any]) -> list[tuple[date, Cell]]:
    placements = []
    for row in rows:
        cell = _cell(row)
        if cell is not None:
            placements.append((local_day(row.started_at), cell))
    return placements


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def ensure_placement(connection: Connection, user: Any, now: datetime) -> None:
    """Record a new placement when the learner's commune, village, unit or group changed."""
    last = connection.execute(
        select(Placement.__table__)
        .where(Placement.user_id == user.id)
        .order_by(Placement.started_at.desc(), Placement.id.desc())
        .limit(1)
    ).first()
    current = (
        user.province_code,
        user.commune_code,
        user.village_id,
        user.unit_id,
        user.learner_group,
    )
    if (
        last is not None
        and (
            last.province_code,
            last.commune_code,
            last.village_id,
            last.unit_id,
            last.learner_group,
        )
        == current
    ):
        return
    started = _as_utc(user.created_at) if last is None else now
    connection.execute(
        insert(Placement.__table__).values(
            user_id=user.id,
            started_at=started,
            province_code=user.province_code,
            commune_code=user.commune_code,
            village_id=user.village_id,
            unit_id=user.unit_id,
            learner_group=user.learner_group,
        )
    )


def read_facts(connection: Connection, user: Any, spells: list[tuple[date, date]]) -> Facts:
    """Return a learner's facts as the database holds them now (spells are carried over)."""
    placements = _placement_facts(
        connection.execute(
            select(Placement.__table__)
            .where(Placement.user_id == user.id)
            .order_by(Placement.started_at, Placement.id)
        )
    )
    completed = connection.scalar(
        select(func.min(Enrolment.completed_at)).where(
            Enrolment.user_id == user.id, Enrolment.completed_at.is_not(None)
        )
    )
    revoked = revoked_attainments(connection, [user.id])
    attained = {
        group: local_day(_as_utc(at))
        for group, at in connection.execute(
            select(Attainment.group_code, Attainment.attained_at).where(
                Attainment.user_id == user.id
            )
        )
        if (user.id, group) not in revoked
    }
    return Facts(
        placements=placements,
        completed=local_day(_as_utc(completed)) if completed else None,
        attained=attained,
        spells=spells,
    )


def refresh_learner(
    connection: Connection,
    user_id: int,
    active_days: Iterable[date] = (),
    now: datetime | None = None,
) -> None:
    """Bring one learner's contribution up to date with their facts (a diff on the rollup)."""
    from lms.core.db import utcnow

    user = connection.execute(select(User.__table__).where(User.id == user_id)).first()
    stored = connection.scalar(select(LearnerFacts.facts).where(LearnerFacts.user_id == user_id))
    old = Facts.from_json(stored)
    new: Facts | None = None
    if user is not None and user.role == "learner":
        ensure_placement(connection, user, now or utcnow())
        spells = add_active_days(old.spells if old else [], active_days)
        new = read_facts(connection, user, spells)
    diff = contributions(new)
    diff.subtract(contributions(old))
    apply_changes(connection, Counter({k: v for k, v in diff.items() if v}))
    table = LearnerFacts.__table__
    if new is None:
        if stored is not None:
            connection.execute(delete(table).where(table.c.user_id == user_id))
    elif stored is None:
        connection.execute(insert(table).values(user_id=user_id, facts=new.to_json()))
    elif new.to_json() != stored:
        connection.execute(
            table.update().where(table.c.user_id == user_id).values(facts=new.to_json())
        )


def remove_learner(connection: Connection, user_id: int) -> None:
    """Take a learner's whole contribution away (their account is being erased)."""
    stored = connection.scalar(select(LearnerFacts.facts).where(LearnerFacts.user_id == user_id))
    old = contributions(Facts.from_json(stored))
    if old:
        negative: Counter[Change] = Counter()
        negative.subtract(old)
        apply_changes(connection, negative)


# --- Competence domains ------------------------------------------------------------------------


def domain_map(connection: Connection) -> dict[str, str]:
    """Return the domain of every competence code."""
    return dict(connection.execute(select(Competence.code, Competence.domain_code)).all())


def question_domains(definition: dict[str, Any], domains: dict[str, str]) -> dict[str, str]:
    """Return the domain of each question of a quiz definition that names a competence."""
    result = {}
    for question in definition.get("questions", []) or []:
        competence = question.get("competence") if isinstance(question, dict) else None
        if competence and str(competence) in domains and "id" in question:
            result[str(question["id"])] = domains[str(competence)]
    return result


DomainKey = tuple[str, str, str | None, str | None, str, str, str, date]


def domain_rows(
    cell: Cell,
    day: date,
    result: dict[str, Any],
    questions: dict[str, str],
    into: dict[DomainKey, list[float]],
) -> None:
    """Add one graded attempt's points per domain to rows, at every level of its cell."""
    per_domain: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for item in result.get("results", []):
        domain = questions.get(str(item.get("question_id")))
        if domain is None:
            continue
        per_domain[domain][0] += float(item.get("points", 0))
        per_domain[domain][1] += float(item.get("max_points", 0))
        per_domain[domain][2] += 1
    for domain, (points, max_points, answers) in per_domain.items():
        for level, code, province, commune in places_of(cell):
            if level in ("village", "unit"):
                continue  # weakest domains are shown for communes and above
            # By month and for all groups together: a domain's weakness moves slowly, and the
            # table stays at places × domains × months whatever the number of attempts.
            row = into.setdefault(
                (level, code, province, commune, ALL_GROUPS, domain, "m", month_of(day)),
                [0.0, 0.0, 0],
            )
            row[0] += points
            row[1] += max_points
            row[2] += answers


DOMAIN_KEYS = ["level", "place_code", "learner_group", "domain_code", "grain", "bucket"]


def _lock_order(item: tuple[DomainKey, list[float]]) -> tuple[str, ...]:
    # Every transaction writes the rows in the same order, so two graded attempts touching
    # the same rollup rows wait for each other instead of deadlocking (PostgreSQL).
    return tuple("" if part is None else str(part) for part in item[0])


def write_domain_rows(
    connection: Connection, rows: dict[DomainKey, list[float]], fresh: bool = False
) -> None:
    """Add domain rows to the table (fresh: it is empty, plain inserts suffice)."""
    values = [
        {
            "level": level,
            "place_code": code,
            "province_code": province,
            "commune_code": commune,
            "learner_group": group,
            "domain_code": domain,
            "grain": grain,
            "bucket": bucket,
            "points": points,
            "max_points": max_points,
            "answers": int(answers),
        }
        for (level, code, province, commune, group, domain, grain, bucket), (
            points,
            max_points,
            answers,
        ) in sorted(rows.items(), key=_lock_order)
    ]
    if fresh:
        for start in range(0, len(values), 50_000):
            connection.execute(insert(DomainScore.__table__), values[start : start + 50_000])
        return
    _upsert(
        connection, DomainScore.__table__, values, DOMAIN_KEYS, ["points", "max_points", "answers"]
    )


def attempt_domain_rows(
    connection: Connection, attempt: Any, into: dict[DomainKey, list[float]]
) -> None:
    """Add a graded attempt's points per domain, where the learner lives now, to rows."""
    if not attempt.result or attempt.submitted_at is None:
        return
    user = connection.execute(select(User.__table__).where(User.id == attempt.user_id)).first()
    if user is None or user.role != "learner" or user.learner_group is None:
        return
    definition = connection.scalar(select(QuizRow.definition).where(QuizRow.id == attempt.quiz_id))
    questions = question_domains(definition or {}, domain_map(connection))
    cell = (
        user.province_code,
        user.commune_code,
        user.village_id,
        user.unit_id,
        user.learner_group,
    )
    domain_rows(cell, local_day(_as_utc(attempt.submitted_at)), attempt.result, questions, into)


# --- Rebuilding from scratch -------------------------------------------------------------------


@dataclass
class RebuildReport:
    learners: int = 0
    count_rows: int = 0
    domain_rows: int = 0
    attempts: int = 0


def _chunks(connection: Connection, size: int) -> Iterator[tuple[int, int]]:
    ids = [
        row[0]
        for row in connection.execute(
            select(User.id).where(User.role == "learner").order_by(User.id)
        )
    ]
    for start in range(0, len(ids), size):
        part = ids[start : start + size]
        yield part[0], part[-1]


def cell_at(placements: list[tuple[date, Cell]], day: date) -> Cell | None:
    current = None
    for start, cell in placements:
        if start <= day:
            current = cell
        else:
            break
    return current if current is not None else (placements[0][1] if placements else None)


def rebuild_rollup(connection: Connection, chunk: int = 20_000, echo: Any = None) -> RebuildReport:
    """Recompute every learner's facts and the whole rollup from the facts (idempotent)."""
    report = RebuildReport()
    for table in (RollupCount, DomainScore, LearnerFacts):
        connection.execute(delete(table.__table__))
    users_t = User.__table__
    placement_t = Placement.__table__
    connection.execute(
        insert(placement_t).from_select(
            [
                "user_id",
                "started_at",
                "province_code",
                "commune_code",
                "village_id",
                "unit_id",
                "learner_group",
            ],
            select(
                users_t.c.id,
                users_t.c.created_at,
                users_t.c.province_code,
                users_t.c.commune_code,
                users_t.c.village_id,
                users_t.c.unit_id,
                users_t.c.learner_group,
            ).where(
                users_t.c.role == "learner",
                ~select(placement_t.c.id).where(placement_t.c.user_id == users_t.c.id).exists(),
            ),
        )
    )
    domains = domain_map(connection)
    quiz_questions = {
        quiz_id: question_domains(definition or {}, domains)
        for quiz_id, definition in connection.execute(select(QuizRow.id, QuizRow.definition))
    }
    totals: Counter[Change] = Counter()
    rows: dict[RowKey, list[int]] = {}
    domain_totals: dict[DomainKey, list[float]] = {}
    for low, high in _chunks(connection, chunk):
        in_range = lambda column, low=low, high=high: column.between(low, high)  # noqa: E731
        users = {
            row.id: row
            for row in connection.execute(
                select(users_t).where(in_range(users_t.c.id), users_t.c.role == "learner")
            )
        }
        placements: dict[int, list[Any]] = defaultdict(list)
        for row in connection.execute(
            select(placement_t)
            .where(in_range(placement_t.c.user_id))
            .order_by(placement_t.c.user_id, placement_t.c.started_at, placement_t.c.id)
        ):
            placements[row.user_id].append(row)
        completed = dict(
            connection.execute(
                select(Enrolment.user_id, func.min(Enrolment.completed_at))
                .where(in_range(Enrolment.user_id), Enrolment.completed_at.is_not(None))
                .group_by(Enrolment.user_id)
            ).all()
        )
        revoked = revoked_attainments(connection, list(users))
        attained: dict[int, dict[str, date]] = defaultdict(dict)
        for user_id, group, at in connection.execute(
            select(Attainment.user_id, Attainment.group_code, Attainment.attained_at).where(
                in_range(Attainment.user_id)
            )
        ):
            if (user_id, group) not in revoked:
                attained[user_id][group] = local_day(_as_utc(at))
        days: dict[int, set[date]] = defaultdict(set)
        activity_sources = [
            select(Enrolment.user_id, Enrolment.enrolled_at).where(in_range(Enrolment.user_id)),
            select(Enrolment.user_id, Enrolment.completed_at).where(
                in_range(Enrolment.user_id), Enrolment.completed_at.is_not(None)
            ),
            select(LessonProgress.user_id, LessonProgress.completed_at).where(
                in_range(LessonProgress.user_id)
            ),
            select(QuizAttempt.user_id, QuizAttempt.submitted_at).where(
                in_range(QuizAttempt.user_id), QuizAttempt.submitted_at.is_not(None)
            ),
        ]
        for statement in activity_sources:
            for user_id, at in connection.execute(statement):
                days[user_id].add(local_day(_as_utc(at)))
        facts_rows = []
        for user_id, user in users.items():
            days[user_id].add(local_day(_as_utc(user.created_at)))
            if user.last_active_at is not None:
                days[user_id].add(local_day(_as_utc(user.last_active_at)))
            done = completed.get(user_id)
            facts = Facts(
                placements=_placement_facts(placements.get(user_id, [])),
                completed=local_day(_as_utc(done)) if done else None,
                attained=attained.get(user_id, {}),
                spells=add_active_days([], days.get(user_id, ())),
            )
            totals.update(contributions(facts))
            facts_rows.append({"user_id": user_id, "facts": facts.to_json()})
        if facts_rows:
            bulk_insert(connection, LearnerFacts.__table__, facts_rows)
        report.learners += len(facts_rows)
        for attempt in connection.execute(
            select(
                QuizAttempt.user_id,
                QuizAttempt.quiz_id,
                QuizAttempt.submitted_at,
                QuizAttempt.result,
            ).where(in_range(QuizAttempt.user_id), QuizAttempt.result.is_not(None))
        ):
            if attempt.user_id not in users or attempt.submitted_at is None:
                continue
            day = local_day(_as_utc(attempt.submitted_at))
            cell = cell_at(_placement_facts(placements.get(attempt.user_id, [])), day)
            if cell is None:
                continue
            domain_rows(
                cell, day, attempt.result, quiz_questions.get(attempt.quiz_id, {}), domain_totals
            )
            report.attempts += 1
        merge_rows(rows, totals)
        if echo:
            echo(f"  … {report.learners} người học")
    report.count_rows, report.domain_rows = write_rollup(connection, rows, domain_totals)
    return report


def merge_rows(into: dict[RowKey, list[int]], changes: Counter[Change]) -> None:
    """Add a batch of learners' changes to rollup rows being built (memory stays bounded by
    places × groups × days, however many learners pass through)."""
    for key, amounts in rows_of(changes.items()).items():
        row = into.get(key)
        if row is None:
            into[key] = amounts
        else:
            for index, amount in enumerate(amounts):
                row[index] += amount
    changes.clear()


def write_rollup(
    connection: Connection,
    rows: dict[RowKey, list[int]],
    domain_totals: dict[DomainKey, list[float]],
) -> tuple[int, int]:
    """Write built rows into the (empty) rollup tables; returns how many rows of each."""
    values = [
        {
            "level": level,
            "place_code": code,
            "province_code": province,
            "commune_code": commune,
            "learner_group": group,
            "grain": grain,
            "bucket": bucket,
            **dict(zip(KINDS, amounts, strict=True)),
        }
        for (level, code, province, commune, group, grain, bucket), amounts in rows.items()
        if any(amounts)
    ]
    for start in range(0, len(values), 50_000):
        bulk_insert(connection, RollupCount.__table__, values[start : start + 50_000])
    write_domain_rows(connection, domain_totals, fresh=True)
    for table in (RollupCount, DomainScore):
        # Fresh statistics, so the planners pick the (level, place, grain, bucket) indexes.
        connection.exec_driver_sql(f"ANALYZE {table.__tablename__}")
    return len(values), len(domain_totals)


def _value(value: Any, dialect: str) -> Any:
    """Return a value as the database driver takes it (what the ORM column types would send)."""
    if isinstance(value, datetime):
        moment = value.astimezone(UTC)
        return moment if dialect == "postgresql" else moment.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value if dialect == "postgresql" else value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def bulk_insert(connection: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert many rows through the driver directly (the ORM's per-row work would dominate)."""
    if not rows:
        return
    dialect = connection.dialect.name
    columns = list(rows[0])
    marks = ", ".join(["?" if connection.dialect.paramstyle == "qmark" else "%s"] * len(columns))
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - our names
    # Only columns holding dates, times or JSON need converting; the others go as they are.
    converted = {
        c
        for c in columns
        if isinstance(
            next((row[c] for row in rows if row[c] is not None), None), date | dict | list
        )
    }
    params = [
        tuple(_value(row[c], dialect) if c in converted else row[c] for c in columns)
        for row in rows
    ]
    connection.exec_driver_sql(sql, params)
