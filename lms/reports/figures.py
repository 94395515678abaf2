"""The figures of DESIGN §6: registered, active in 30 days, completed a course, attained, and
attainment against population and target, for a scope, a period, by group and by place.

Everything is read from the rollup (sums over places × groups × months) and the populations
and targets officers entered; nothing here reads attempts or enrolments."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import g, has_app_context
from sqlalchemy import and_, func, select

from lms.accounts.constants import GROUPS
from lms.catalog.models import Domain, GroupTarget
from lms.core import places
from lms.core.localities import Unit, Village
from lms.extensions import db
from lms.reports.models import DomainScore, Population, RollupCount, TargetOverride
from lms.reports.periods import Period, local_today, quarter_ends
from lms.reports.rollup import COUNTRY, month_of
from lms.reports.scope import Scope

TOTAL = "total"


@dataclass
class Counts:
    """The four counters of a place and group at the end of a day."""

    registered: int = 0
    active: int = 0
    completed: int = 0
    attained: int = 0

    def add(self, other: Counts) -> None:
        self.registered += other.registered
        self.active += other.active
        self.completed += other.completed
        self.attained += other.attained


def percent(part: float | None, whole: float | None) -> Decimal | None:
    """Return part / whole in percent, one decimal rounded half up; None when whole is unknown or 0."""
    if part is None or whole is None or whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Figure:
    """The figures of one place (or the total) and one group (or all groups)."""

    place_code: str
    place_name: str
    learner_group: str
    counts: Counts = field(default_factory=Counts)
    population: int | None = None
    target_percent: Decimal | None = None
    province_code: str | None = None

    @property
    def attainment_percent(self) -> Decimal | None:
        return percent(self.counts.attained, self.population)

    @property
    def gap_percent(self) -> Decimal | None:
        """Percentage points still missing to the target (negative: the target is exceeded)."""
        if self.attainment_percent is None or self.target_percent is None:
            return None
        return self.target_percent - self.attainment_percent


def _windows(day: date) -> list[Any]:
    """Return the two bucket ranges whose rows add up to the counters at the end of `day`:
    the months before day's month, and the days of its month up to day. Two plain ranges
    (not one OR) so that both databases read them from the (level, place, grain, bucket)
    indexes."""
    month = month_of(day)
    return [
        and_(RollupCount.grain == "m", RollupCount.bucket < month),
        and_(RollupCount.grain == "d", RollupCount.bucket >= month, RollupCount.bucket <= day),
    ]


def counts_by_place(level: str, day: date, **filters: str) -> dict[tuple[str, str], Counts]:
    """Return the counters of every place of a level at the end of a day, by (place, group)."""
    result: dict[tuple[str, str], Counts] = {}
    for window in _windows(day):
        stmt = select(
            RollupCount.place_code,
            RollupCount.learner_group,
            func.sum(RollupCount.registered),
            func.sum(RollupCount.active),
            func.sum(RollupCount.completed),
            func.sum(RollupCount.attained),
        ).where(RollupCount.level == level, window)
        for name, value in filters.items():
            stmt = stmt.where(getattr(RollupCount, name) == value)
        if not filters:
            # Every province: named, so the (level, province, grain, bucket) index serves.
            stmt = stmt.where(RollupCount.province_code.in_([p.code for p in places.provinces()]))
        stmt = stmt.group_by(RollupCount.place_code, RollupCount.learner_group)
        for code, group, r, a, c, t in db.session.execute(stmt):
            result.setdefault((code, group), Counts()).add(
                Counts(int(r or 0), int(a or 0), int(c or 0), int(t or 0))
            )
    return result


def _populations(scope: Scope, year: int) -> dict[tuple[str, str], int]:
    stmt = select(Population.commune_code, Population.learner_group, Population.population).where(
        Population.year == year
    )
    if scope.level == "province":
        stmt = stmt.where(Population.province_code == scope.province_code)
    elif scope.level == "commune":
        stmt = stmt.where(Population.commune_code == scope.commune_code)
    return {(c, g): p for c, g, p in db.session.execute(stmt)}


def _overrides(scope: Scope, year: int) -> dict[tuple[str, str], float]:
    stmt = select(
        TargetOverride.commune_code, TargetOverride.learner_group, TargetOverride.percent
    ).where(TargetOverride.year == year)
    if scope.level == "province":
        stmt = stmt.where(TargetOverride.province_code == scope.province_code)
    elif scope.level == "commune":
        stmt = stmt.where(TargetOverride.commune_code == scope.commune_code)
    return {(c, g): p for c, g, p in db.session.execute(stmt)}


def default_targets(year: int) -> dict[str, Decimal]:
    """Return each group's default target for a year (groups.yaml), if it has one."""
    return {
        group: Decimal(str(value)).quantize(Decimal("0.1"))
        for group, value in db.session.execute(
            select(GroupTarget.group_code, GroupTarget.percent).where(GroupTarget.year == year)
        )
    }


