"""Flask-Login wired to server-side sessions: the cookie holds a token the server can revoke."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, abort, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from lms.accounts.models import User
from lms.accounts.services import end_session, start_session, user_for_session
from lms.core.db import utcnow
from lms.extensions import db, login_manager

ACTIVITY_RESOLUTION = timedelta(hours=1)


def sign_in(user: User) -> None:
    """Open a server-side session and put its token in the signed cookie."""
    user.session_token = start_session(user)  # type: ignore[attr-defined]
    login_user(user)


def sign_out() -> None:
    """Revoke this browser's session on the server, then clear the cookie."""
    token = getattr(current_user, "session_token", None)
    if token:
        end_session(token)
    logout_user()


def register(app: Flask) -> None:
    """Install the loader that turns a session token into a user, and activity tracking."""
    User.get_id = lambda self: getattr(self, "session_token", None)  # type: ignore[method-assign]
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(token: str) -> User | None:
        user = user_for_session(token)
        if user is not None:
            user.session_token = token  # type: ignore[attr-defined]
        return user

    @login_manager.unauthorized_handler
    def unauthorized() -> Response:
        if request.blueprint == "api" or request.path.startswith("/api/"):
            abort(401)
        flash(login_manager.login_message, "info")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))

    @app.before_request
    def note_activity() -> None:
        # "Active in the last 30 days" needs a day's precision, not a write on every request.
        if current_user.is_authenticated:
            last = current_user.last_active_at
            if last is None or utcnow() - last > ACTIVITY_RESOLUTION:
                current_user.last_active_at = utcnow()
                db.session.commit()
