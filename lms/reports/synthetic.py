"""`lms demo generate`: a synthetic population for demos and benchmarks, clearly marked.

Every synthetic account has an e-mail at synthetic.invalid (a domain that can never receive
mail) and a name starting with "[Mô phỏng]"; nobody can sign in as one (unusable password).
The generator refuses a database that holds real learners unless --force is given. Rows are
written in bulk, and the rollup from the same facts as they are made (exactly what `lms stats
rebuild` computes from the rows, which a test checks)."""

from __future__ import annotations

import itertools
import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Connection, func, select, text

from lms.accounts.models import User
from lms.catalog.models import Course, CourseVersion, LearnerGroup, ProgramCourse
from lms.catalog.models import Quiz as QuizRow
from lms.community.copies import refresh_households, refresh_links
from lms.community.models import GuidedSession, Household, HouseholdMember, MentorLink
from lms.completion.models import Attainment
from lms.core import places
from lms.extensions import db
from lms.learning.models import Enrolment
from lms.quizzes.models import QuizAttempt
from lms.reports.models import LearnerFacts, Placement, Population, RollupCount
from lms.reports.rollup import (
    Facts,
    add_active_days,
    bulk_insert,
    cell_at,
    contributions,
    domain_map,
    domain_rows,
    local_day,
    merge_rows,
    question_domains,
    rebuild_rollup,
    write_rollup,
)

DOMAIN = "synthetic.invalid"
NAME_PREFIX = "[Mô phỏng]"
GROUP_SHARES = (
    ("citizen", 0.58),
    ("student", 0.22),
    ("enterprise_worker", 0.12),
    ("public_servant", 0.08),
)
CHUNK = 10_000


class SyntheticRefused(RuntimeError):
    """The database holds real learners; generating would mix synthetic data into it."""


@dataclass
class SyntheticReport:
    learners: int = 0
    enrolments: int = 0
    attempts: int = 0
    attained: int = 0
    mentors: int = 0
    mentor_links: int = 0
    households: int = 0
    seconds: float = 0.0


def real_learner_count(connection: Connection) -> int:
    """Return how many learners are not synthetic."""
    return (
        connection.scalar(
            select(func.count(User.id))
            .where(User.role == "learner", ~User.email.like(f"%@{DOMAIN}"))
            .where(User.email.is_not(None) | User.phone.is_not(None))
        )
        or 0
    )


def _programs(
    connection: Connection,
) -> dict[str, list[tuple[int, int, list[tuple[int, dict[str, Any]]]]]]:
    """Return, per group, its program's courses: (course id, version id, [(quiz id, definition)])."""
    result: dict[str, list[tuple[int, int, list[tuple[int, dict[str, Any]]]]]] = {}
    for group in connection.execute(select(LearnerGroup.code)).scalars():
        courses = []
        for course_id, version_id in connection.execute(
            select(Course.id, Course.current_version_id)
            .join(ProgramCourse, ProgramCourse.course_id == Course.id)
            .where(ProgramCourse.group_code == group, Course.current_version_id.is_not(None))
            .order_by(ProgramCourse.position)
        ):
            required = (
                connection.scalar(
                    select(CourseVersion.required_quizzes).where(CourseVersion.id == version_id)
                )
                or []
            )
            quizzes = [
                (quiz_id, definition)
                for quiz_id, slug, definition in connection.execute(
                    select(QuizRow.id, QuizRow.slug, QuizRow.definition).where(
                        QuizRow.version_id == version_id
                    )
                )
                if slug in required
            ]
            courses.append((course_id, version_id, quizzes))
        result[group] = courses
    return result


def _result(definition: dict[str, Any], rng: random.Random) -> tuple[dict[str, Any], float, float]:
    """Return a plausible graded result: each question right with a probability."""
    skill = rng.uniform(0.55, 0.98)
    results, score, maximum = [], 0.0, 0.0
    for question in definition.get("questions", [])[: definition.get("draw") or None]:
        points = float(question.get("points", 1) or 1)
        right = rng.random() < skill
        results.append(
            {
                "question_id": str(question.get("id")),
                "points": points if right else 0.0,
                "max_points": points,
                "status": "correct" if right else "incorrect",
                "feedback": None,
            }
        )
        score += points if right else 0.0
        maximum += points
    percent = round(score * 100 / maximum, 1) if maximum else 0.0
    return (
        {
            "score": score,
            "max_score": maximum,
            "percent": percent,
            "passed": True,
            "results": results,
        },
        score,
        maximum,
    )


