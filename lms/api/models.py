"""Personal access tokens and the remembered answers of idempotent requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.core.db import utcnow
from lms.extensions import db


class ApiToken(db.Model):  # type: ignore[name-defined,misc]
    """A personal access token: only the SHA-256 of its secret is kept, never the secret."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint("length(name) > 0", name="name"),
        CheckConstraint("length(scopes) > 0", name="scopes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The last characters of the secret, so a person can tell their tokens apart.
    hint: Mapped[str] = mapped_column(String(8))
    # Space-separated, sorted: "learning:read quizzes:take".
    scopes: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.name!r}>"


class IdempotentRequest(db.Model):  # type: ignore[name-defined,misc]
    """A request sent with an Idempotency-Key, and the answer given to it (kept for a day).

    A row without a status is a request still being served: a second one with the same key
    at that moment is told to wait (409)."""

    __tablename__ = "api_idempotent_requests"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        Index("ix_api_idempotent_requests_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None]
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