def _decimal(value: float | Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


@dataclass
class Frame:
    """Populations and targets of the communes of a scope for a year."""

    communes: list[places.Place]
    populations: dict[tuple[str, str], int]
    overrides: dict[tuple[str, str], float]
    defaults: dict[str, Decimal]

    def target(self, commune_code: str, group: str) -> Decimal | None:
        override = self.overrides.get((commune_code, group))
        return _decimal(override) if override is not None else self.defaults.get(group)

    def combined(
        self, codes: list[str], groups: tuple[str, ...]
    ) -> tuple[int | None, Decimal | None]:
        """Return the total population of communes × groups (None unless all are known) and
        the target weighted by population (the default target when only one group is asked
        and populations are unknown)."""
        pops = [self.populations.get((c, g)) for c in codes for g in groups]
        if codes and all(p is not None for p in pops):
            total = sum(p for p in pops if p is not None)
            targets = [(self.target(c, g), self.populations[(c, g)]) for c in codes for g in groups]
            if total > 0 and all(t is not None for t, _ in targets):
                weighted = sum((t * p for t, p in targets if t is not None), Decimal(0)) / total
                return total, weighted.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            return total, None
        if len(groups) == 1:
            commune_targets = {self.target(c, groups[0]) for c in codes}
            if len(commune_targets) == 1:
                return None, commune_targets.pop()
        return None, None


def frame(scope: Scope, year: int) -> Frame:
    """Return the populations and targets a scope's figures are measured against (read once
    per request: a dashboard measures several figures against the same frame)."""
    cache = g.setdefault("report_frames", {}) if has_app_context() else {}
    key = (scope, year)
    if key not in cache:
        cache[key] = _frame(scope, year)
    return cache[key]


def _frame(scope: Scope, year: int) -> Frame:
    return Frame(
        scope.communes(), _populations(scope, year), _overrides(scope, year), default_targets(year)
    )


def _figure(
    code: str, name: str, group: str, counts: Counts, fr: Frame, codes: list[str]
) -> Figure:
    groups = GROUPS if group == TOTAL else (group,)
    population, target = fr.combined(codes, groups)
    return Figure(code, name, group, counts, population, target)


def _scope_counts(scope: Scope, day: date) -> dict[str, Counts]:
    if scope.level == "commune":
        rows = counts_by_place("commune", day, place_code=scope.commune_code or "")
    elif scope.level == "province":
        rows = counts_by_place("province", day, place_code=scope.province_code or "")
    else:
        rows = counts_by_place("country", day, place_code=COUNTRY)
    return {group: counts for (_, group), counts in rows.items()}


def with_total(by_group: dict[str, Counts]) -> dict[str, Counts]:
    total = Counts()
    for group in GROUPS:
        total.add(by_group.get(group, Counts()))
    return {**{g: by_group.get(g, Counts()) for g in GROUPS}, TOTAL: total}


def scope_figures(scope: Scope, period: Period, today: date | None = None) -> list[Figure]:
    """Return the scope's figures per group, then all groups together."""
    day = period.figures_day(today or local_today())
    fr = frame(scope, period.year)
    codes = [c.code for c in fr.communes]
    counts = with_total(_scope_counts(scope, day))
    code = scope.commune_code or scope.province_code or COUNTRY
    return [_figure(code, scope.name, g, counts[g], fr, codes) for g in (*GROUPS, TOTAL)]


def commune_figures(
    scope: Scope, period: Period, only: list[str] | None = None, today: date | None = None
) -> list[Figure]:
    """Return one figure per commune of the scope and group (the export's rows)."""
    day = period.figures_day(today or local_today())
    fr = frame(scope, period.year)
    if scope.level == "commune":
        counts = counts_by_place("commune", day, place_code=scope.commune_code or "")
    elif scope.level == "province":
        counts = counts_by_place("commune", day, province_code=scope.province_code or "")
    else:
        counts = counts_by_place("commune", day)
    wanted = set(only) if only else None
    result = []
    for commune in fr.communes:
        if wanted is not None and commune.code not in wanted:
            continue
        for group in GROUPS:
            figure = Figure(
                commune.code,
                commune.name,
                group,
                counts.get((commune.code, group), Counts()),
                fr.populations.get((commune.code, group)),
                fr.target(commune.code, group),
                commune.province_code,
            )
            result.append(figure)
    return result


def totals_of(rows: list[Figure], fr: Frame | None = None) -> Figure:
    """Return the total of export rows: counts added, population only if every one is known."""
    total = Figure("", "", TOTAL)
    for row in rows:
        total.counts.add(row.counts)
    pops = [row.population for row in rows]
    if rows and all(p is not None for p in pops):
        total.population = sum(p for p in pops if p is not None)
        targets = [(row.target_percent, row.population) for row in rows]
        if total.population and all(t is not None for t, _ in targets):
            weighted = sum((t * p for t, p in targets if t is not None and p), Decimal(0))
            total.target_percent = (weighted / total.population).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
    return total


def child_figures(scope: Scope, period: Period, today: date | None = None) -> list[Figure]:
    """Return all-groups figures of the places one level down: provinces, communes, or villages and units."""
    day = period.figures_day(today or local_today())
    fr = frame(scope, period.year)
    result: list[Figure] = []
    if scope.level == "country":
        counts = counts_by_place("province", day)
        by_province: dict[str, list[str]] = {}
        for commune in fr.communes:
            by_province.setdefault(commune.province_code, []).append(commune.code)
        for province in places.provinces():
            total = with_total({g: counts.get((province.code, g), Counts()) for g in GROUPS})[TOTAL]
            figure = _figure(
                province.code, province.name, TOTAL, total, fr, by_province.get(province.code, [])
            )
            result.append(figure)
    elif scope.level == "province":
        counts = counts_by_place("commune", day, province_code=scope.province_code or "")
        for commune in fr.communes:
            total = with_total({g: counts.get((commune.code, g), Counts()) for g in GROUPS})[TOTAL]
            figure = _figure(commune.code, commune.name, TOTAL, total, fr, [commune.code])
            figure.province_code = commune.province_code
            result.append(figure)
    return result


@dataclass
class LocalFigure:
    """A village's or unit's counts (no population is kept for them, so no percentage)."""

    kind: str
    place_id: int
    name: str
    counts: Counts


def local_figures(scope: Scope, period: Period, today: date | None = None) -> list[LocalFigure]:
    """Return the villages' and units' counts of a commune, all groups together."""
    if scope.level != "commune":
        return []
    day = period.figures_day(today or local_today())
    result = []
    for level, model in (("village", Village), ("unit", Unit)):
        counts = counts_by_place(level, day, commune_code=scope.commune_code or "")
        totals: dict[str, Counts] = {}
        for (code, _group), value in counts.items():
            totals.setdefault(code, Counts()).add(value)
        for item in db.session.scalars(
            select(model).where(model.commune_code == scope.commune_code)
        ):
            result.append(
                LocalFigure(level, item.id, item.name, totals.get(str(item.id), Counts()))
            )
    return sorted(result, key=lambda f: (f.kind != "village", f.name.casefold()))


@dataclass
class ProgressPoint:
    """The scope's all-groups figures at the end of a quarter."""

    day: date
    registered: int
    attained: int
    attainment_percent: Decimal | None


def progress(
    scope: Scope, period: Period, quarters: int = 8, today: date | None = None
) -> list[ProgressPoint]:
    """Return attainment at the end of each of the last quarters up to the period's end."""
    now = today or local_today()
    end = period.figures_day(now)
    code = scope.commune_code or scope.province_code or COUNTRY
    rows = db.session.execute(
        select(
            RollupCount.bucket,
            RollupCount.learner_group,
            func.sum(RollupCount.registered),
            func.sum(RollupCount.attained),
        )
        .where(
            RollupCount.level == scope.level,
            RollupCount.place_code == code,
            RollupCount.grain == "d",
            RollupCount.bucket >= month_of(end),
            RollupCount.bucket <= end,
        )
        .group_by(RollupCount.bucket, RollupCount.learner_group)
    ).all()
    monthly = db.session.execute(
        select(
            RollupCount.bucket,
            func.sum(RollupCount.registered),
            func.sum(RollupCount.attained),
        )
        .where(
            RollupCount.level == scope.level,
            RollupCount.place_code == code,
            RollupCount.grain == "m",
            RollupCount.bucket < month_of(end),
        )
        .group_by(RollupCount.bucket)
        .order_by(RollupCount.bucket)
    ).all()
    points = []
    for last in quarter_ends(end, quarters):
        day = min(last, end)
        registered = sum(int(r) for b, r, _ in monthly if b <= day)
        attained = sum(int(a) for b, _, a in monthly if b <= day)
        if day == end:
            registered += sum(int(r) for _b, _g, r, _a in rows)
            attained += sum(int(a) for _b, _g, _r, a in rows)
        elif month_of(day) == month_of(end):
            registered += sum(int(r) for b, _g, r, _a in rows if b <= day)
            attained += sum(int(a) for b, _g, _r, a in rows if b <= day)
        points.append(ProgressPoint(day, registered, attained, None))
    fr = frame(scope, period.year)
    population, _ = fr.combined([c.code for c in fr.communes], GROUPS)
    for point in points:
        point.attainment_percent = percent(point.attained, population)
    return points


@dataclass
class DomainFigure:
    """How well learners of a scope did on questions of one competence domain."""

    code: str
    name: str
    percent: Decimal | None
    answers: int


def domain_figures(scope: Scope, period: Period, today: date | None = None) -> list[DomainFigure]:
    """Return the competence domains from weakest to strongest (share of points earned)."""
    day = period.figures_day(today or local_today())
    month = month_of(day)
    code = scope.commune_code or scope.province_code or COUNTRY
    rows = db.session.execute(
        select(
            DomainScore.domain_code,
            func.sum(DomainScore.points),
            func.sum(DomainScore.max_points),
            func.sum(DomainScore.answers),
        )
        .where(
            DomainScore.level == scope.level,
            DomainScore.place_code == code,
            DomainScore.grain == "m",
            DomainScore.bucket <= month,  # kept by month: the period end's whole month counts
        )
        .group_by(DomainScore.domain_code)
    ).all()
    names = {d.code: d for d in db.session.scalars(select(Domain))}
    result = []
    for domain_code, points, max_points, answers in rows:
        domain = names.get(domain_code)
        result.append(
            DomainFigure(
                domain_code,
                domain.name_vi if domain else domain_code,
                percent(float(points or 0), float(max_points or 0)),
                int(answers or 0),
            )
        )
    return sorted(result, key=lambda d: (d.percent is None, d.percent or 0, d.code))
