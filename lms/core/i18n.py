"""Language and time zone choice: Vietnamese by default, English on request."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request, session

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def select_locale() -> str:
    """Return the interface language: the one the person picked, else Vietnamese."""
    chosen = session.get("lang") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return str(chosen)
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """Return the time zone times are shown in."""
    return "Asia/Ho_Chi_Minh"


def local_time(moment: datetime | None) -> datetime | None:
    """Return a UTC moment in Vietnam time."""
    return moment.astimezone(LOCAL_ZONE) if moment else None


def wants_json() -> bool:
    """Return whether the client prefers JSON over HTML."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"
