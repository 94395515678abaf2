"""Answers sent as JSON, checked, then read by the same reader as the web form.

Per question id, in the attempt's tokens (never option ids):
single_choice, true_false: "token"; multiple_choice: ["token", ...]; short_answer, numeric:
"text" (or a number); matching: {"left key": "token"}; ordering: ["token", ...] in order;
null clears a saved answer."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from assessments import AttemptLayout, Quiz
from lms.api.errors import ApiError, validation_error
from lms.quizzes.presenting import MAX_TEXT_ANSWER, Tokens, field_name, read_answers

MAX_ANSWERS = 500


def _problem(question: Any, tokens: dict[str, str], value: Any) -> str | None:
    """Return what is wrong with a JSON answer to a question, or None."""
    kind = question.type
    if value is None:
        return None
    if kind in ("single_choice", "true_false"):
        if not isinstance(value, str) or value not in tokens:
            return _("cần một giá trị trong “choices” của câu hỏi")
    elif kind in ("multiple_choice", "ordering"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return _("cần một danh sách giá trị trong “choices”")
        if any(v not in tokens for v in value):
            return _("có giá trị không thuộc “choices” của câu hỏi")
        if len(set(value)) != len(value):
            return _("một giá trị được chọn hai lần")
    elif kind in ("short_answer", "numeric"):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            return _("cần một chuỗi ký tự")
        if len(str(value)) > MAX_TEXT_ANSWER:
            return _("dài quá %(n)d ký tự", n=MAX_TEXT_ANSWER)
    elif kind == "matching":
        lefts = {c.key for c in question.left_items()}
        if not isinstance(value, dict):
            return _("cần một đối tượng {khoá bên trái: giá trị trong “choices”}")
        if any(k not in lefts for k in value):
            return _("có khoá không thuộc “lefts” của câu hỏi")
        if any(
            v is not None and (not isinstance(v, str) or v not in tokens) for v in value.values()
        ):
            return _("có giá trị không thuộc “choices” của câu hỏi")
    return None


def _as_form(question: Any, value: Any, form: MultiDict[str, str]) -> None:
    name = field_name(question.id)
    form.add("present", name)
    if value is None:
        return
    kind = question.type
    if kind in ("single_choice", "true_false"):
        form.add(name, value)
    elif kind == "multiple_choice":
        for token in value:
            form.add(name, token)
    elif kind in ("short_answer", "numeric"):
        form.add(name, str(value))
    elif kind == "matching":
        for left, token in value.items():
            if token is not None:
                form.add(f"{name}-{left}", token)
    elif kind == "ordering":
        for position, token in enumerate(value, start=1):
            form.add(f"{name}-{token}", str(position))


def read_json_answers(
    quiz: Quiz, layout: AttemptLayout, tokens: Tokens, answers: Any
) -> dict[str, Any]:
    """Return the engine's responses for JSON answers; 422 naming each question that is wrong."""
    if not isinstance(answers, dict):
        raise validation_error(
            _("“answers” phải là một đối tượng {mã câu hỏi: câu trả lời}."),
            {"answers": _("cần một đối tượng")},
        )
    if len(answers) > MAX_ANSWERS:
        raise ApiError(413, "payload_too_large", _("Quá nhiều câu trả lời trong một yêu cầu."))
    problems: dict[str, str] = {}
    form: MultiDict[str, str] = MultiDict()
    for question_id, value in answers.items():
        if question_id not in layout.question_ids:
            problems[f"answers.{question_id}"] = _("không có câu hỏi này trong bài làm")
            continue
        question = quiz.question(question_id)
        problem = _problem(question, tokens.get(question_id, {}), value)
        if problem:
            problems[f"answers.{question_id}"] = problem
        else:
            _as_form(question, value, form)
    if problems:
        raise validation_error(_("Có câu trả lời không hợp lệ."), problems)
    return read_answers(quiz, layout, tokens, form)
