"""People, their sign-in sessions and their consent records."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.constants import GROUPS, ROLES, SCOPE_LEVELS
from lms.core.db import utcnow
from lms.extensions import db


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    """A person with an account: learner, teacher, officer, mentor or admin."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role"),
        CheckConstraint(f"learner_group IS NULL OR {_in('learner_group', GROUPS)}", name="group"),
        CheckConstraint(
            f"scope_level IS NULL OR {_in('scope_level', SCOPE_LEVELS)}", name="scope_level"
        ),
        # An erased (anonymised) account keeps neither: it can never sign in again.
        CheckConstraint(
            "email IS NOT NULL OR phone IS NOT NULL OR erased_at IS NOT NULL", name="has_login"
        ),
        CheckConstraint("birth_year IS NULL OR birth_year BETWEEN 1900 AND 2100", name="birth"),
        Index("ix_users_commune_group", "commune_code", "learner_group"),
        # Officers' figures find the mentors (and other staff) of a place without a scan.
        Index("ix_users_role_place", "role", "province_code", "commune_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120), index=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="learner")
    learner_group: Mapped[str | None] = mapped_column(String(24))
    birth_year: Mapped[int | None]
    province_code: Mapped[str | None] = mapped_column(String(2), index=True)
    commune_code: Mapped[str | None] = mapped_column(String(5))
    village: Mapped[str | None] = mapped_column(String(120))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id", ondelete="SET NULL"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    workplace: Mapped[str | None] = mapped_column(String(200))
    scope_level: Mapped[str | None] = mapped_column(String(16))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_active_at: Mapped[datetime | None]
    # Set when the person had their personal data erased: the account stays, anonymised,
    # so that figures and the validity of issued certificates still add up.
    erased_at: Mapped[datetime | None]

    sessions: Mapped[list[UserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    consents: Mapped[list[ConsentRecord]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="ConsentRecord.user_id"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login: disabled accounts cannot sign in
        return self.is_enabled

    @property
    def is_erased(self) -> bool:
        """Return whether the person's personal data was erased at their request."""
        return self.erased_at is not None

    @property
    def login(self) -> str:
        """Return the identifier the person signs in with."""
        return self.email or self.phone or ""

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class UserSession(db.Model):  # type: ignore[name-defined,misc]
    """A signed-in browser; signing out revokes it, so a copied cookie stops working."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="sessions")


class ConsentRecord(db.Model):  # type: ignore[name-defined,misc]
    """Who consented to which purpose, having seen which version of the text, and when."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    text_version: Mapped[str] = mapped_column(String(16))
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    # A mentor who registered the person, with their consent given in person.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Under 16: the parent or guardian who consented with (or for) the person.
    guardian_name: Mapped[str | None] = mapped_column(String(120))
    guardian_relation: Mapped[str | None] = mapped_column(String(40))

    user: Mapped[User] = relationship(back_populates="consents", foreign_keys=[user_id])
