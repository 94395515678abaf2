"""Course packages as zip files: export a course, import one."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.authoring import drafts, publishing
from lms.authoring.views import bp, course_or_404, file_bytes
from lms.extensions import db


@bp.route("/<int:course_id>/goi.zip")
def export_package(course_id: int) -> Response:
    """Download the published version (or ?ban=nhap: the draft) as a content package zip."""
    found = course_or_404(course_id)
    source = "draft" if request.args.get("ban") == "nhap" else "published"
    try:
        name, data = publishing.export_zip(current_user, found, source)
    except drafts.AuthoringError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("authoring.course", course_id=found.id))
    db.session.commit()
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/nhap-goi", methods=["GET", "POST"])
def import_package():  # type: ignore[no-untyped-def]
    """Load a course package zip (the checks and versioning of `lms content load`)."""
    error = None
    if request.method == "POST":
        data, _name = file_bytes(request.files.get("package"))
        try:
            if not data:
                raise drafts.AuthoringError(_("Hãy chọn tệp gói nội dung (.zip)."), "package")
            outcome = publishing.import_zip(current_user, data)
        except drafts.AuthoringError as exc:
            db.session.rollback()
            error = exc
        else:
            db.session.commit()
            course = outcome.course
            if outcome.created:
                flash(_("Đã tạo khoá học “%(t)s” từ gói.", t=course.title), "success")
            elif outcome.updated:
                flash(
                    _(
                        "Đã nạp phiên bản %(n)d của khoá học “%(t)s”.",
                        n=course.current_version.number,
                        t=course.title,
                    ),
                    "success",
                )
            else:
                flash(_("Gói giống hệt phiên bản đang dùng: không có gì thay đổi."), "info")
            for warning in outcome.warnings:
                flash(warning, "info")
            return redirect(url_for("authoring.course", course_id=course.id))
    return render_template("authoring/import.html", error=error), (400 if error else 200)
