"""Course pages: my courses, creating one, its overview, card, authors, history, publishing."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from lms.authoring import drafts, publishing
from lms.authoring.access import editable_courses_query
from lms.authoring.audit import ACTION_LABELS, course_events_query
from lms.authoring.uploads import UploadRefused
from lms.authoring.views import bp, course_or_404, file_bytes
from lms.catalog.models import Domain, LearnerGroup, Level
from lms.extensions import db


@bp.route("")
def index() -> str:
    """The courses the teacher authors (every course for an admin)."""
    page = db.paginate(editable_courses_query(current_user), per_page=25, error_out=False)
    return render_template("authoring/index.html", page=page)


@bp.route("/khoa-hoc-moi", methods=["GET", "POST"])
def new_course() -> str | Response:
    """Create a course: a title (and, if wanted, its web address)."""
    error = None
    if request.method == "POST":
        try:
            course = drafts.create_course(
                current_user, request.form.get("title", ""), request.form.get("slug", "")
            )
        except drafts.AuthoringError as exc:
            db.session.rollback()
            error = exc
        else:
            db.session.commit()
            flash(_("Đã tạo khoá học. Hãy viết bài học đầu tiên."), "success")
            return redirect(url_for("authoring.course", course_id=course.id))
    return render_template("authoring/new.html", error=error, form=request.form), (
        400 if error else 200
    )


@bp.route("/<int:course_id>")
def course(course_id: int) -> str:
    """A course's draft at a glance: lessons, quizzes, what keeps it from publishing."""
    found = course_or_404(course_id)
    draft = drafts.get_draft(current_user, found)
    db.session.commit()
    return render_template(
        "authoring/course.html",
        course=found,
        draft=draft,
        problems=publishing.draft_problems(draft),
        changed=publishing.draft_changed(found, draft),
    )


def _info_from_form() -> drafts.CourseInfo:
    form = request.form

    def number(name: str, default: int) -> int:
        raw = form.get(name, "").strip()
        return int(raw) if raw.isdigit() else default

    required = form.get("required_lessons_rule", "all")
    return drafts.CourseInfo(
        title=form.get("title", ""),
        summary=form.get("summary", ""),
        level=number("level", 0),
        minutes=number("minutes", -1),
        groups=form.getlist("groups"),
        competences=form.getlist("competences"),
        required_lessons="all" if required == "all" else form.getlist("required_lessons"),
        required_quizzes=form.getlist("required_quizzes"),
    )


@bp.route("/<int:course_id>/thong-tin", methods=["GET", "POST"])
def info(course_id: int) -> str | Response:
    """Edit the course card: title, summary, level, groups, competences, time, rule, cover."""
    found = course_or_404(course_id)
    draft = drafts.get_draft(current_user, found)
    error = None
    if request.method == "POST":
        action = request.form.get("action", "save")
        try:
            if action == "remove_cover":
                drafts.remove_cover(current_user, found)
                message = _("Đã bỏ ảnh bìa.")
            else:
                drafts.save_course_card(
                    current_user,
                    found,
                    _info_from_form(),
                    file_bytes(request.files.get("cover")),
                    request.form.get("cover_alt"),
                )
                message = _("Đã lưu thông tin khoá học.")
        except (drafts.AuthoringError, UploadRefused) as exc:
            db.session.rollback()
            error = exc
            draft = drafts.get_draft(current_user, found)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("authoring.info", course_id=found.id))
    return render_template(
        "authoring/info.html",
        course=found,
        draft=draft,
        error=error,
        form=request.form if error else None,
        levels=db.session.scalars(select(Level).order_by(Level.bac)).all(),
        groups=db.session.scalars(select(LearnerGroup).order_by(LearnerGroup.position)).all(),
        domains=db.session.scalars(select(Domain).order_by(Domain.position)).all(),
    ), (400 if error else 200)


