"""Mentor–learner links, guided sessions, households, their members and invitation codes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.core.db import utcnow
from lms.extensions import db

LINK_STATUSES = ("pending", "active", "declined", "ended")
LINK_ORIGINS = ("registered", "invited")
END_REASONS = ("learner", "mentor", "consent_withdrawn", "erased")
_OPEN = "status IN ('pending', 'active')"


class MentorLink(db.Model):  # type: ignore[name-defined,misc]
    """A mentor (Đại sứ số) following a learner, with the learner's agreement.

    "registered": the mentor opened the account with the person, who consented in person;
    "invited": the mentor asked to follow an existing learner, who accepted in their account.
    Ended links are kept: they are the record of whom a mentor has helped."""

    __tablename__ = "mentor_links"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'active', 'declined', 'ended')", name="status"),
        CheckConstraint("origin IN ('registered', 'invited')", name="origin"),
        CheckConstraint(
            "ended_reason IS NULL OR ended_reason IN "
            "('learner', 'mentor', 'consent_withdrawn', 'erased')",
            name="ended_reason",
        ),
        CheckConstraint("mentor_id <> learner_id", name="not_self"),
        # At most one pending or active link between the same two people.
        Index(
            "uq_mentor_links_open",
            "mentor_id",
            "learner_id",
            unique=True,
            sqlite_where=text(_OPEN),
            postgresql_where=text(_OPEN),
        ),
        Index("ix_mentor_links_learner_status", "learner_id", "status"),
        Index("ix_mentor_links_mentor_status", "mentor_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    origin: Mapped[str] = mapped_column(String(12), default="invited")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(String(20))
    # Kept by lms.community.copies: when the learner attained a program (None: not, or withdrawn).
    learner_attained_at: Mapped[datetime | None]

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    learner: Mapped[User] = relationship(foreign_keys=[learner_id])


class GuidedSession(db.Model):  # type: ignore[name-defined,misc]
    """A session in which a mentor guided a learner: when, about what, for how long."""

    __tablename__ = "guided_sessions"
    __table_args__ = (
        CheckConstraint("minutes BETWEEN 1 AND 600", name="minutes"),
        Index("ix_guided_sessions_mentor_held", "mentor_id", "held_on"),
        Index("ix_guided_sessions_learner_held", "learner_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    held_on: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])


class Household(db.Model):  # type: ignore[name-defined,misc]
    """A household ("Gia đình số"), placed in the commune (and village) where it lives."""

    __tablename__ = "households"
    __table_args__ = (
        Index("ix_households_commune_village", "commune_code", "village_id"),
        # Officers' figures read only this index (lms.community.figures).
        Index(
            "ix_households_figures",
            "province_code",
            "commune_code",
            "village_id",
            "created_at",
            "attained_at",
            "member_count",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    province_code: Mapped[str | None] = mapped_column(String(2), index=True)
    commune_code: Mapped[str | None] = mapped_column(String(5))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A mentor who set the household up and may keep inviting its members.
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Kept by lms.community.copies from the members and their attainments, for the figures:
    # how many members, and when the first of today's members attained (None: nobody yet).
    member_count: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    attained_at: Mapped[datetime | None]

    members: Mapped[list[HouseholdMember]] = relationship(
        back_populates="household",
        cascade="all, delete-orphan",
        order_by="HouseholdMember.joined_at",
    )


class HouseholdMember(db.Model):  # type: ignore[name-defined,misc]
    """A person in a household (one household per person)."""

    __tablename__ = "household_members"

    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, unique=True
    )
    is_manager: Mapped[bool] = mapped_column(default=False)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    household: Mapped[Household] = relationship(back_populates="members")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class HouseholdInvite(db.Model):  # type: ignore[name-defined,misc]
    """A short code that lets one more person join a household, until used or expired."""

    __tablename__ = "household_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(8), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    household: Mapped[Household] = relationship()
