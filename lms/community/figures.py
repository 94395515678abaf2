"""Officers' figures of the community: mentors and the people they helped, households with a
member who attained the standard, per commune and village.

Cumulative up to a period's end, like every figure of DESIGN §6: a person counts as helped
from the day they accepted the link (or were registered), attainment from its date, a
household from its creation. Households are counted with their members of today (membership
keeps no history). Every function checks the viewer's scope first (lms.reports.scope).

Everything is counted by the database (GROUP BY), never by loading people: a figure reads one
row per mentor link and one index entry per household, with no join, thanks to the copies
kept by lms.community.copies (member count, first attainment). Dashboards above a commune
show totals per commune or province (mentor_totals, household_lines); the exports carry every
mentor and village."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, distinct, func, select, true

from lms.accounts.models import User
from lms.community.models import GuidedSession, Household, MentorLink
from lms.community.services import MENTOR_GOAL
from lms.core import places
from lms.core.localities import Village
from lms.extensions import db
from lms.reports.periods import Period
from lms.reports.scope import Scope, authorise


def _in_scope(column_province: Any, column_commune: Any, scope: Scope) -> Any:
    if scope.level == "province":
        return column_province == scope.province_code
    if scope.level == "commune":
        return column_commune == scope.commune_code
    return true()


def _commune_name(code: str | None) -> str:
    commune = places.commune(code) if code else None
    return commune.name if commune else ""


def _province_name(code: str | None) -> str:
    province = places.province(code) if code else None
    return province.name if province else ""


@dataclass
class MentorFigure:
    """One mentor's figures: people helped, of whom attained, guided sessions."""

    mentor_id: int
    name: str
    province_code: str | None
    commune_code: str | None
    commune_name: str
    helped: int
    attained: int
    active: int
    sessions: int
    minutes: int

    @property
    def meets_goal(self) -> bool:
        return self.helped >= MENTOR_GOAL


def mentor_figures(
    viewer: Any, scope: Scope, period: Period, via: str = "web", path: str = ""
) -> list[MentorFigure]:
    """Return the mentors of a scope, after checking the viewer may see its figures."""
    authorise(viewer, scope, via, path)
    return mentor_rows(scope, period)


def _per_mentor(scope: Scope, period: Period, only: list[str] | None = None) -> Any:
    """Return a subquery: one row per mentor of the scope (by their own commune) with the
    people helped, of whom attained, active links, guided sessions and minutes.

    People count from the day they accepted the link (or were registered); attainment from
    its moment, kept on the link (lms.community.copies)."""
    end = period.end_utc()
    where = [User.role == "mentor", _in_scope(User.province_code, User.commune_code, scope)]
    if only:
        where.append(User.commune_code.in_(only))
    in_scope = select(User.id).where(*where)
    attained = MentorLink.learner_attained_at < end
    links = (
        select(
            MentorLink.mentor_id,
            func.count(distinct(MentorLink.learner_id)).label("helped"),
            func.count(distinct(case((attained, MentorLink.learner_id)))).label("attained"),
            func.sum(case((MentorLink.status == "active", 1), else_=0)).label("active"),
        )
        .where(
            MentorLink.mentor_id.in_(in_scope),
            MentorLink.accepted_at.is_not(None),
            MentorLink.accepted_at < end,
        )
        .group_by(MentorLink.mentor_id)
        .subquery()
    )
    held = (
        select(
            GuidedSession.mentor_id,
            func.count().label("sessions"),
            func.sum(GuidedSession.minutes).label("minutes"),
        )
        .where(GuidedSession.mentor_id.in_(in_scope), GuidedSession.held_on <= period.last_day)
        .group_by(GuidedSession.mentor_id)
        .subquery()
    )
    return (
        select(
            User.id.label("mentor_id"),
            User.full_name.label("name"),
            User.province_code,
            User.commune_code,
            func.coalesce(links.c.helped, 0).label("helped"),
            func.coalesce(links.c.attained, 0).label("attained"),
            func.coalesce(links.c.active, 0).label("active"),
            func.coalesce(held.c.sessions, 0).label("sessions"),
            func.coalesce(held.c.minutes, 0).label("minutes"),
        )
        .outerjoin(links, links.c.mentor_id == User.id)
        .outerjoin(held, held.c.mentor_id == User.id)
        .where(*where)
        .subquery()
    )


def mentor_rows(scope: Scope, period: Period, only: list[str] | None = None) -> list[MentorFigure]:
    """Return the mentors of a scope, most people helped first (the exports; a commune's page).

    The caller has checked the scope (lms.reports.scope.authorise)."""
    per_mentor = _per_mentor(scope, period, only)
    result = [
        MentorFigure(
            mentor_id=row.mentor_id,
            name=row.name,
            province_code=row.province_code,
            commune_code=row.commune_code,
            commune_name=_commune_name(row.commune_code),
            helped=int(row.helped),
            attained=int(row.attained),
            active=int(row.active),
            sessions=int(row.sessions),
            minutes=int(row.minutes),
        )
        for row in db.session.execute(select(per_mentor))
    ]
    return sorted(result, key=lambda f: (-f.helped, -f.attained, f.name.casefold(), f.mentor_id))


