"""Rules of mentoring: registering a person in person, linking with agreement, following
mentees' progress, guided sessions, and what happens when consent goes or data is erased.

Every function takes the person acting and checks their right first; nothing here commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from lms.accounts.models import User
from lms.accounts.services import (
    Guardian,
    NewAccount,
    create_account,
    find_user,
    give_consent,
    local_today,
    parse_login,
    record_consents,
)
from lms.audit.services import record_event
from lms.catalog.models import LearnerGroup
from lms.community.access import MENTOR_PURPOSE, active_mentee_ids
from lms.community.models import GuidedSession, MentorLink
from lms.completion.models import Attainment
from lms.core.db import utcnow
from lms.core.text import clean_line
from lms.extensions import db
from lms.learning.models import Enrolment, LessonProgress

EARLIEST_SESSION = date(2025, 1, 1)
MAX_MINUTES = 600
MENTOR_GOAL = 5  # each digital ambassador aims to help at least 5 people


class CommunityError(ValueError):
    """A rule of mentoring or households was broken; the message is for the person."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotYourMentee(PermissionError):
    """The mentor asked about someone they do not follow (HTTP 403)."""


def require_mentor(user: Any) -> None:
    """Raise PermissionError unless the user is a mentor (Đại sứ số)."""
    if getattr(user, "role", None) != "mentor":
        raise PermissionError("mentor only")


# --- Registering a person in person ----------------------------------------------------------


def register_person(
    mentor: User,
    data: NewAccount,
    purposes: set[str],
    guardian: Guardian | None = None,
    national_id: str = "",
    attested: bool = False,
) -> User:
    """Open an account for a person who is with the mentor, with consent given in person.

    The person consents to the account and to the mentor following their progress (the
    reason they are being registered); the mentor attests the consent sheet was read to
    them. The link starts active."""
    require_mentor(mentor)
    if not attested:
        raise CommunityError(
            _("Hãy xác nhận người được đăng ký đã nghe đọc phiếu đồng ý và tự nguyện đồng ý."),
            "attested",
        )
    if MENTOR_PURPOSE not in purposes:
        raise CommunityError(
            _(
                "Người được đăng ký cần đồng ý cho Đại sứ số theo dõi tiến độ: đó là lý do bạn "
                "đăng ký hộ. Nếu họ không đồng ý, hãy để họ tự đăng ký."
            ),
            "consent_mentor_support",
        )
    data.role = "learner"
    user = create_account(data, created_by=mentor)
    record_consents(user, purposes, recorded_by=mentor, guardian=guardian)
    if national_id.strip():
        from lms.privacy.services import save_national_id

        save_national_id(user, national_id, actor=mentor)
    now = utcnow()
    db.session.add(
        MentorLink(
            mentor_id=mentor.id,
            learner_id=user.id,
            status="active",
            origin="registered",
            requested_at=now,
            accepted_at=now,
        )
    )
    record_event("mentor.registered", mentor, user)
    db.session.flush()
    return user


# --- Linking an existing learner -------------------------------------------------------------


def _open_link(mentor_id: int, learner_id: int) -> MentorLink | None:
    return db.session.scalar(
        select(MentorLink).where(
            MentorLink.mentor_id == mentor_id,
            MentorLink.learner_id == learner_id,
            MentorLink.status.in_(("pending", "active")),
        )
    )


def request_link(mentor: User, raw_login: str) -> MentorLink | None:
    """Ask to follow the learner with this phone or e-mail; they accept in their account.

    Returns the link, or None when no learner has that login; the page says the same in
    both cases, so nobody can find out who has an account."""
    require_mentor(mentor)
    login = parse_login(raw_login)
    if login is None:
        raise CommunityError(
            _("Hãy nhập số điện thoại Việt Nam hoặc địa chỉ email hợp lệ."), "login"
        )
    learner = find_user(login)
    if learner is None or learner.role != "learner" or learner.erased_at is not None:
        return None
    if learner.id == mentor.id:
        return None
    existing = _open_link(mentor.id, learner.id)
    if existing is not None:
        return existing
    link = MentorLink(mentor_id=mentor.id, learner_id=learner.id, status="pending")
    db.session.add(link)
    record_event("mentor.link_requested", mentor, learner)
    db.session.flush()
    return link


def _learner_link(learner: User, link_id: int, statuses: tuple[str, ...]) -> MentorLink:
    link = db.session.get(MentorLink, link_id)
    if link is None or link.learner_id != learner.id or link.status not in statuses:
        raise LookupError(link_id)
    return link


