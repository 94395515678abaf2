"""Quiz pages: settings and pool, the question editor, the bank, preview as a learner."""

from __future__ import annotations

import random
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from assessments import AttemptLayout, build_layout, grade_attempt
from lms.authoring import bank, drafts
from lms.authoring.questionform import (
    QuestionForm,
    form_from_definition,
    form_from_request,
    question_data,
)
from lms.authoring.views import bp, course_or_404, file_bytes
from lms.catalog.models import Competence
from lms.extensions import db
from lms.quizzes.presenting import describe, make_tokens, read_answers, show_questions

TYPE_LABELS = {
    "single_choice": "Chọn một đáp án",
    "multiple_choice": "Chọn nhiều đáp án",
    "true_false": "Đúng / Sai",
    "short_answer": "Trả lời ngắn",
    "numeric": "Điền số",
    "matching": "Nối cặp",
    "ordering": "Sắp xếp thứ tự",
}


def _settings_from_form() -> dict[str, Any]:
    form = request.form

    def number(name: str) -> Any:
        raw = form.get(name, "").strip().replace(",", ".")
        try:
            value = float(raw)
        except ValueError:
            return raw  # the engine names the field
        return int(value) if value.is_integer() and name != "pass_percent" else value

    return {
        "pass_percent": number("pass_percent"),
        "max_attempts": number("max_attempts"),
        "time_limit_minutes": number("time_limit_minutes"),
        "draw": number("draw"),
        "shuffle_questions": bool(form.get("shuffle_questions")),
        "shuffle_options": bool(form.get("shuffle_options")),
        "attempt_counts": form.get("attempt_counts", "best"),
        "review": form.get("review", "full"),
    }


@bp.route("/<int:course_id>/kiem-tra", methods=["POST"])
def add_quiz(course_id: int) -> Response:
    """Add a quiz to the draft."""
    found = course_or_404(course_id)
    try:
        quiz = bank.create_quiz(current_user, found, request.form.get("title", ""))
    except drafts.AuthoringError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("authoring.course", course_id=found.id))
    db.session.commit()
    return redirect(url_for("authoring.quiz", course_id=found.id, slug=quiz.slug))


@bp.route("/<int:course_id>/kiem-tra/<slug>", methods=["GET", "POST"])
def quiz(course_id: int, slug: str) -> str | Response:
    """A quiz's settings (DESIGN §5) and its questions, drawn from the course's bank."""
    found = course_or_404(course_id)
    draft = drafts.get_draft(current_user, found)
    current = bank.quiz_of(draft, slug)
    error = None
    if request.method == "POST":
        action = request.form.get("action", "settings")
        try:
            if action == "settings":
                bank.update_quiz(
                    current_user, found, slug, request.form.get("title", ""), _settings_from_form()
                )
                message = _("Đã lưu cài đặt bài kiểm tra.")
            elif action == "add":
                added = bank.add_to_quiz(current_user, found, slug, request.form.getlist("qid"))
                message = _("Đã thêm %(n)d câu hỏi.", n=added)
            elif action in ("up", "down"):
                bank.move_in_quiz(
                    current_user,
                    found,
                    slug,
                    request.form.get("qid", ""),
                    -1 if action == "up" else 1,
                )
                message = _("Đã đổi thứ tự.")
            else:
                bank.remove_from_quiz(current_user, found, slug, request.form.get("qid", ""))
                message = _("Đã bỏ câu hỏi khỏi bài kiểm tra (câu hỏi vẫn ở ngân hàng).")
        except drafts.AuthoringError as exc:
            db.session.rollback()
            error = exc
            draft = drafts.get_draft(current_user, found)
            current = bank.quiz_of(draft, slug)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("authoring.quiz", course_id=found.id, slug=slug))
    in_quiz = {item.question_id for item in current.items}
    others = [row for row in bank.bank_of(current_user, found) if row.id not in in_quiz]
    db.session.commit()
    return render_template(
        "authoring/quiz.html",
        course=found,
        quiz=current,
        others=others,
        error=error,
        settings={**current.settings, **(_settings_from_form() if error else {})},
        title=request.form.get("title", current.title) if error else current.title,
        type_labels=TYPE_LABELS,
    ), (400 if error else 200)


@bp.route("/<int:course_id>/kiem-tra/<slug>/xoa", methods=["GET", "POST"])
def delete_quiz(course_id: int, slug: str) -> str | Response:
    """Ask, then remove a quiz from the draft (its questions stay in the bank)."""
    found = course_or_404(course_id)
    current = bank.quiz_of(drafts.get_draft(current_user, found), slug)
    if request.method == "POST":
        bank.delete_quiz(current_user, found, slug)
        db.session.commit()
        flash(_("Đã xoá bài kiểm tra “%(t)s”.", t=current.title), "success")
        return redirect(url_for("authoring.course", course_id=found.id))
    db.session.commit()
    return render_template("authoring/quiz_delete.html", course=found, quiz=current)


