"""Read and write quizzes as mappings in the quiz-file format of content/README.md."""

from collections.abc import Mapping
from typing import Any, cast, get_args

from assessments.errors import InvalidField, QuizFormatError
from assessments.fields import FieldReader, LineMap
from assessments.model import (
    AttemptCounts,
    Question,
    Quiz,
    QuizPolicy,
    Review,
    check_id,
    plain_number,
)
from assessments.registry import registry

COUNTS: tuple[str, ...] = get_args(AttemptCounts)
REVIEWS: tuple[str, ...] = get_args(Review)


def parse_quiz(data: Mapping[str, object], source: str = "<quiz>") -> Quiz:
    """Validate a quiz mapping (as read from YAML) and return the Quiz; raise QuizFormatError."""
    return parse_quiz_data(data, source, {})


def parse_quiz_data(data: object, source: str, lines: LineMap) -> Quiz:
    if not isinstance(data, Mapping):
        raise QuizFormatError(source, "tệp phải chứa một bảng khoá–giá trị (title, questions, ...)")
    reader = FieldReader(data, source=source, lines=lines)
    title = reader.text("title")
    try:
        policy = QuizPolicy(
            pass_percent=reader.number("pass_percent", 70),
            max_attempts=reader.integer("max_attempts", 0),
            time_limit_minutes=reader.integer("time_limit_minutes", 0),
            shuffle_questions=reader.boolean("shuffle_questions", True),
            shuffle_options=reader.boolean("shuffle_options", True),
            draw=reader.integer("draw", 0),
            attempt_counts=cast(AttemptCounts, reader.choice("attempt_counts", COUNTS, "best")),
            review=cast(Review, reader.choice("review", REVIEWS, "full")),
        )
    except InvalidField as exc:
        raise reader.convert(exc) from None
    reader.raw("questions")
    reader.finish()  # misspelt settings first: they explain later surprises
    questions: list[Question] = []
    first_line: dict[str, int | None] = {}
    for item in reader.mapping_list("questions", 1, "câu hỏi"):
        question = read_question(item)
        if question.id in first_line:
            where = first_line[question.id]
            earlier = f" (đã dùng ở dòng {where})" if where is not None else ""
            raise item.for_question(question.id).error("mã câu hỏi bị trùng" + earlier, "id")
        first_line[question.id] = item.line()
        questions.append(question)
    try:
        return Quiz(title, policy, tuple(questions))
    except InvalidField as exc:
        raise reader.convert(exc) from None


def read_question(reader: FieldReader) -> Question:
    """Validate one question mapping and return the Question; raise QuizFormatError."""
    question_id = reader.text("id")
    try:
        check_id(question_id, "id")
    except InvalidField as exc:
        raise reader.convert(exc) from None
    reader = reader.for_question(question_id)
    code = reader.raw("type")
    if code is None:
        raise reader.error("thiếu trường bắt buộc", "type")
    if not isinstance(code, str) or code not in registry:
        known = ", ".join(registry.codes())
        raise reader.error(f"loại câu hỏi không hợp lệ '{code}'; các loại hợp lệ: {known}", "type")
    cls = registry.get(code)
    common: dict[str, Any] = {
        "id": question_id,
        "prompt": reader.text("prompt"),
        "points": reader.number("points", 1.0),
        "competence": reader.optional_text("competence"),
        "feedback": reader.feedback(),
        "explanation": reader.optional_text("explanation"),
    }
    specific = cls.parse_fields(reader)
    reader.finish()
    try:
        return cls(**common, **specific)
    except InvalidField as exc:
        raise reader.convert(exc) from None


def question_to_dict(question: Question) -> dict[str, object]:
    """Return a question in canonical quiz-file form."""
    data: dict[str, object] = {
        "id": question.id,
        "type": question.type,
        "prompt": question.prompt,
        "points": plain_number(question.points),
    }
    if question.competence is not None:
        data["competence"] = question.competence
    data.update(question.type_fields())
    feedback = question.feedback
    if feedback is not None:
        if feedback.correct == feedback.incorrect == feedback.partial:
            data["feedback"] = feedback.correct
        else:
            data["feedback"] = {
                key: text
                for key, text in (
                    ("correct", feedback.correct),
                    ("incorrect", feedback.incorrect),
                    ("partial", feedback.partial),
                )
                if text is not None
            }
    if question.explanation is not None:
        data["explanation"] = question.explanation
    return data


def quiz_to_dict(quiz: Quiz) -> dict[str, object]:
    """Return a quiz in canonical, JSON-serialisable quiz-file form (parse_quiz reads it back)."""
    policy = quiz.policy
    return {
        "title": quiz.title,
        "pass_percent": plain_number(policy.pass_percent),
        "max_attempts": policy.max_attempts,
        "time_limit_minutes": policy.time_limit_minutes,
        "shuffle_questions": policy.shuffle_questions,
        "shuffle_options": policy.shuffle_options,
        "draw": policy.draw,
        "attempt_counts": policy.attempt_counts,
        "review": policy.review,
        "questions": [question_to_dict(question) for question in quiz.questions],
    }
