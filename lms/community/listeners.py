"""What community listens to: a withdrawn consent to mentor support ends the links."""

from __future__ import annotations

from typing import Any

from flask import Flask

from lms.core.signals import consent_withdrawn


def _on_consent_withdrawn(user: Any, purpose: str = "", **_: Any) -> None:
    from lms.community.services import on_consent_withdrawn

    on_consent_withdrawn(user, purpose)


def register(app: Flask) -> None:
    """Connect the listeners (blinker keeps one connection per receiver)."""
    consent_withdrawn.connect(_on_consent_withdrawn)