@bp.route("/<int:course_id>/tac-gia", methods=["GET", "POST"])
def authors(course_id: int) -> str | Response:
    """The course's authors; its owner adds and removes co-authors."""
    found = course_or_404(course_id)
    error = None
    if request.method == "POST":
        try:
            if request.form.get("remove"):
                drafts.remove_coauthor(current_user, found, int(request.form["remove"]))
                message = _("Đã bỏ đồng tác giả.")
            else:
                row = drafts.add_coauthor(current_user, found, request.form.get("login", ""))
                message = _("Đã thêm %(name)s làm đồng tác giả.", name=row.user.full_name)
        except (drafts.AuthoringError, ValueError) as exc:
            db.session.rollback()
            error = exc
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("authoring.authors", course_id=found.id))
    rows = drafts.course_authors(current_user, found)
    is_owner = current_user.role == "admin" or any(
        r.user_id == current_user.id and r.role == "owner" for r in rows
    )
    return render_template(
        "authoring/authors.html", course=found, rows=rows, is_owner=is_owner, error=error
    ), (400 if error else 200)


@bp.route("/<int:course_id>/nhat-ky")
def audit(course_id: int) -> str:
    """Every change to the course: who, what, when."""
    found = course_or_404(course_id)
    page = db.paginate(course_events_query(current_user, found), per_page=50, error_out=False)
    return render_template("authoring/audit.html", course=found, page=page, labels=ACTION_LABELS)


@bp.route("/<int:course_id>/xuat-ban", methods=["GET", "POST"])
def publish(course_id: int) -> str | Response:
    """Check the draft and publish it as a new version."""
    found = course_or_404(course_id)
    draft = drafts.get_draft(current_user, found)
    if request.method == "POST":
        try:
            outcome = publishing.publish_course(current_user, found)
        except drafts.AuthoringError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("authoring.publish", course_id=found.id))
        db.session.commit()
        if outcome.created:
            flash(
                _(
                    "Đã xuất bản phiên bản %(n)d.",
                    n=outcome.version.number if outcome.version else 0,
                ),
                "success",
            )
        else:
            flash(_("Bản nháp giống hệt phiên bản đang dùng: không có gì mới để xuất bản."), "info")
        for warning in outcome.warnings:
            flash(warning, "info")
        return redirect(url_for("authoring.course", course_id=found.id))
    db.session.commit()
    return render_template(
        "authoring/publish.html",
        course=found,
        draft=draft,
        problems=publishing.draft_problems(draft),
        changed=publishing.draft_changed(found, draft),
    )


@bp.route("/<int:course_id>/tep")
def files(course_id: int) -> str:
    """The draft's files, where each is used, and a delete button for those nothing uses."""
    found = course_or_404(course_id)
    draft = drafts.get_draft(current_user, found)
    uses = drafts.file_uses(draft)
    items = sorted(draft.files, key=lambda item: item.path)
    db.session.commit()
    return render_template(
        "authoring/files.html", course=found, items=items, uses=uses, tab="files"
    )


@bp.route("/<int:course_id>/tep/xoa", methods=["GET", "POST"])
def delete_file(course_id: int) -> str | Response | tuple[str, int]:
    """Ask, then delete a file nothing in the draft uses."""
    found = course_or_404(course_id)
    draft = drafts.get_draft(current_user, found)
    path = request.values.get("path", "")
    item = next((f for f in draft.files if f.path == path), None)
    if item is None:
        raise LookupError(path)
    places = drafts.file_uses(draft)[path]
    if request.method == "POST":
        try:
            drafts.delete_file(current_user, found, path)
        except drafts.AuthoringError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("authoring.files", course_id=found.id))
        db.session.commit()
        flash(_("Đã xoá tệp “%(p)s” khỏi bản nháp.", p=path), "success")
        return redirect(url_for("authoring.files", course_id=found.id))
    db.session.commit()
    return render_template("authoring/file_delete.html", course=found, item=item, places=places)