@dataclass
class MentorTotals:
    """The mentors of one commune or province, added up for a dashboard."""

    place_code: str | None
    place_name: str
    mentors: int = 0
    meeting_goal: int = 0
    helped: int = 0
    attained: int = 0
    sessions: int = 0
    minutes: int = 0


def mentor_totals(scope: Scope, period: Period, level: str) -> list[MentorTotals]:
    """Add the mentors of a scope up per commune (level "commune") or province, in the
    database; most people helped first. The caller has checked the scope."""
    per_mentor = _per_mentor(scope, period)
    place = per_mentor.c.commune_code if level == "commune" else per_mentor.c.province_code
    name_of = _commune_name if level == "commune" else _province_name
    rows = db.session.execute(
        select(
            place.label("place"),
            func.count().label("mentors"),
            func.sum(case((per_mentor.c.helped >= MENTOR_GOAL, 1), else_=0)).label("goal"),
            func.sum(per_mentor.c.helped).label("helped"),
            func.sum(per_mentor.c.attained).label("attained"),
            func.sum(per_mentor.c.sessions).label("sessions"),
            func.sum(per_mentor.c.minutes).label("minutes"),
        ).group_by(place)
    )
    totals = [
        MentorTotals(
            row.place,
            name_of(row.place),
            mentors=int(row.mentors),
            meeting_goal=int(row.goal or 0),
            helped=int(row.helped or 0),
            attained=int(row.attained or 0),
            sessions=int(row.sessions or 0),
            minutes=int(row.minutes or 0),
        )
        for row in rows
    ]
    return sorted(totals, key=lambda t: (-t.helped, t.place_name.casefold()))


@dataclass
class HouseholdFigure:
    """Households of a province, a commune or a village, and those with a member who attained."""

    level: str  # "province", "commune" or "village"
    province_code: str | None
    commune_code: str | None
    commune_name: str
    village_id: int | None
    village_name: str
    households: int = 0
    with_attained: int = 0
    members: int = 0

    @property
    def percent(self) -> float | None:
        if not self.households:
            return None
        return round(100 * self.with_attained / self.households, 1)

    @property
    def place_name(self) -> str:
        if self.level == "province":
            return _province_name(self.province_code)
        return self.village_name if self.level == "village" else self.commune_name

    def add(self, other: HouseholdFigure) -> None:
        self.households += other.households
        self.with_attained += other.with_attained
        self.members += other.members


def household_figures(
    viewer: Any, scope: Scope, period: Period, via: str = "web", path: str = ""
) -> list[HouseholdFigure]:
    """Return the households' figures of a scope, after checking the viewer may see them."""
    authorise(viewer, scope, via, path)
    return household_rows(scope, period)


def _village_counts(scope: Scope, period: Period, only: list[str] | None) -> list[HouseholdFigure]:
    """Count the households of the scope in the database, one line per village (or none)."""
    end = period.end_utc()
    # One read of the households' figures index: member_count and attained_at are kept
    # by lms.community.copies.
    where = [
        Household.created_at < end,
        _in_scope(Household.province_code, Household.commune_code, scope),
    ]
    if only:
        where.append(Household.commune_code.in_(only))
    rows = db.session.execute(
        select(
            Household.province_code,
            Household.commune_code,
            Household.village_id,
            func.count().label("households"),
            func.sum(case((Household.attained_at < end, 1), else_=0)).label("with_attained"),
            func.sum(Household.member_count).label("members"),
        )
        .where(*where)
        .group_by(Household.province_code, Household.commune_code, Household.village_id)
    ).all()
    village_ids = {row.village_id for row in rows if row.village_id is not None}
    names = (
        dict(
            db.session.execute(
                select(Village.id, Village.name).where(Village.id.in_(village_ids))
            ).all()
        )
        if village_ids
        else {}
    )
    return [
        HouseholdFigure(
            "village",
            row.province_code,
            row.commune_code,
            _commune_name(row.commune_code),
            row.village_id,
            names.get(row.village_id, "") if row.village_id is not None else "",
            households=row.households,
            with_attained=int(row.with_attained or 0),
            members=int(row.members or 0),
        )
        for row in rows
    ]


