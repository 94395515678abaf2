"""Lesson pages: the Markdown editor with preview, images and players, order, history."""

from __future__ import annotations

import difflib

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from lms.authoring import drafts
from lms.authoring.uploads import LIMITS, MB, UploadRefused
from lms.authoring.views import bp, course_or_404, file_bytes
from lms.extensions import db

MAX_PREVIEW = drafts.MAX_BODY


def _minutes() -> int:
    raw = request.form.get("minutes", "").strip()
    return int(raw) if raw.isdigit() else 0


@bp.route("/<int:course_id>/bai-hoc", methods=["POST"])
def add_lesson(course_id: int) -> Response:
    """Add a lesson and open its editor."""
    found = course_or_404(course_id)
    try:
        lesson = drafts.add_lesson(current_user, found, request.form.get("title", ""))
    except drafts.AuthoringError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("authoring.course", course_id=found.id))
    db.session.commit()
    return redirect(url_for("authoring.lesson", course_id=found.id, slug=lesson.slug))


@bp.route("/<int:course_id>/bai-hoc/<slug>", methods=["GET", "POST"])
def lesson(course_id: int, slug: str) -> str | Response:
    """Edit a lesson; "Xem trước" shows the unsaved text as learners will see it."""
    found = course_or_404(course_id)
    draft = drafts.get_draft(current_user, found)
    current = drafts.lesson_of(draft, slug)
    error = None
    title, minutes, body = current.title, current.minutes, current.body_source
    if request.method == "POST":
        title = request.form.get("title", "")
        minutes = _minutes()
        body = request.form.get("body", "")[: MAX_PREVIEW + 1]
        if request.form.get("action") != "preview":
            base = request.form.get("based_on", "")
            try:
                changed = drafts.save_lesson(
                    current_user,
                    found,
                    slug,
                    title,
                    minutes,
                    body,
                    int(base) if base.isdigit() else None,
                )
            except drafts.AuthoringError as exc:
                db.session.rollback()
                error = exc
                draft = drafts.get_draft(current_user, found)
                current = drafts.lesson_of(draft, slug)
            else:
                db.session.commit()
                flash(_("Đã lưu bài học.") if changed else _("Không có gì thay đổi."), "success")
                return redirect(url_for("authoring.lesson", course_id=found.id, slug=slug))
    latest = drafts.latest_revision(found, slug)
    db.session.commit()
    return render_template(
        "authoring/lesson.html",
        course=found,
        draft=draft,
        lesson=current,
        title=title,
        minutes=minutes,
        body=body,
        preview=drafts.render_preview(draft, body),
        players=drafts.lesson_players(draft, current),
        error=error,
        based_on=request.form.get("based_on") if error else (latest.number if latest else ""),
        limits={kind: limit // MB for kind, limit in LIMITS.items()},
    ), (400 if error else 200)


@bp.route("/<int:course_id>/xem-truoc-markdown", methods=["POST"])
def markdown_preview(course_id: int) -> Response:
    """The live preview: Markdown in, the sanitised HTML learners would get out (JSON)."""
    found = course_or_404(course_id)
    draft = drafts.get_draft(current_user, found)
    body = request.form.get("body", "")[:MAX_PREVIEW]
    html = drafts.render_preview(draft, body)
    problem = ""
    try:
        drafts.check_lesson_body(draft, body)
    except drafts.AuthoringError as exc:
        problem = exc.message
    db.session.rollback()
    return jsonify(html=html, problem=problem)


@bp.route("/<int:course_id>/bai-hoc/<slug>/anh", methods=["POST"])
def insert_image(course_id: int, slug: str) -> Response:
    """Upload an image with its description and add it at the end of the lesson."""
    found = course_or_404(course_id)
    data, name = file_bytes(request.files.get("image"))
    try:
        if not data:
            raise drafts.AuthoringError(_("Hãy chọn một tệp ảnh."), "image")
        item = drafts.insert_image(
            current_user, found, slug, data, name, request.form.get("alt", "")
        )
    except (drafts.AuthoringError, UploadRefused) as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Đã chèn ảnh %(p)s vào cuối bài.", p=item.path), "success")
    return redirect(url_for("authoring.lesson", course_id=found.id, slug=slug) + "#anh")


@bp.route("/<int:course_id>/bai-hoc/<slug>/phuong-tien", methods=["POST"])
def add_player(course_id: int, slug: str) -> Response:
    """Upload audio, video or PDF slides shown after the lesson's text."""
    found = course_or_404(course_id)
    data, name = file_bytes(request.files.get("file"))
    try:
        if not data:
            raise drafts.AuthoringError(_("Hãy chọn một tệp."), "file")
        drafts.add_player(
            current_user,
            found,
            slug,
            data,
            name,
            request.form.get("kind", ""),
            request.form.get("media_title", ""),
            request.form.get("transcript", ""),
            file_bytes(request.files.get("captions")),
        )
    except (drafts.AuthoringError, UploadRefused) as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Đã thêm tệp vào bài học."), "success")
        kind = request.form.get("kind")
        if kind in ("audio", "video") and not request.form.get("transcript", "").strip():
            flash(
                _(
                    "Nên thêm lời thoại (transcript) hoặc phụ đề cho âm thanh và video: người "
                    "khiếm thính và người học ở nơi ồn ào cần đến nó."
                ),
                "info",
            )
    return redirect(url_for("authoring.lesson", course_id=found.id, slug=slug) + "#phuong-tien")


@bp.route("/<int:course_id>/bai-hoc/<slug>/phuong-tien/<int:index>", methods=["POST"])
def change_player(course_id: int, slug: str, index: int) -> Response:
    """Save a player's title and transcript, its captions, or take it off the lesson."""
    found = course_or_404(course_id)
    action = request.form.get("action")
    try:
        if action == "remove":
            drafts.remove_player(current_user, found, slug, index)
            message = _("Đã bỏ tệp khỏi bài học.")
        elif action in ("captions", "remove_captions"):
            data, name = file_bytes(request.files.get("captions"))
            if action == "captions" and not data:
                raise drafts.AuthoringError(_("Hãy chọn tệp phụ đề (.vtt)."), "captions")
            drafts.set_player_captions(current_user, found, slug, index, data, name)
            message = _("Đã lưu phụ đề.") if data else _("Đã bỏ phụ đề.")
        else:
            drafts.update_player(
                current_user,
                found,
                slug,
                index,
                request.form.get("media_title", ""),
                request.form.get("transcript", ""),
            )
            message = _("Đã lưu.")
    except (drafts.AuthoringError, UploadRefused) as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(url_for("authoring.lesson", course_id=found.id, slug=slug) + "#phuong-tien")


@bp.route("/<int:course_id>/bai-hoc/<slug>/di-chuyen", methods=["POST"])
def move_lesson(course_id: int, slug: str) -> Response:
    """Move a lesson up or down."""
    found = course_or_404(course_id)
    drafts.move_lesson(current_user, found, slug, -1 if request.form.get("to") == "up" else 1)
    db.session.commit()
    return redirect(url_for("authoring.course", course_id=found.id) + "#bai-hoc")


@bp.route("/<int:course_id>/bai-hoc/<slug>/xoa", methods=["GET", "POST"])
def delete_lesson(course_id: int, slug: str) -> str | Response:
    """Ask, then remove a lesson from the draft (its history keeps it)."""
    found = course_or_404(course_id)
    draft = drafts.get_draft(current_user, found)
    current = drafts.lesson_of(draft, slug)
    if request.method == "POST":
        drafts.delete_lesson(current_user, found, slug)
        db.session.commit()
        flash(_("Đã xoá bài “%(t)s” khỏi bản nháp.", t=current.title), "success")
        return redirect(url_for("authoring.course", course_id=found.id))
    db.session.commit()
    return render_template("authoring/lesson_delete.html", course=found, lesson=current)


@bp.route("/<int:course_id>/bai-hoc/<slug>/lich-su")
def history(course_id: int, slug: str) -> str:
    """A lesson's saved versions."""
    found = course_or_404(course_id)
    revisions = drafts.lesson_history(current_user, found, slug)
    if revisions:
        title = revisions[0].title
    else:
        title = drafts.lesson_of(drafts.get_draft(current_user, found), slug).title
    db.session.commit()
    return render_template(
        "authoring/history.html", course=found, slug=slug, revisions=revisions, title=title
    )


@bp.route("/<int:course_id>/bai-hoc/<slug>/lich-su/<int:number>", methods=["GET", "POST"])
def revision(course_id: int, slug: str, number: int) -> str | Response:
    """One saved version: as learners saw it, what changed since, and restoring it."""
    found = course_or_404(course_id)
    saved = drafts.lesson_revision(current_user, found, slug, number)
    if request.method == "POST":
        drafts.restore_revision(current_user, found, slug, number)
        db.session.commit()
        flash(_("Đã khôi phục bản #%(n)d.", n=number), "success")
        return redirect(url_for("authoring.lesson", course_id=found.id, slug=slug))
    draft = drafts.get_draft(current_user, found)
    try:
        now = drafts.lesson_of(draft, slug).body_source
    except LookupError:
        now = ""
    diff = "\n".join(
        difflib.unified_diff(
            saved.body_source.splitlines(),
            now.splitlines(),
            _("bản #%(n)d", n=number),
            _("bản nháp hiện tại"),
            lineterm="",
        )
    )
    db.session.commit()
    return render_template(
        "authoring/revision.html",
        course=found,
        revision=saved,
        preview=drafts.render_preview(draft, saved.body_source),
        diff=diff,
    )


@bp.route("/<int:course_id>/xem-truoc")
def preview_course(course_id: int) -> str:
    """The draft as a learner will see the course page."""
    found = course_or_404(course_id)
    draft = drafts.get_draft(current_user, found)
    db.session.commit()
    return render_template("authoring/preview_course.html", course=found, draft=draft)


@bp.route("/<int:course_id>/xem-truoc/bai/<slug>")
def preview_lesson(course_id: int, slug: str) -> str:
    """A draft lesson exactly as learners will see it."""
    found = course_or_404(course_id)
    draft = drafts.get_draft(current_user, found)
    current = drafts.lesson_of(draft, slug)
    index = draft.lessons.index(current)
    db.session.commit()
    return render_template(
        "authoring/preview_lesson.html",
        course=found,
        draft=draft,
        lesson=current,
        body_html=drafts.render_preview(draft, current.body_source),
        players=drafts.lesson_players(draft, current),
        number=index + 1,
        previous=draft.lessons[index - 1] if index > 0 else None,
        following=draft.lessons[index + 1] if index + 1 < len(draft.lessons) else None,
    )
