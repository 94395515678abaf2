"""Officers' figures of the community: mentors and the people they helped, households with a
member who attained the standard, per commune and village.

Cumulative up to a period's end, like every figure of DESIGN §6: a person counts as helped
from the day they accepted the link (or were registered), attainment from its date, a
household from its creation. Households are counted with their members of today (membership
keeps no history). Every function checks the viewer's scope first (lms.reports.scope)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, true

from lms.accounts.models import User
from lms.community.models import GuidedSession, Household, HouseholdMember, MentorLink
from lms.community.services import MENTOR_GOAL
from lms.completion.models import Attainment
from lms.core import places
from lms.core.localities import Village
from lms.extensions import db
from lms.reports.periods import Period
from lms.reports.rollup import revoked_attainments
from lms.reports.scope import Scope, authorise


def _in_scope(column_province: Any, column_commune: Any, scope: Scope) -> Any:
    if scope.level == "province":
        return column_province == scope.province_code
    if scope.level == "commune":
        return column_commune == scope.commune_code
    return true()


def _attained_by(user_ids: set[int], end: Any) -> set[int]:
    """Return who among these people had attained a program by the moment `end`.

    A program certificate revoked (and not issued again) withdraws the attainment, as in
    the other figures (lms.reports.rollup.revoked_attainments)."""
    if not user_ids:
        return set()
    rows = db.session.execute(
        select(Attainment.user_id, Attainment.group_code).where(
            Attainment.user_id.in_(user_ids), Attainment.attained_at < end
        )
    ).all()
    revoked = revoked_attainments(db.session.connection(), sorted({u for u, _ in rows}))
    return {user_id for user_id, group in rows if (user_id, group) not in revoked}


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


def mentor_rows(scope: Scope, period: Period, only: list[str] | None = None) -> list[MentorFigure]:
    """Return the mentors of a scope (by their own commune), most people helped first.

    The caller has checked the scope (lms.reports.scope.authorise)."""
    end = period.end_utc()
    stmt = select(User).where(
        User.role == "mentor", _in_scope(User.province_code, User.commune_code, scope)
    )
    if only:
        stmt = stmt.where(User.commune_code.in_(only))
    mentors = list(db.session.scalars(stmt))
    if not mentors:
        return []
    ids = [m.id for m in mentors]
    helped: dict[int, set[int]] = defaultdict(set)
    active: dict[int, int] = defaultdict(int)
    for mentor_id, learner_id, status in db.session.execute(
        select(MentorLink.mentor_id, MentorLink.learner_id, MentorLink.status).where(
            MentorLink.mentor_id.in_(ids),
            MentorLink.accepted_at.is_not(None),
            MentorLink.accepted_at < end,
        )
    ):
        helped[mentor_id].add(learner_id)
        if status == "active":
            active[mentor_id] += 1
    attained = _attained_by({u for people in helped.values() for u in people}, end)
    sessions: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for mentor_id, minutes in db.session.execute(
        select(GuidedSession.mentor_id, GuidedSession.minutes).where(
            GuidedSession.mentor_id.in_(ids), GuidedSession.held_on <= period.last_day
        )
    ):
        sessions[mentor_id][0] += 1
        sessions[mentor_id][1] += minutes
    result = []
    for mentor in mentors:
        commune = places.commune(mentor.commune_code) if mentor.commune_code else None
        people = helped.get(mentor.id, set())
        result.append(
            MentorFigure(
                mentor_id=mentor.id,
                name=mentor.full_name,
                province_code=mentor.province_code,
                commune_code=mentor.commune_code,
                commune_name=commune.name if commune else "",
                helped=len(people),
                attained=len(people & attained),
                active=active.get(mentor.id, 0),
                sessions=sessions[mentor.id][0] if mentor.id in sessions else 0,
                minutes=sessions[mentor.id][1] if mentor.id in sessions else 0,
            )
        )
    return sorted(result, key=lambda f: (-f.helped, -f.attained, f.name.casefold(), f.mentor_id))


@dataclass
class HouseholdFigure:
    """Households of a commune or of one of its villages, and those with a member who attained."""

    level: str  # "commune" or "village"
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


def household_figures(
    viewer: Any, scope: Scope, period: Period, via: str = "web", path: str = ""
) -> list[HouseholdFigure]:
    """Return the households' figures of a scope, after checking the viewer may see them."""
    authorise(viewer, scope, via, path)
    return household_rows(scope, period)


def household_rows(
    scope: Scope, period: Period, only: list[str] | None = None
) -> list[HouseholdFigure]:
    """Return, per commune of the scope with households, its total then its villages' lines.

    The caller has checked the scope (lms.reports.scope.authorise)."""
    end = period.end_utc()
    stmt = select(
        Household.id, Household.province_code, Household.commune_code, Household.village_id
    ).where(
        Household.created_at < end,
        _in_scope(Household.province_code, Household.commune_code, scope),
    )
    if only:
        stmt = stmt.where(Household.commune_code.in_(only))
    households = list(db.session.execute(stmt))
    if not households:
        return []
    members: dict[int, set[int]] = defaultdict(set)
    for household_id, user_id in db.session.execute(
        select(HouseholdMember.household_id, HouseholdMember.user_id).where(
            HouseholdMember.household_id.in_([h.id for h in households])
        )
    ):
        members[household_id].add(user_id)
    attained = _attained_by({u for people in members.values() for u in people}, end)
    village_ids = {h.village_id for h in households if h.village_id is not None}
    village_names = (
        dict(
            db.session.execute(
                select(Village.id, Village.name).where(Village.id.in_(village_ids))
            ).all()
        )
        if village_ids
        else {}
    )
    communes: dict[str | None, HouseholdFigure] = {}
    villages: dict[tuple[str | None, int], HouseholdFigure] = {}
    for household in households:
        commune = places.commune(household.commune_code) if household.commune_code else None
        line = communes.get(household.commune_code)
        if line is None:
            line = communes[household.commune_code] = HouseholdFigure(
                "commune",
                household.province_code,
                household.commune_code,
                commune.name if commune else "",
                None,
                "",
            )
        lines = [line]
        if household.village_id is not None:
            key = (household.commune_code, household.village_id)
            village = villages.get(key)
            if village is None:
                village = villages[key] = HouseholdFigure(
                    "village",
                    household.province_code,
                    household.commune_code,
                    line.commune_name,
                    household.village_id,
                    village_names.get(household.village_id, ""),
                )
            lines.append(village)
        people = members.get(household.id, set())
        for item in lines:
            item.households += 1
            item.members += len(people)
            item.with_attained += 1 if people & attained else 0
    result = []
    for code in sorted(communes, key=lambda c: (communes[c].commune_name.casefold(), c or "")):
        result.append(communes[code])
        result.extend(
            sorted(
                (v for (c, _), v in villages.items() if c == code),
                key=lambda v: (v.village_name.casefold(), v.village_id or 0),
            )
        )
    return result


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
