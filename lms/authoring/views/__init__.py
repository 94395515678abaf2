"""Teachers' authoring pages under /soan-bai: courses, lessons, quizzes, bank, packages."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from lms.authoring.access import AUTHOR_ROLES, AuthoringDenied
from lms.catalog.models import Course
from lms.core.errors import MESSAGES
from lms.extensions import db, login_manager

bp = Blueprint("authoring", __name__, url_prefix="/soan-bai")


@bp.before_request
def only_authors():  # type: ignore[no-untyped-def]
    """Every authoring page needs a signed-in teacher or admin; courses are checked later."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in AUTHOR_ROLES:
        abort(403)
    return None


@bp.errorhandler(AuthoringDenied)
def denied(error: AuthoringDenied):  # type: ignore[no-untyped-def]
    title, message = MESSAGES[403]
    return render_template("errors/error.html", code=403, title=title, message=message), 403


@bp.errorhandler(LookupError)
def missing(error: LookupError):  # type: ignore[no-untyped-def]
    title, message = MESSAGES[404]
    return render_template("errors/error.html", code=404, title=title, message=message), 404


def course_or_404(course_id: int) -> Course:
    """Return the course; whether the person may edit it is checked by the services."""
    return db.session.get(Course, course_id) or abort(404)


def file_bytes(upload: FileStorage | None) -> tuple[bytes, str]:
    """Return an uploaded file's bytes and original name ("" when no file was chosen)."""
    if upload is None or not upload.filename:
        return b"", ""
    return upload.read(), upload.filename


from lms.authoring.views import courses, lessons, packages, quizzes  # noqa: E402,F401