MENTOR_EVERY = 120  # about one mentor (Đại sứ số) per 120 learners of a commune
IN_HOUSEHOLDS = 0.4  # about 40 % of learners are in a household ("Gia đình số")


@dataclass
class Community:
    """The synthetic mentors, links, sessions, households and members of one chunk."""

    mentors: list[dict[str, Any]]
    links: list[dict[str, Any]]
    sessions: list[dict[str, Any]]
    households: list[dict[str, Any]]
    members: list[dict[str, Any]]


def _community(
    residents: dict[Any, list[tuple[int, datetime]]],
    rng: random.Random,
    now: datetime,
    next_ids: Counter[str],
) -> Community:
    """Make mentors who helped some learners of their commune, and households of neighbours.

    `residents` maps a commune to its learners of this chunk (id, registered at); `next_ids`
    holds the next free id per table, and is advanced."""
    made = Community([], [], [], [], [])
    for commune, people in residents.items():
        people = people[:]
        rng.shuffle(people)
        mentors = int(len(people) / MENTOR_EVERY + rng.random())
        helped = people[:]
        for _n in range(mentors):
            mentor_id = next_ids["users"]
            next_ids["users"] += 1
            number = mentor_id
            share = rng.randint(1, 12)
            taken, helped = helped[:share], helped[share:]
            first = min((at for _id, at in taken), default=now)
            made.mentors.append(
                {
                    "id": mentor_id,
                    "full_name": f"{NAME_PREFIX} Đại sứ số {number:07d}",
                    "name_key": f"[mo phong] dai su so {number:07d}",
                    "email": f"dss{number:07d}@{DOMAIN}",
                    "password_hash": "!synthetic",
                    "role": "mentor",
                    "learner_group": None,
                    "birth_year": rng.randint(1965, 2006),
                    "province_code": commune.province_code,
                    "commune_code": commune.code,
                    "is_enabled": True,
                    "created_at": first - timedelta(days=rng.uniform(1, 30)),
                    "last_active_at": now - timedelta(days=rng.uniform(0, 60)),
                }
            )
            for learner_id, registered in taken:
                accepted = registered + timedelta(hours=rng.uniform(0, 72))
                if accepted >= now:
                    continue
                ended = rng.random() < 0.15
                made.links.append(
                    {
                        "mentor_id": mentor_id,
                        "learner_id": learner_id,
                        "status": "ended" if ended else "active",
                        "origin": "registered" if rng.random() < 0.6 else "invited",
                        "requested_at": registered,
                        "accepted_at": accepted,
                        "ended_at": accepted + (now - accepted) * rng.random() if ended else None,
                        "ended_reason": "learner" if ended else None,
                    }
                )
                for _s in range(rng.choice((0, 1, 1, 2, 3))):
                    held = accepted + (now - accepted) * rng.random()
                    made.sessions.append(
                        {
                            "mentor_id": mentor_id,
                            "learner_id": learner_id,
                            "held_on": local_day(held),
                            "topic": f"{NAME_PREFIX} Hướng dẫn sử dụng điện thoại",
                            "minutes": rng.randint(15, 90),
                            "created_at": held,
                        }
                    )
        grouped = people[: int(len(people) * IN_HOUSEHOLDS + rng.random())]
        while grouped:
            size = rng.choice((1, 2, 2, 3, 3, 4))
            family, grouped = grouped[:size], grouped[size:]
            household_id = next_ids["households"]
            next_ids["households"] += 1
            created = max(at for _id, at in family)
            made.households.append(
                {
                    "id": household_id,
                    "name": f"{NAME_PREFIX} Hộ {household_id:07d}",
                    "province_code": commune.province_code,
                    "commune_code": commune.code,
                    "village_id": None,
                    "created_by_id": family[0][0],
                    "mentor_id": None,
                    "created_at": created,
                }
            )
            made.members.extend(
                {
                    "household_id": household_id,
                    "user_id": user_id,
                    "is_manager": n == 0,
                    "joined_at": created,
                    "added_by_id": family[0][0],
                }
                for n, (user_id, _at) in enumerate(family)
            )
    return made


