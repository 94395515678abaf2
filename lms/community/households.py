"""Rules of households ("Gia đình số"): creating one, inviting with a short code, joining,
leaving, a mentor setting one up, and who in it has attained the standard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.audit.services import record_event
from lms.community.access import active_mentee_ids
from lms.community.codes import Reading, new_code, read_code
from lms.community.models import Household, HouseholdInvite, HouseholdMember
from lms.community.services import CommunityError, NotYourMentee, require_mentor
from lms.completion.models import Attainment
from lms.core.db import utcnow
from lms.core.text import clean_line
from lms.extensions import db

INVITE_LIFETIME = timedelta(days=7)
MAX_OPEN_INVITES = 10


def household_of(user: User) -> Household | None:
    """Return the household the person belongs to, if any."""
    return db.session.scalar(
        select(Household).join(HouseholdMember).where(HouseholdMember.user_id == user.id)
    )


def _check_name(name: str) -> str:
    clean = clean_line(name)
    if not clean:
        raise CommunityError(_("Hãy đặt tên cho hộ gia đình."), "name")
    if len(clean) > 120:
        raise CommunityError(_("Tên hộ gia đình dài tối đa 120 ký tự."), "name")
    return clean


def _new_household(name: str, place_of: User, created_by: User, mentor: User | None) -> Household:
    household = Household(
        name=name,
        province_code=place_of.province_code,
        commune_code=place_of.commune_code,
        village_id=place_of.village_id,
        created_by_id=created_by.id,
        mentor_id=mentor.id if mentor is not None else None,
    )
    db.session.add(household)
    db.session.flush()
    return household


def create_household(user: User, name: str) -> Household:
    """A learner creates a household and manages it (invites, removes members)."""
    if user.role != "learner":
        raise CommunityError(_("Chỉ người học mới tạo hộ gia đình của mình."))
    if household_of(user) is not None:
        raise CommunityError(_("Bạn đã ở trong một hộ gia đình. Hãy rời hộ đó trước."))
    household = _new_household(_check_name(name), user, user, None)
    db.session.add(HouseholdMember(household_id=household.id, user_id=user.id, is_manager=True))
    record_event("household.joined", user, user, household_id=household.id)
    db.session.flush()
    return household


def set_up_household(mentor: User, name: str, learner_ids: list[int], attested: bool) -> Household:
    """A mentor sets a household up with mentees who agreed to be in it together."""
    require_mentor(mentor)
    if not learner_ids:
        raise CommunityError(_("Hãy chọn ít nhất một thành viên."), "members")
    if not attested:
        raise CommunityError(
            _("Hãy xác nhận những người được chọn đã đồng ý vào cùng một hộ gia đình."),
            "attested",
        )
    clean = _check_name(name)
    allowed = set(db.session.scalars(active_mentee_ids(mentor.id)))
    if any(i not in allowed for i in learner_ids):
        raise NotYourMentee(learner_ids)
    people = [db.session.get(User, i) for i in sorted(set(learner_ids))]
    busy = [p.full_name for p in people if p is not None and household_of(p) is not None]
    if busy:
        raise CommunityError(
            _("Đã ở trong một hộ gia đình khác: %(names)s.", names=", ".join(busy)), "members"
        )
    household = _new_household(clean, people[0], mentor, mentor)  # type: ignore[arg-type]
    for person in people:
        assert person is not None
        db.session.add(
            HouseholdMember(household_id=household.id, user_id=person.id, added_by_id=mentor.id)
        )
        record_event("household.joined", mentor, person, household_id=household.id)
    db.session.flush()
    return household


def households_set_up_by(mentor: User) -> list[Household]:
    """Return the households a mentor set up, newest first."""
    require_mentor(mentor)
    return list(
        db.session.scalars(
            select(Household)
            .where(Household.mentor_id == mentor.id)
            .order_by(Household.created_at.desc(), Household.id.desc())
        )
    )


def may_manage(user: User, household: Household) -> bool:
    """Return whether the person may invite to and remove from the household."""
    if user.role == "mentor" and household.mentor_id == user.id:
        return True
    return any(m.user_id == user.id and m.is_manager for m in household.members)


def may_view(user: User, household: Household) -> bool:
    """Return whether the person may see the household page (members, and its mentor)."""
    return may_manage(user, household) or any(m.user_id == user.id for m in household.members)


def create_invite(user: User, household: Household) -> HouseholdInvite:
    """Make a one-time code to join the household, valid for 7 days."""
    if not may_manage(user, household):
        raise PermissionError(household.id)
    now = utcnow()
    open_count = (
        db.session.scalar(
            select(func.count(HouseholdInvite.id)).where(
                HouseholdInvite.household_id == household.id,
                HouseholdInvite.used_at.is_(None),
                HouseholdInvite.expires_at > now,
            )
        )
        or 0
    )
    if open_count >= MAX_OPEN_INVITES:
        raise CommunityError(
            _("Hộ đã có %(n)d mã mời chưa dùng. Hãy dùng hết hoặc đợi mã cũ hết hạn.", n=open_count)
        )
    while True:
        code = new_code()
        if (
            db.session.scalar(select(HouseholdInvite.id).where(HouseholdInvite.code == code))
            is None
        ):
            break
    invite = HouseholdInvite(
        household_id=household.id,
        code=code,
        created_by_id=user.id,
        created_at=now,
        expires_at=now + INVITE_LIFETIME,
    )
    db.session.add(invite)
    db.session.flush()
    return invite


def open_invites(household: Household) -> list[HouseholdInvite]:
    """Return the household's codes still usable, newest first."""
    return list(
        db.session.scalars(
            select(HouseholdInvite)
            .where(
                HouseholdInvite.household_id == household.id,
                HouseholdInvite.used_at.is_(None),
                HouseholdInvite.expires_at > utcnow(),
            )
            .order_by(HouseholdInvite.created_at.desc())
        )
    )