def accept_link(learner: User, link_id: int) -> MentorLink:
    """The learner agrees to be followed: their consent to mentor support is recorded."""
    link = _learner_link(learner, link_id, ("pending",))
    give_consent(learner, MENTOR_PURPOSE)
    link.status = "active"
    link.accepted_at = utcnow()
    record_event("mentor.link_accepted", learner, learner, mentor_id=link.mentor_id)
    db.session.flush()
    return link


def decline_link(learner: User, link_id: int) -> MentorLink:
    """The learner refuses a mentor's request."""
    link = _learner_link(learner, link_id, ("pending",))
    link.status = "declined"
    link.ended_at = utcnow()
    record_event("mentor.link_declined", learner, learner, mentor_id=link.mentor_id)
    db.session.flush()
    return link


def end_link(actor: User, link_id: int) -> MentorLink:
    """End a link: the learner (at any time, without reason) or the mentor may do it."""
    link = db.session.get(MentorLink, link_id)
    if link is None or link.status not in ("pending", "active"):
        raise LookupError(link_id)
    if actor.id == link.learner_id:
        reason = "learner"
    elif actor.id == link.mentor_id and actor.role == "mentor":
        reason = "mentor"
    else:
        raise LookupError(link_id)
    _end(link, reason)
    record_event("mentor.link_ended", actor, link.learner_id, reason=reason)
    db.session.flush()
    return link


def _end(link: MentorLink, reason: str) -> None:
    link.status = "ended" if link.status == "active" else "declined"
    link.ended_at = utcnow()
    link.ended_reason = reason


def end_links_of(learner: User, reason: str) -> int:
    """End every pending or active link of a learner (consent withdrawn, data erased)."""
    links = list(
        db.session.scalars(
            select(MentorLink).where(
                MentorLink.learner_id == learner.id,
                MentorLink.status.in_(("pending", "active")),
            )
        )
    )
    for link in links:
        _end(link, reason)
        record_event("mentor.link_ended", learner, learner, reason=reason)
    db.session.flush()
    return len(links)


@dataclass(frozen=True)
class LinkView:
    """A link as the learner sees it."""

    link: MentorLink
    mentor_name: str


def links_for_learner(learner: User) -> dict[str, list[LinkView]]:
    """Return the learner's pending, active and past links with their mentors' names."""
    links = list(
        db.session.scalars(
            select(MentorLink)
            .where(MentorLink.learner_id == learner.id)
            .order_by(MentorLink.requested_at.desc(), MentorLink.id.desc())
        )
    )
    names = dict(
        db.session.execute(
            select(User.id, User.full_name).where(User.id.in_({link.mentor_id for link in links}))
        ).all()
    )
    result: dict[str, list[LinkView]] = {"pending": [], "active": [], "past": []}
    for link in links:
        key = link.status if link.status in ("pending", "active") else "past"
        result[key].append(LinkView(link, names.get(link.mentor_id, "")))
    return result


# --- Following mentees --------------------------------------------------------------------------


@dataclass
class CourseLine:
    """One course of a mentee: lessons done of those required, completed or not."""

    title: str
    slug: str
    done: int
    required: int
    completed_at: datetime | None

    @property
    def percent(self) -> int:
        if self.completed_at is not None:
            return 100
        return round(100 * self.done / self.required) if self.required else 0


@dataclass
class MenteeSummary:
    """What a mentor sees of a mentee."""

    user: User
    link: MentorLink
    courses: list[CourseLine] = field(default_factory=list)
    program_total: int = 0
    program_done: int = 0
    attained_at: datetime | None = None

    @property
    def completed(self) -> int:
        return sum(1 for c in self.courses if c.completed_at is not None)


def _courses_of(user_ids: list[int]) -> dict[int, list[CourseLine]]:
    """Return each learner's courses, read without changing anything."""
    if not user_ids:
        return {}
    done: dict[tuple[int, int], set[str]] = {}
    for user_id, course_id, slug in db.session.execute(
        select(LessonProgress.user_id, LessonProgress.course_id, LessonProgress.lesson_slug).where(
            LessonProgress.user_id.in_(user_ids)
        )
    ):
        done.setdefault((user_id, course_id), set()).add(slug)
    result: dict[int, list[CourseLine]] = {}
    for enrolment in db.session.scalars(
        select(Enrolment)
        .where(Enrolment.user_id.in_(user_ids))
        .order_by(Enrolment.enrolled_at.desc())
    ):
        required = list(enrolment.version.required_lessons)
        finished = done.get((enrolment.user_id, enrolment.course_id), set())
        result.setdefault(enrolment.user_id, []).append(
            CourseLine(
                enrolment.course.title,
                enrolment.course.slug,
                len(finished & set(required)),
                len(required),
                enrolment.completed_at,
            )
        )
    return result