def generate_population(
    learners: int,
    seed: int = 2026,
    force: bool = False,
    echo: Any = None,
    now: datetime | None = None,
) -> SyntheticReport:
    """Insert `learners` synthetic learners with two years of enrolments, attempts and attainments.

    The rollup is computed from the same facts as they are made (what `lms stats rebuild`
    would compute from the rows; a test holds the two equal)."""
    started = time.monotonic()
    connection = db.session.connection()
    real = real_learner_count(connection)
    if real and not force:
        raise SyntheticRefused(
            _(
                "Cơ sở dữ liệu đã có %(n)d người học thật: không trộn dữ liệu mô phỏng vào. "
                "Dùng --force nếu đây đúng là cơ sở dữ liệu thử nghiệm.",
                n=real,
            )
        )
    # With an empty rollup the generator writes it directly; otherwise it rebuilds at the end.
    fresh = not connection.scalar(
        select(func.count(LearnerFacts.user_id))
    ) and not connection.scalar(select(func.count(RollupCount.id)))
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    communes = [c for p in places.provinces() for c in places.communes(p.code)]
    weights = [rng.paretovariate(1.3) for _ in communes]
    cumulative = list(itertools.accumulate(weights))
    groups, shares = zip(*GROUP_SHARES, strict=True)
    programs = _programs(connection)
    domains = domain_map(connection)
    questions = {
        quiz_id: question_domains(definition or {}, domains)
        for courses in programs.values()
        for _course, _version, quizzes in courses
        for quiz_id, definition in quizzes
    }
    first_id = (connection.scalar(select(func.max(User.id))) or 0) + 1
    report = SyntheticReport()
    password = "!synthetic"  # noqa: S105 - not a hash any password matches: nobody signs in
    span = timedelta(days=730)
    totals: Counter[Any] = Counter()
    rows: dict[Any, list[int]] = {}
    residents: Counter[tuple[str, str, str]] = Counter()
    domain_totals: dict[Any, list[float]] = {}
    next_ids: Counter[str] = Counter(
        users=first_id + learners,
        households=(connection.scalar(select(func.max(Household.id))) or 0) + 1,
    )
    for start in range(0, learners, CHUNK):
        count = min(CHUNK, learners - start)
        users, enrolments, attempts, attainments, placements, facts_rows = [], [], [], [], [], []
        living: dict[Any, list[tuple[int, datetime]]] = {}
        for offset in range(count):
            user_id = first_id + start + offset
            commune = rng.choices(communes, cum_weights=cumulative)[0]
            group = rng.choices(groups, shares)[0]
            created = now - span * rng.random() ** 0.8
            number = start + offset + 1
            last_active = created + (now - created) * rng.random() ** 0.3
            users.append(
                {
                    "id": user_id,
                    "full_name": f"{NAME_PREFIX} Người học {number:07d}",
                    "name_key": f"[mo phong] nguoi hoc {number:07d}",
                    "email": f"hv{number:07d}@{DOMAIN}",
                    "password_hash": password,
                    "role": "learner",
                    "learner_group": group,
                    "birth_year": rng.randint(1950, 2012),
                    "province_code": commune.province_code,
                    "commune_code": commune.code,
                    "is_enabled": True,
                    "created_at": created,
                    "last_active_at": last_active,
                }
            )
            cell = (commune.province_code, commune.code, None, None, group)
            living.setdefault(commune, []).append((user_id, created))
            residents[(commune.province_code, commune.code, group)] += 1
            facts = Facts(placements=[(local_day(created), cell)])
            days = {local_day(created), local_day(last_active)}
            # About 3 % moved here from another commune some time after registering.
            place_rows = [(created, commune)]
            if rng.random() < 0.03:
                before = rng.choice(communes)
                moved = created + (now - created) * rng.random()
                place_rows = [(created, before), (moved, commune)]
                facts.placements = [
                    (local_day(created), (before.province_code, before.code, None, None, group)),
                    (local_day(moved), cell),
                ]
            for at, where in place_rows:
                placements.append(
                    {
                        "user_id": user_id,
                        "started_at": at,
                        "province_code": where.province_code,
                        "commune_code": where.code,
                        "village_id": None,
                        "unit_id": None,
                        "learner_group": group,
                    }
                )
            program = programs.get(group, [])
            # About half take their whole program; the others stop somewhere along it.
            taken = len(program) if rng.random() < 0.55 else rng.randint(0, len(program))
            moment = created
            done = []
            for course_id, version_id, quizzes in program[:taken]:
                moment = moment + timedelta(days=rng.uniform(0.5, 40))
                if moment >= now:
                    break
                finish = moment + timedelta(days=rng.uniform(0.1, 20))
                if rng.random() >= 0.9 or finish >= now:
                    finish = None
                enrolments.append(
                    {
                        "user_id": user_id,
                        "course_id": course_id,
                        "version_id": version_id,
                        "enrolled_at": moment,
                        "completed_at": finish,
                    }
                )
                days.add(local_day(moment))
                if finish is None:
                    continue
                days.add(local_day(finish))
                done.append(finish)
                moment = finish
                for quiz_id, definition in quizzes[:1]:
                    result, score, maximum = _result(definition, rng)
                    attempts.append(
                        {
                            "user_id": user_id,
                            "course_id": course_id,
                            "quiz_id": quiz_id,
                            "quiz_slug": f"q{quiz_id}",
                            "number": 1,
                            "layout": {},
                            "tokens": {},
                            "policy": {},
                            "status": "submitted",
                            "started_at": finish - timedelta(minutes=8),
                            "submitted_at": finish,
                            "closed_by": "learner",
                            "score": score,
                            "max_score": maximum,
                            "percent": result["percent"],
                            "passed": True,
                            "result": result,
                        }
                    )
                    day = local_day(finish)
                    at_cell = cell_at(facts.placements, day)
                    if at_cell is not None:
                        domain_rows(at_cell, day, result, questions.get(quiz_id, {}), domain_totals)
            if done:
                facts.completed = local_day(min(done))
            if program and len(done) == len(program):
                attainments.append(
                    {"user_id": user_id, "group_code": group, "attained_at": max(done)}
                )
                facts.attained = {group: local_day(max(done))}
            facts.spells = add_active_days([], days)
            totals.update(contributions(facts))
            facts_rows.append({"user_id": user_id, "facts": facts.to_json()})
        bulk_insert(connection, User.__table__, users)
        bulk_insert(connection, Enrolment.__table__, enrolments)
        bulk_insert(connection, QuizAttempt.__table__, attempts)
        bulk_insert(connection, Attainment.__table__, attainments)
        bulk_insert(connection, Placement.__table__, placements)
        community = _community(living, rng, now, next_ids)
        bulk_insert(connection, User.__table__, community.mentors)
        bulk_insert(connection, MentorLink.__table__, community.links)
        bulk_insert(connection, GuidedSession.__table__, community.sessions)
        bulk_insert(connection, Household.__table__, community.households)
        bulk_insert(connection, HouseholdMember.__table__, community.members)
        refresh_households(connection, [row["id"] for row in community.households])
        refresh_links(connection, [row["learner_id"] for row in community.links])
        report.mentors += len(community.mentors)
        report.mentor_links += len(community.links)
        report.households += len(community.households)
        if fresh:
            bulk_insert(connection, LearnerFacts.__table__, facts_rows)
        merge_rows(rows, totals)
        report.learners += count
        report.enrolments += len(enrolments)
        report.attempts += len(attempts)
        report.attained += len(attainments)
        if echo and (start // CHUNK) % 10 == 9:
            echo(f"  … {report.learners} người học")
    if connection.dialect.name == "postgresql":
        for table in (
            "users",
            "enrolments",
            "quiz_attempts",
            "attainments",
            "learner_placements",
            "households",
        ):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608 - fixed names
                )
            )
        # Tables filled in bulk have no statistics yet: without them PostgreSQL plans the
        # figures' lookups as scans until autovacuum comes by.
        connection.execute(text("ANALYZE"))
    add_populations(connection, residents, rng, now.year)
    if fresh:
        write_rollup(connection, rows, domain_totals)
    else:
        if echo:
            echo(_("Đang tính lại bảng tổng hợp…"))
        rebuild_rollup(connection, echo=echo)
    report.seconds = time.monotonic() - started
    return report


def add_populations(
    connection: Connection, residents: Counter[tuple[str, str, str]], rng: random.Random, year: int
) -> None:
    """Give the communes the learners live in a population for this year and the last, where
    none was entered: more than the learners, so attainment percentages look like a real
    commune's. Populations officers entered are never overwritten."""
    entered = set(
        connection.execute(
            select(Population.year, Population.commune_code, Population.learner_group).where(
                Population.year.in_([year - 1, year])
            )
        ).all()
    )
    rows = [
        {
            "year": y,
            "province_code": province,
            "commune_code": commune,
            "learner_group": group,
            "population": max(count, round(count / rng.uniform(0.35, 0.95))),
            "updated_by_id": None,
            "updated_at": datetime.now(UTC),
        }
        for (province, commune, group), count in sorted(residents.items())
        for y in (year - 1, year)
        if (y, commune, group) not in entered
    ]
    for start in range(0, len(rows), CHUNK):
        bulk_insert(connection, Population.__table__, rows[start : start + CHUNK])