def join_household(user: User, raw_code: str) -> Household:
    """Join the household whose code was typed; the code is used up."""
    reading, code = read_code(raw_code)
    if reading is Reading.MALFORMED:
        raise CommunityError(
            _("Mã mời gồm 8 chữ và số, ví dụ 7KQ2-M9XD. Hãy kiểm tra lại."), "code"
        )
    if reading is Reading.MISTYPED:
        raise CommunityError(
            _("Mã này có vẻ bị gõ nhầm một ký tự. Hãy đối chiếu lại từng ký tự."), "code"
        )
    invite = db.session.scalar(select(HouseholdInvite).where(HouseholdInvite.code == code))
    if invite is None:
        raise CommunityError(_("Không có mã mời này. Hãy hỏi lại người đã gửi mã."), "code")
    if invite.used_at is not None:
        raise CommunityError(_("Mã mời này đã được dùng. Hãy xin một mã mới."), "code")
    if invite.expires_at <= utcnow():
        raise CommunityError(_("Mã mời này đã hết hạn. Hãy xin một mã mới."), "code")
    if user.role != "learner":
        raise CommunityError(_("Chỉ người học mới vào được hộ gia đình."), "code")
    current = household_of(user)
    if current is not None:
        if current.id == invite.household_id:
            raise CommunityError(_("Bạn đã ở trong hộ gia đình này."), "code")
        raise CommunityError(_("Bạn đã ở trong một hộ gia đình. Hãy rời hộ đó trước."), "code")
    invite.used_at = utcnow()
    invite.used_by_id = user.id
    db.session.add(HouseholdMember(household_id=invite.household_id, user_id=user.id))
    record_event("household.joined", user, user, household_id=invite.household_id)
    db.session.flush()
    return invite.household


def _drop_member(member: HouseholdMember) -> None:
    household = member.household
    household.members.remove(member)
    db.session.flush()
    if not household.members:
        db.session.delete(household)
    elif not any(m.is_manager for m in household.members) and household.mentor_id is None:
        # Someone must be able to invite: the longest-standing member takes over.
        household.members[0].is_manager = True


def leave_household(user: User, erased: bool = False) -> bool:
    """Leave one's household (an empty household is deleted); returns whether one was left."""
    member = db.session.scalar(select(HouseholdMember).where(HouseholdMember.user_id == user.id))
    if member is None:
        return False
    household_id = member.household_id
    _drop_member(member)
    record_event(
        "household.left", user, user, household_id=household_id, reason="erased" if erased else ""
    )
    db.session.flush()
    return True


def remove_member(manager: User, household: Household, user_id: int) -> User:
    """A manager (or the mentor who set the household up) removes a member."""
    if not may_manage(manager, household):
        raise PermissionError(household.id)
    member = next((m for m in household.members if m.user_id == user_id), None)
    if member is None or user_id == manager.id:
        raise LookupError(user_id)
    person = member.user
    _drop_member(member)
    record_event("household.left", manager, person, household_id=household.id, reason="removed")
    db.session.flush()
    return person


@dataclass(frozen=True)
class MemberLine:
    """A member as the household page shows them."""

    user_id: int
    name: str
    is_manager: bool
    attained_at: datetime | None


def members_of(household: Household) -> list[MemberLine]:
    """Return the members, with when each attained the standard (None: not yet)."""
    ids = [m.user_id for m in household.members]
    attained = (
        dict(
            db.session.execute(
                select(Attainment.user_id, func.min(Attainment.attained_at))
                .where(Attainment.user_id.in_(ids))
                .group_by(Attainment.user_id)
            ).all()
        )
        if ids
        else {}
    )
    return [
        MemberLine(m.user_id, m.user.full_name, m.is_manager, attained.get(m.user_id))
        for m in household.members
    ]