def _summaries(links: list[MentorLink]) -> list[MenteeSummary]:
    ids = [link.learner_id for link in links]
    courses = _courses_of(ids)
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
    programs = {
        group.code: {item.course.slug for item in group.program}
        for group in db.session.scalars(select(LearnerGroup))
    }
    result = []
    for link in links:
        lines = courses.get(link.learner_id, [])
        program = programs.get(link.learner.learner_group or "", set())
        result.append(
            MenteeSummary(
                user=link.learner,
                link=link,
                courses=lines,
                program_total=len(program),
                program_done=sum(
                    1 for c in lines if c.slug in program and c.completed_at is not None
                ),
                attained_at=attained.get(link.learner_id),
            )
        )
    return result


def mentees_of(mentor: User) -> list[MenteeSummary]:
    """Return the mentor's current mentees with their progress, by name."""
    require_mentor(mentor)
    links = list(
        db.session.scalars(
            select(MentorLink)
            .join(User, User.id == MentorLink.learner_id)
            .where(
                MentorLink.mentor_id == mentor.id,
                MentorLink.learner_id.in_(active_mentee_ids(mentor.id)),
                MentorLink.status == "active",
            )
            .order_by(User.name_key, User.id)
        )
    )
    return _summaries(links)


def pending_requests_of(mentor: User) -> list[MentorLink]:
    """Return the mentor's requests the learners have not answered yet."""
    require_mentor(mentor)
    return list(
        db.session.scalars(
            select(MentorLink)
            .where(MentorLink.mentor_id == mentor.id, MentorLink.status == "pending")
            .order_by(MentorLink.requested_at.desc())
        )
    )


def helped_count(mentor: User) -> int:
    """Return how many people the mentor has helped (ever linked and accepted)."""
    return (
        db.session.scalar(
            select(func.count(func.distinct(MentorLink.learner_id))).where(
                MentorLink.mentor_id == mentor.id, MentorLink.accepted_at.is_not(None)
            )
        )
        or 0
    )


def mentee_of(mentor: Any, learner_id: int) -> User:
    """Return the learner if the mentor follows them now; NotYourMentee otherwise."""
    if getattr(mentor, "role", None) != "mentor":
        raise NotYourMentee(learner_id)
    allowed = db.session.scalar(
        active_mentee_ids(mentor.id).where(MentorLink.learner_id == learner_id).limit(1)
    )
    learner = db.session.get(User, learner_id) if allowed is not None else None
    if learner is None:
        raise NotYourMentee(learner_id)
    return learner


@dataclass
class MenteeDetail:
    """A mentee's page: progress, certificates and the sessions with this mentor."""

    summary: MenteeSummary
    certificates: list[Any]
    sessions: list[GuidedSession]


def mentee_detail(mentor: User, learner_id: int) -> MenteeDetail:
    """Return what the mentor may see of one mentee (NotYourMentee otherwise)."""
    from lms.certificates.services import certificates_of, may_see_certificate

    learner = mentee_of(mentor, learner_id)
    link = _open_link(mentor.id, learner.id)
    assert link is not None
    summary = _summaries([link])[0]
    certificates = [c for c in certificates_of(learner) if may_see_certificate(mentor, c)]
    sessions = list(
        db.session.scalars(
            select(GuidedSession)
            .where(GuidedSession.mentor_id == mentor.id, GuidedSession.learner_id == learner.id)
            .order_by(GuidedSession.held_on.desc(), GuidedSession.id.desc())
        )
    )
    return MenteeDetail(summary, certificates, sessions)


def consent_sheet_person(mentor: User, learner_id: int) -> User:
    """Return a person the mentor registered, for printing their consent sheet."""
    require_mentor(mentor)
    link = db.session.scalar(
        select(MentorLink).where(
            MentorLink.mentor_id == mentor.id,
            MentorLink.learner_id == learner_id,
            MentorLink.origin == "registered",
            MentorLink.status == "active",
        )
    )
    if link is None:
        raise NotYourMentee(learner_id)
    return link.learner


# --- Guided sessions ------------------------------------------------------------------------


