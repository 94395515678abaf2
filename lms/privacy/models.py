"""A person's ID number, encrypted: only its ciphertext and a keyed fingerprint are stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.db import utcnow
from lms.extensions import db


class NationalIdRecord(db.Model):  # type: ignore[name-defined,misc]
    """The optional CCCD number of an account, encrypted with Fernet (lms.privacy.keys)."""

    __tablename__ = "national_ids"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    ciphertext: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)