def _competences(found) -> list[Competence]:  # type: ignore[no-untyped-def]
    return list(found.competences) or list(
        db.session.scalars(select(Competence).order_by(Competence.code))
    )


def _editor(  # type: ignore[no-untyped-def]
    found, state: QuestionForm, *, qid: str | None, quiz_slug: str, error=None, based_on=""
):
    return render_template(
        "authoring/question.html",
        course=found,
        state=state.padded(),
        qid=qid,
        quiz_slug=quiz_slug,
        based_on=based_on,
        error=error,
        type_label=TYPE_LABELS.get(state.type, state.type),
        competences=_competences(found),
    ), (400 if error else 200)


@bp.route("/<int:course_id>/cau-hoi/moi", methods=["GET", "POST"])
def new_question(course_id: int):  # type: ignore[no-untyped-def]
    """Write a new question of a type (added to a quiz too when coming from one)."""
    found = course_or_404(course_id)
    drafts.get_draft(current_user, found)
    qtype = request.values.get("type", "")
    quiz_slug = request.values.get("quiz", "")
    if qtype not in TYPE_LABELS:
        raise LookupError(qtype)
    state = (
        form_from_request(request.form, request.form.getlist) if request.method == "POST" else None
    )
    if state is None:
        state = QuestionForm(type=qtype)
        if qtype in ("single_choice", "multiple_choice"):
            state.options = [{"id": "", "text": "", "correct": False, "feedback": ""}] * 2
        db.session.commit()
        return _editor(found, state, qid=None, quiz_slug=quiz_slug)
    state.type = qtype
    if request.form.get("action") == "more":
        return _editor(found, state, qid=None, quiz_slug=quiz_slug)
    try:
        row = bank.create_question(current_user, found, question_data(state), quiz_slug or None)
    except (drafts.AuthoringError, LookupError) as exc:
        db.session.rollback()
        return _editor(found, state, qid=None, quiz_slug=quiz_slug, error=exc)
    db.session.commit()
    flash(_("Đã lưu câu hỏi %(id)s.", id=row.qid), "success")
    if quiz_slug:
        return redirect(url_for("authoring.quiz", course_id=found.id, slug=quiz_slug))
    return redirect(url_for("authoring.bank_page", course_id=found.id))


@bp.route("/<int:course_id>/cau-hoi/<qid>", methods=["GET", "POST"])
def question(course_id: int, qid: str):  # type: ignore[no-untyped-def]
    """Edit a bank question (every quiz that uses it gets the change when published)."""
    found = course_or_404(course_id)
    row = bank.bank_question(current_user, found, qid)
    quiz_slug = request.values.get("quiz", "")
    if request.method == "GET":
        based_on = bank.fingerprint(row.definition)
        db.session.commit()
        return _editor(
            found,
            form_from_definition(row.definition),
            qid=qid,
            quiz_slug=quiz_slug,
            based_on=based_on,
        )
    based_on = request.form.get("based_on", "")[:64]
    state = form_from_request(request.form, request.form.getlist)
    state.type, state.id = str(row.definition["type"]), qid
    if request.form.get("action") == "more":
        return _editor(found, state, qid=qid, quiz_slug=quiz_slug, based_on=based_on)
    try:
        bank.update_question(current_user, found, qid, question_data(state), based_on or None)
    except drafts.AuthoringError as exc:
        db.session.rollback()
        return _editor(found, state, qid=qid, quiz_slug=quiz_slug, error=exc, based_on=based_on)
    db.session.commit()
    flash(_("Đã lưu câu hỏi %(id)s.", id=qid), "success")
    if quiz_slug:
        return redirect(url_for("authoring.quiz", course_id=found.id, slug=quiz_slug))
    return redirect(url_for("authoring.bank_page", course_id=found.id))


@bp.route("/<int:course_id>/cau-hoi/<qid>/xoa", methods=["GET", "POST"])
def delete_question(course_id: int, qid: str):  # type: ignore[no-untyped-def]
    """Ask, then delete a bank question (quizzes using it lose it)."""
    found = course_or_404(course_id)
    row = bank.bank_question(current_user, found, qid)
    if request.method == "POST":
        bank.delete_question(current_user, found, qid)
        db.session.commit()
        flash(_("Đã xoá câu hỏi %(id)s.", id=qid), "success")
        return redirect(url_for("authoring.bank_page", course_id=found.id))
    used = bank.quizzes_using(found).get(row.id, [])
    db.session.commit()
    return render_template("authoring/question_delete.html", course=found, row=row, used=used)