def record_sessions(
    mentor: User, learner_ids: list[int], held_on: date | None, topic: str, minutes: int | None
) -> list[GuidedSession]:
    """Record a guided session with one or more mentees (one line per person)."""
    require_mentor(mentor)
    topic = clean_line(topic)
    if not learner_ids:
        raise CommunityError(_("Hãy chọn ít nhất một người được hướng dẫn."), "learners")
    if held_on is None:
        raise CommunityError(_("Hãy nhập ngày hướng dẫn."), "held_on")
    if held_on > local_today():
        raise CommunityError(_("Ngày hướng dẫn không thể ở tương lai."), "held_on")
    if held_on < EARLIEST_SESSION:
        raise CommunityError(_("Ngày hướng dẫn phải từ năm 2025 trở đi."), "held_on")
    if not topic:
        raise CommunityError(_("Hãy ghi nội dung đã hướng dẫn."), "topic")
    if minutes is None or not 1 <= minutes <= MAX_MINUTES:
        raise CommunityError(_("Thời lượng phải từ 1 đến %(n)d phút.", n=MAX_MINUTES), "minutes")
    allowed = set(db.session.scalars(active_mentee_ids(mentor.id)))
    if any(learner_id not in allowed for learner_id in learner_ids):
        raise NotYourMentee(learner_ids)
    sessions = [
        GuidedSession(
            mentor_id=mentor.id,
            learner_id=learner_id,
            held_on=held_on,
            topic=topic[:200],
            minutes=minutes,
        )
        for learner_id in sorted(set(learner_ids))
    ]
    db.session.add_all(sessions)
    db.session.flush()
    return sessions


def sessions_of_mentor(mentor: User) -> Any:
    """Return a select() of the mentor's guided sessions, newest first."""
    require_mentor(mentor)
    return (
        select(GuidedSession)
        .where(GuidedSession.mentor_id == mentor.id)
        .order_by(GuidedSession.held_on.desc(), GuidedSession.id.desc())
    )


def sessions_of_learner(learner: User) -> list[GuidedSession]:
    """Return the guided sessions a learner received, newest first."""
    return list(
        db.session.scalars(
            select(GuidedSession)
            .where(GuidedSession.learner_id == learner.id)
            .order_by(GuidedSession.held_on.desc(), GuidedSession.id.desc())
        )
    )


# --- Consent, erasure and the data download ---------------------------------------------------


def on_consent_withdrawn(user: User, purpose: str) -> None:
    """Withdrawing consent to mentor support ends every link with a mentor."""
    if purpose == MENTOR_PURPOSE:
        end_links_of(user, "consent_withdrawn")


def forget_community_ties(user: User) -> None:
    """Before erasure: end the person's links and take them out of their household."""
    from lms.community.households import leave_household

    end_links_of(user, "erased")
    leave_household(user, erased=True)


def _moment(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def personal_community_data(user: User) -> dict[str, Any]:
    """Return the person's mentoring, guided sessions and household for their data download."""
    from lms.community.households import household_of

    links = list(
        db.session.scalars(
            select(MentorLink)
            .where(or_(MentorLink.learner_id == user.id, MentorLink.mentor_id == user.id))
            .order_by(MentorLink.requested_at, MentorLink.id)
        )
    )
    sessions = list(
        db.session.scalars(
            select(GuidedSession)
            .where(or_(GuidedSession.learner_id == user.id, GuidedSession.mentor_id == user.id))
            .order_by(GuidedSession.held_on, GuidedSession.id)
        )
    )
    mentor_ids = {link.mentor_id for link in links} | {s.mentor_id for s in sessions}
    names = dict(
        db.session.execute(select(User.id, User.full_name).where(User.id.in_(mentor_ids))).all()
    )
    household = household_of(user)
    member = (
        next((m for m in household.members if m.user_id == user.id), None) if household else None
    )
    return {
        "mentoring": [
            {
                "as": "learner" if link.learner_id == user.id else "mentor",
                "mentor": names.get(link.mentor_id) if link.learner_id == user.id else None,
                "learner_account_id": link.learner_id if link.mentor_id == user.id else None,
                "status": link.status,
                "origin": link.origin,
                "requested_at": _moment(link.requested_at),
                "accepted_at": _moment(link.accepted_at),
                "ended_at": _moment(link.ended_at),
                "ended_reason": link.ended_reason,
            }
            for link in links
        ],
        "guided_sessions": [
            {
                "as": "learner" if s.learner_id == user.id else "mentor",
                "mentor": names.get(s.mentor_id) if s.learner_id == user.id else None,
                "learner_account_id": s.learner_id if s.mentor_id == user.id else None,
                "held_on": s.held_on.isoformat(),
                "topic": s.topic,
                "minutes": s.minutes,
            }
            for s in sessions
        ],
        "household": {
            "name": household.name,
            "joined_at": _moment(member.joined_at) if member else None,
            "is_manager": bool(member and member.is_manager),
        }
        if household is not None
        else None,
    }
