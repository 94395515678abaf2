"""What the audit trail listens to: sign-ins, refusals (403), exports and role changes.

Sign-ins come from Flask-Login's signals and the sign_in_failed signal; refusals from every
403 answer, whichever area gave it; exports and role, scope or enabled changes are seen when
they are flushed, whichever code path made them (web, API or the server's shell)."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, has_request_context, request
from flask_login import current_user, user_logged_in, user_logged_out
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from lms.accounts.models import User
from lms.audit.services import make_entry, record_event
from lms.core.signals import sign_in_failed
from lms.extensions import db


def _acting_user() -> Any | None:
    """Return the signed-in person of the current request, if any."""
    if not has_request_context():
        return None
    try:
        user = current_user._get_current_object()
    except Exception:  # noqa: BLE001 - no login manager on this request
        return None
    return user if getattr(user, "is_authenticated", False) else None


def _on_signed_in(sender: Any, user: User, **_: Any) -> None:
    record_event("auth.sign_in", user, user)


def _on_signed_out(sender: Any, user: User, **_: Any) -> None:
    if getattr(user, "is_authenticated", False):
        record_event("auth.sign_out", user, user)


def _on_sign_in_failed(user: User, **_: Any) -> None:
    record_event("auth.sign_in_failed", None, user)


def _changed(obj: Any, name: str) -> tuple[Any, Any] | None:
    history = inspect(obj).attrs[name].history
    if not history.has_changes() or not history.deleted:
        return None
    return history.deleted[0], getattr(obj, name)


def _before_flush(session: Session, context: Any, instances: Any) -> None:
    from lms.reports.models import ExportLog

    entries = []
    with session.no_autoflush:
        actor = None
        for obj in list(session.new):
            if isinstance(obj, ExportLog):
                entries.append(
                    make_entry(
                        "report.export",
                        obj.user_id,
                        obj.user_id,
                        actor_role="" if obj.user_id is None else "officer",
                        scope=obj.scope,
                        period=obj.period,
                        format=obj.format,
                        rows=obj.rows,
                        via=obj.via,
                    )
                )
        for obj in list(session.dirty):
            if not isinstance(obj, User) or obj.erased_at is not None:
                continue
            role = _changed(obj, "role")
            scope = _changed(obj, "scope_level")
            enabled = _changed(obj, "is_enabled")
            if role or scope or enabled:
                actor = actor or _acting_user()
            if role or scope:
                entries.append(
                    make_entry(
                        "account.role_changed",
                        actor,
                        obj,
                        from_role=role[0] if role else obj.role,
                        to_role=obj.role,
                        from_scope=scope[0] if scope else obj.scope_level,
                        to_scope=obj.scope_level,
                    )
                )
            if enabled and enabled[0] != enabled[1]:
                action = "account.enabled" if obj.is_enabled else "account.disabled"
                entries.append(make_entry(action, actor, obj))
    for entry in entries:
        session.add(entry)


def _log_refusal(response: Response) -> Response:
    """Keep a line for every 403, after discarding what the refused request had not committed."""
    if response.status_code != 403:
        return response
    actor = _acting_user()
    actor_id, actor_role = (actor.id, actor.role) if actor is not None else (None, "")
    # The teardown would roll back whatever the refused request did not commit: do it now,
    # so that committing the audit entry commits nothing else.
    db.session.rollback()
    db.session.add(
        make_entry(
            "access.refused",
            actor_id,
            actor_id,
            actor_role=actor_role,
            method=request.method,
            path=request.path[:300],
        )
    )
    db.session.commit()
    return response


def register(app: Flask) -> None:
    """Connect the audit trail (once per process for the signals and session events)."""
    user_logged_in.connect(_on_signed_in)
    user_logged_out.connect(_on_signed_out)
    sign_in_failed.connect(_on_sign_in_failed)
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
    app.after_request(_log_refusal)