@bp.route("/<int:course_id>/ngan-hang", methods=["GET", "POST"])
def bank_page(course_id: int):  # type: ignore[no-untyped-def]
    """The course's question bank; import GIFT or YAML, export."""
    found = course_or_404(course_id)
    draft = drafts.get_draft(current_user, found)
    error = None
    if request.method == "POST":
        data, name = file_bytes(request.files.get("file"))
        text = data.decode("utf-8-sig", errors="replace") if data else request.form.get("text", "")
        fmt = request.form.get("format", "")
        if name.lower().endswith(".gift"):
            fmt = "gift"
        elif name.lower().endswith((".yaml", ".yml")):
            fmt = "yaml"
        try:
            if not text.strip():
                raise drafts.AuthoringError(_("Hãy chọn tệp hoặc dán nội dung câu hỏi."), "file")
            outcome = bank.import_questions(
                current_user, found, text, fmt, request.form.get("quiz") or None
            )
        except (drafts.AuthoringError, LookupError) as exc:
            db.session.rollback()
            error = exc
        else:
            db.session.commit()
            flash(_("Đã nhập %(n)d câu hỏi.", n=len(outcome.added)), "success")
            for old, new in outcome.renamed.items():
                flash(_("Mã %(a)s đã có nên câu mới mang mã %(b)s.", a=old, b=new), "info")
            for warning in outcome.warnings:
                flash(warning, "info")
            return redirect(url_for("authoring.bank_page", course_id=found.id))
    rows = bank.bank_of(current_user, found)
    used = bank.quizzes_using(found)
    db.session.commit()
    return render_template(
        "authoring/bank.html",
        course=found,
        draft=draft,
        rows=rows,
        used=used,
        error=error,
        type_labels=TYPE_LABELS,
    ), (400 if error else 200)


@bp.route("/<int:course_id>/ngan-hang/xuat.<fmt>")
def export_bank(course_id: int, fmt: str) -> Response:
    """Download the bank (or one quiz's questions, ?quiz=) as GIFT or YAML."""
    found = course_or_404(course_id)
    if fmt not in ("gift", "yaml"):
        raise LookupError(fmt)
    quiz_slug = request.args.get("quiz") or None
    try:
        text, _warnings = bank.export_questions(current_user, found, fmt, quiz_slug)
    except drafts.AuthoringError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("authoring.bank_page", course_id=found.id))
    db.session.commit()
    name = f"{found.slug}-{quiz_slug or 'ngan-hang'}.{'gift' if fmt == 'gift' else 'quiz.yaml'}"
    mimetype = "text/plain" if fmt == "gift" else "application/yaml"
    return Response(
        text,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="authoring-quiz-preview")


@bp.route("/<int:course_id>/kiem-tra/<slug>/xem-truoc", methods=["GET", "POST"])
def preview_quiz(course_id: int, slug: str) -> str | Response:
    """Take the draft quiz as a learner would; check shows the grade, feedback, review."""
    found = course_or_404(course_id)
    try:
        quiz = bank.engine_quiz(current_user, found, slug)
    except drafts.AuthoringError as exc:
        db.session.rollback()
        flash(_("Bài kiểm tra chưa xem trước được: %(m)s", m=exc.message), "error")
        return redirect(url_for("authoring.quiz", course_id=found.id, slug=slug))
    result, review = None, []
    if request.method == "POST":
        try:
            state = _signer().loads(request.form.get("state", ""))
        except BadSignature:
            state = None
        if not state:
            return redirect(url_for("authoring.preview_quiz", course_id=found.id, slug=slug))
        layout, tokens = AttemptLayout.from_dict(state["layout"]), state["tokens"]
        try:
            answers = read_answers(quiz, layout, tokens, request.form)
            result = grade_attempt(quiz, layout.question_ids, answers)
        except KeyError:  # the quiz changed since the preview started
            return redirect(url_for("authoring.preview_quiz", course_id=found.id, slug=slug))
        for graded in result.results:
            question = quiz.question(graded.question_id)
            review.append(
                {
                    "question": question,
                    "result": graded,
                    "given": describe(question, answers.get(question.id)),
                    "right": describe(question, question.correct_response()),
                }
            )
    else:
        layout = build_layout(quiz, random.SystemRandom())
        tokens = make_tokens(quiz, layout)
        answers = {}
    questions = show_questions(quiz, layout, tokens, answers)
    state_token = _signer().dumps({"layout": layout.to_dict(), "tokens": tokens})
    db.session.commit()
    return render_template(
        "authoring/quiz_preview.html",
        course=found,
        slug=slug,
        quiz=quiz,
        questions=questions,
        state=state_token,
        result=result,
        review=review,
    )
