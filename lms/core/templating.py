"""Template globals and filters shared by every page."""

from __future__ import annotations

from datetime import datetime

from flask import Flask, request
from flask_babel import format_datetime, get_locale

from lms.accounts.constants import GROUP_LABELS, ROLE_LABELS, SCOPE_LABELS
from lms.accounts.forms import LanguageForm, LogoutForm
from lms.core import places


def localised_name(obj: object) -> str:
    """Return obj.name_en in English, else obj.name_vi."""
    locale = str(get_locale() or "vi")
    if locale.startswith("en") and getattr(obj, "name_en", None):
        return str(obj.name_en)  # type: ignore[attr-defined]
    return str(getattr(obj, "name_vi", ""))


def local_datetime(moment: datetime | None, fmt: str = "short") -> str:
    """Format a UTC moment in Vietnam time."""
    return format_datetime(moment, fmt) if moment else ""


def plain_number(value: float | int | None) -> str:
    """Format a number without a useless ".0" (70.0 -> "70", 72.5 -> "72.5")."""
    if value is None:
        return ""
    return f"{value:g}" if float(value) != int(value) else str(int(value))


def register(app: Flask) -> None:
    """Install the globals and filters."""
    app.jinja_env.globals.update(
        GROUP_LABELS=GROUP_LABELS,
        ROLE_LABELS=ROLE_LABELS,
        SCOPE_LABELS=SCOPE_LABELS,
        localised_name=localised_name,
        province_name=lambda code: places.province(code).name if places.province(code) else "",
        commune_name=lambda code: places.commune(code).name if places.commune(code) else "",
        language_form=lambda: LanguageForm(formdata=None, lang=str(get_locale() or "vi")),
        logout_form=lambda: LogoutForm(formdata=None),
        current_locale=lambda: str(get_locale() or "vi"),
        current_path=lambda: request.full_path.rstrip("?"),
    )
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["number"] = plain_number
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
