"""The catalog, course pages, program pages and media files."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_from_directory
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from lms.catalog.models import MediaAsset
from lms.catalog.services import (
    CatalogFilter,
    catalog_query,
    course_by_slug,
    filter_options,
    programs,
)
from lms.core.security import MEDIA_SECURITY_POLICY
from lms.extensions import db
from lms.learning.services import progress_in

bp = Blueprint("catalog", __name__)


def _filter_from_args() -> CatalogFilter:
    level = request.args.get("level", "")
    return CatalogFilter(
        query=request.args.get("q", "").strip()[:100],
        group=request.args.get("group", ""),
        domain=request.args.get("domain", ""),
        competence=request.args.get("competence", ""),
        level=int(level) if level.isdigit() else None,
    )


@bp.route("/")
def index() -> str:
    """The front page: the four programs and a way into the catalog."""
    return render_template("catalog/index.html", groups=programs())


@bp.route("/khoa-hoc")
def courses() -> str:
    """Browse and search courses."""
    current = _filter_from_args()
    page = db.paginate(
        catalog_query(current), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
    return render_template(
        "catalog/courses.html", page=page, current=current, options=filter_options()
    )


@bp.route("/khoa-hoc/<slug>")
def course(slug: str) -> str:
    """A course: what it teaches, its lessons, and the learner's progress."""
    found = course_by_slug(slug) or abort(404)
    progress = progress_in(current_user, found)
    version = progress.enrolment.version if progress.enrolment else found.current_version
    db.session.commit()  # an enrolment may have moved to the newest version
    return render_template("catalog/course.html", course=found, version=version, progress=progress)


@bp.route("/chuong-trinh")
def program_list() -> str:
    """The four groups' programs."""
    return render_template("catalog/programs.html", groups=programs())


@bp.route("/media/<filename>")
def media(filename: str) -> Response:
    """Serve a stored media file with its real type, nosniff and a sandboxing CSP."""
    digest, _, extension = filename.partition(".")
    asset = db.session.scalar(select(MediaAsset).where(MediaAsset.sha256 == digest)) or abort(404)
    if asset.extension != extension:
        abort(404)
    folder = Path(current_app.config["MEDIA_ROOT"]) / digest[:2]
    response = send_from_directory(
        folder, asset.filename, mimetype=asset.content_type, max_age=31536000
    )
    response.headers["Content-Security-Policy"] = MEDIA_SECURITY_POLICY
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