def household_rows(
    scope: Scope, period: Period, only: list[str] | None = None
) -> list[HouseholdFigure]:
    """Return, per commune of the scope with households, its total then its villages' lines.

    The caller has checked the scope (lms.reports.scope.authorise)."""
    communes: dict[str | None, HouseholdFigure] = {}
    villages: dict[str | None, list[HouseholdFigure]] = {}
    for line in _village_counts(scope, period, only):
        total = communes.get(line.commune_code)
        if total is None:
            total = communes[line.commune_code] = HouseholdFigure(
                "commune", line.province_code, line.commune_code, line.commune_name, None, ""
            )
        total.add(line)
        if line.village_id is not None:
            villages.setdefault(line.commune_code, []).append(line)
    result = []
    for code in sorted(communes, key=lambda c: (communes[c].commune_name.casefold(), c or "")):
        result.append(communes[code])
        result.extend(
            sorted(
                villages.get(code, []),
                key=lambda v: (v.village_name.casefold(), v.village_id or 0),
            )
        )
    return result


def household_lines(scope: Scope, period: Period) -> list[HouseholdFigure]:
    """Return the households' lines a dashboard shows: a commune with its villages, a
    province's communes, or the country's provinces. The caller has checked the scope."""
    lines = household_rows(scope, period)
    if scope.level == "commune":
        return lines
    communes = [line for line in lines if line.level == "commune"]
    if scope.level == "province":
        return communes
    provinces: dict[str | None, HouseholdFigure] = {}
    for line in communes:
        total = provinces.get(line.province_code)
        if total is None:
            total = provinces[line.province_code] = HouseholdFigure(
                "province", line.province_code, None, "", None, ""
            )
        total.add(line)
    return sorted(
        provinces.values(), key=lambda p: (p.place_name.casefold(), p.province_code or "")
    )


MENTOR_COLUMNS = (
    "period",
    "province_code",
    "commune_code",
    "commune_name",
    "mentor_id",
    "mentor_name",
    "people_helped",
    "people_attained",
    "active_links",
    "guided_sessions",
    "guided_minutes",
    "meets_goal_of_5",
)
HOUSEHOLD_COLUMNS = (
    "period",
    "province_code",
    "commune_code",
    "commune_name",
    "level",
    "village_id",
    "village_name",
    "households",
    "households_with_attained_member",
    "household_percent",
    "members",
)


def export_tables(scope: Scope, period: Period, only: list[str] | None = None) -> list[Any]:
    """Return the community's tables for the XLSX (extra sheets) and JSON (extra fields) exports.

    The caller has checked the scope. The contract's columns (DESIGN §6) are not touched:
    these are separate tables, with mentors named (a public role) and no learner at all."""
    from flask_babel import gettext as _

    from lms.reports.exports import ExtraTable

    mentors = [
        (
            period.label,
            m.province_code or "",
            m.commune_code or "",
            m.commune_name,
            m.mentor_id,
            m.name,
            m.helped,
            m.attained,
            m.active,
            m.sessions,
            m.minutes,
            m.meets_goal,
        )
        for m in mentor_rows(scope, period, only)
    ]
    households = [
        (
            period.label,
            h.province_code or "",
            h.commune_code or "",
            h.commune_name,
            h.level,
            h.village_id,
            h.village_name or None,
            h.households,
            h.with_attained,
            h.percent,
            h.members,
        )
        for h in household_rows(scope, period, only)
    ]
    return [
        ExtraTable(
            key="mentors",
            sheet=_("Đại sứ số"),
            title=_(
                "Đại sứ số và số người đã hỗ trợ: %(scope)s, kỳ %(p)s",
                scope=scope.name,
                p=period.label,
            ),
            columns=MENTOR_COLUMNS,
            headers=(
                _("Kỳ báo cáo"),
                _("Mã tỉnh"),
                _("Mã xã"),
                _("Tên xã/phường"),
                _("Mã Đại sứ số"),
                _("Họ tên Đại sứ số"),
                _("Số người đã hỗ trợ"),
                _("Trong đó đạt phổ cập"),
                _("Đang kết nối"),
                _("Số lượt hướng dẫn"),
                _("Số phút hướng dẫn"),
                _("Đạt mục tiêu 5 người"),
            ),
            rows=mentors,
        ),
        ExtraTable(
            key="households",
            sheet=_("Gia đình số"),
            title=_(
                "Hộ gia đình có người đạt phổ cập: %(scope)s, kỳ %(p)s",
                scope=scope.name,
                p=period.label,
            ),
            columns=HOUSEHOLD_COLUMNS,
            headers=(
                _("Kỳ báo cáo"),
                _("Mã tỉnh"),
                _("Mã xã"),
                _("Tên xã/phường"),
                _("Cấp"),
                _("Mã thôn"),
                _("Tên thôn, bản, tổ dân phố"),
                _("Số hộ"),
                _("Số hộ có người đạt"),
                _("Tỷ lệ hộ có người đạt (%)"),
                _("Số thành viên"),
            ),
            rows=households,
        ),
    ]
