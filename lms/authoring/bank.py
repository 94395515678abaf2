"""A course's question bank and the draft quizzes that draw from it; GIFT and YAML in and out.

Questions are validated and stored by the quiz engine (assessments) in its quiz-file form:
nothing here parses GIFT or checks a question type itself."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import yaml
from flask_babel import gettext as _
from sqlalchemy import select

from assessments import (
    InvalidField,
    Question,
    Quiz,
    QuizFormatError,
    QuizPolicy,
    parse_gift,
    parse_quiz,
    question_to_dict,
    quiz_to_dict,
    registry,
    write_gift,
)
from assessments.quizfile import parse_quiz_data
from assessments.yamlsource import load_yaml
from lms.accounts.models import User
from lms.authoring.audit import record_event
from lms.authoring.drafts import (
    AuthoringError,
    checked_title,
    get_draft,
    slugify,
    unique_name,
)
from lms.authoring.models import (
    AuditEvent,
    BankQuestion,
    CourseDraft,
    DraftQuiz,
    DraftQuizQuestion,
)
from lms.authoring.snapshot import quiz_definition
from lms.catalog.models import Course
from lms.core.text import nfc
from lms.extensions import db

QUESTION_TYPES = registry.codes()
DEFAULT_SETTINGS: dict[str, Any] = {
    "pass_percent": 70,
    "max_attempts": 0,
    "time_limit_minutes": 0,
    "shuffle_questions": True,
    "shuffle_options": True,
    "draw": 0,
    "attempt_counts": "best",
    "review": "full",
}
MAX_IMPORT = 1_000_000  # characters of GIFT or YAML in one import


def _format_error(exc: QuizFormatError) -> str:
    where = f" ({exc.field})" if getattr(exc, "field", None) else ""
    line = f" dòng {exc.line}:" if getattr(exc, "line", None) else ""
    return f"{line}{where} {exc.message}".strip()


def validate_question(data: dict[str, Any]) -> Question:
    """Return the engine's question for a quiz-file mapping; AuthoringError names the field."""
    try:
        quiz = parse_quiz({"title": "-", "questions": [data]}, "câu hỏi")
    except QuizFormatError as exc:
        raise AuthoringError(exc.message, exc.field) from exc
    return quiz.questions[0]


def bank_of(actor: User, course: Course) -> list[BankQuestion]:
    """Return the course's bank, in the order questions were added."""
    get_draft(actor, course)
    return list(
        db.session.scalars(
            select(BankQuestion)
            .where(BankQuestion.course_id == course.id)
            .order_by(BankQuestion.id)
        )
    )


def bank_question(actor: User, course: Course, qid: str) -> BankQuestion:
    """Return one bank question (LookupError if absent)."""
    get_draft(actor, course)
    row = db.session.scalar(
        select(BankQuestion).where(BankQuestion.course_id == course.id, BankQuestion.qid == qid)
    )
    if row is None:
        raise LookupError(qid)
    return row


def next_question_id(course: Course) -> str:
    """Return a fresh question id for the course's bank: q1, q2, ..."""
    taken = set(
        db.session.scalars(select(BankQuestion.qid).where(BankQuestion.course_id == course.id))
    )
    number = len(taken) + 1
    while f"q{number}" in taken:
        number += 1
    return f"q{number}"


def create_question(
    actor: User, course: Course, data: dict[str, Any], quiz_slug: str | None = None
) -> BankQuestion:
    """Add a question to the bank (and to a quiz of the draft, if named)."""
    get_draft(actor, course)
    data = {**data, "id": data.get("id") or next_question_id(course)}
    question = validate_question(data)
    exists = db.session.scalar(
        select(BankQuestion.id).where(
            BankQuestion.course_id == course.id, BankQuestion.qid == question.id
        )
    )
    if exists is not None:
        raise AuthoringError(_("Mã câu hỏi đã có trong ngân hàng."), "id")
    row = BankQuestion(course_id=course.id, qid=question.id, definition=question_to_dict(question))
    db.session.add(row)
    db.session.flush()
    if quiz_slug:
        add_to_quiz(actor, course, quiz_slug, [row.qid])
    record_event(actor, course, "question.create", row.qid, type=question.type)
    db.session.flush()
    return row


def fingerprint(definition: dict[str, Any]) -> str:
    """Return a short digest of a question as stored: the editor sends back the one it opened."""
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def update_question(
    actor: User,
    course: Course,
    qid: str,
    data: dict[str, Any],
    based_on: str | None = None,
) -> BankQuestion:
    """Replace a bank question (its id stays: attempts and statistics refer to it).

    based_on is the fingerprint of the question the editor was opened on: if a co-author
    saved it since, nothing is written over their work and the teacher is told who."""
    row = bank_question(actor, course, qid)
    question = validate_question({**data, "id": qid})
    definition = question_to_dict(question)
    if based_on and based_on != fingerprint(row.definition) and definition != row.definition:
        latest = db.session.scalar(
            select(AuditEvent)
            .where(
                AuditEvent.course_id == course.id,
                AuditEvent.action == "question.update",
                AuditEvent.target == qid,
            )
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
        raise AuthoringError(
            _(
                "%(name)s vừa lưu câu hỏi này. Nội dung của bạn chưa được lưu: hãy chép lại "
                "phần bạn viết, tải lại trang rồi sửa tiếp trên bản mới nhất.",
                name=latest.actor_name if latest is not None else _("Một tác giả khác"),
            ),
            "prompt",
        )
    if definition != row.definition:
        row.definition = definition
        record_event(actor, course, "question.update", qid, type=question.type)
        db.session.flush()
    return row


def delete_question(actor: User, course: Course, qid: str) -> None:
    """Delete a bank question; quizzes that drew on it lose it."""
    row = bank_question(actor, course, qid)
    record_event(actor, course, "question.delete", qid)
    db.session.delete(row)
    db.session.flush()


def quizzes_using(course: Course) -> dict[int, list[str]]:
    """Return, per bank question id, the titles of the draft quizzes that use it."""
    rows = db.session.execute(
        select(DraftQuizQuestion.question_id, DraftQuiz.title)
        .join(DraftQuiz, DraftQuiz.id == DraftQuizQuestion.quiz_id)
        .where(DraftQuiz.course_id == course.id)
    )
    used: dict[int, list[str]] = {}
    for question_id, title in rows:
        used.setdefault(question_id, []).append(title)
    return used


# --- Quizzes --------------------------------------------------------------------------------


def quiz_of(draft: CourseDraft, slug: str) -> DraftQuiz:
    """Return the draft's quiz with this slug (LookupError if absent)."""
    quiz = next((quiz for quiz in draft.quizzes if quiz.slug == slug), None)
    if quiz is None:
        raise LookupError(slug)
    return quiz


def create_quiz(actor: User, course: Course, title: str) -> DraftQuiz:
    """Add a quiz with the default settings to the draft."""
    draft = get_draft(actor, course)
    clean_title = checked_title(title)
    slug = unique_name(slugify(clean_title, "kiem-tra"), {quiz.slug for quiz in draft.quizzes})
    quiz = DraftQuiz(
        course_id=course.id, slug=slug, title=clean_title, settings=dict(DEFAULT_SETTINGS)
    )
    draft.quizzes.append(quiz)
    record_event(actor, course, "quiz.create", slug, title=clean_title)
    db.session.flush()
    return quiz


def update_quiz(
    actor: User, course: Course, slug: str, title: str, settings: dict[str, Any]
) -> DraftQuiz:
    """Check and set a quiz's title and settings (DESIGN §5)."""
    draft = get_draft(actor, course)
    quiz = quiz_of(draft, slug)
    clean_title = checked_title(title)
    values = {**DEFAULT_SETTINGS, **settings}
    try:
        QuizPolicy(**values)
    except InvalidField as exc:
        raise AuthoringError(exc.message, exc.field) from exc
    except TypeError as exc:
        raise AuthoringError(_("Cài đặt không hợp lệ.")) from exc
    if values["draw"] and values["draw"] > len(quiz.items):
        raise AuthoringError(
            _(
                "Số câu rút cho mỗi lượt (%(d)d) lớn hơn số câu hỏi của bài (%(n)d).",
                d=values["draw"],
                n=len(quiz.items),
            ),
            "draw",
        )
    quiz.title, quiz.settings = clean_title, {k: values[k] for k in DEFAULT_SETTINGS}
    record_event(actor, course, "quiz.update", slug, title=clean_title)
    db.session.flush()
    return quiz


def delete_quiz(actor: User, course: Course, slug: str) -> None:
    """Remove a quiz from the draft (its questions stay in the bank)."""
    draft = get_draft(actor, course)
    quiz = quiz_of(draft, slug)
    draft.quizzes.remove(quiz)
    draft.required_quizzes = [q for q in draft.required_quizzes if q != slug]
    record_event(actor, course, "quiz.delete", slug, title=quiz.title)
    db.session.flush()


def add_to_quiz(actor: User, course: Course, slug: str, qids: list[str]) -> int:
    """Add bank questions to a quiz's pool, at the end; returns how many were added."""
    draft = get_draft(actor, course)
    quiz = quiz_of(draft, slug)
    present = {item.question_id for item in quiz.items}
    added = 0
    for qid in qids:
        row = bank_question(actor, course, qid)
        if row.id in present:
            continue
        quiz.items.append(
            DraftQuizQuestion(quiz_id=quiz.id, question_id=row.id, position=len(quiz.items))
        )
        present.add(row.id)
        added += 1
    if added:
        record_event(actor, course, "quiz.questions", slug, added=qids)
        db.session.flush()
    return added


def remove_from_quiz(actor: User, course: Course, slug: str, qid: str) -> None:
    """Take a question out of a quiz's pool (it stays in the bank)."""
    draft = get_draft(actor, course)
    quiz = quiz_of(draft, slug)
    item = next((i for i in quiz.items if i.question.qid == qid), None)
    if item is None:
        raise LookupError(qid)
    quiz.items.remove(item)
    for position, other in enumerate(quiz.items):
        other.position = position
    draw = int(quiz.settings.get("draw") or 0)
    if draw > len(quiz.items):
        quiz.settings = {**quiz.settings, "draw": len(quiz.items)}
    record_event(actor, course, "quiz.questions", slug, removed=qid)
    db.session.flush()


def move_in_quiz(actor: User, course: Course, slug: str, qid: str, delta: int) -> None:
    """Move a question up (-1) or down (+1) in a quiz."""
    draft = get_draft(actor, course)
    quiz = quiz_of(draft, slug)
    items = list(quiz.items)
    index = next((n for n, i in enumerate(items) if i.question.qid == qid), None)
    if index is None:
        raise LookupError(qid)
    target = index + (1 if delta > 0 else -1)
    if not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    for position, item in enumerate(items):
        item.position = position
    record_event(actor, course, "quiz.questions", slug, moved=qid)
    db.session.flush()
    db.session.refresh(quiz)


def engine_quiz(actor: User, course: Course, slug: str) -> Quiz:
    """Return a draft quiz as the engine's Quiz, as learners would get it (for preview)."""
    draft = get_draft(actor, course)
    quiz = quiz_of(draft, slug)
    try:
        return parse_quiz(quiz_definition(quiz), slug)
    except QuizFormatError as exc:
        raise AuthoringError(exc.message, exc.field) from exc


# --- Import and export ----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    """What an import added, and the engine's warnings about what it could not keep."""

    added: list[str]
    renamed: dict[str, str]
    warnings: list[str]


def read_questions(text: str, fmt: str, source: str) -> tuple[list[Question], list[str]]:
    """Parse GIFT, or YAML (a quiz file, or a list of questions); AuthoringError on problems."""
    text = nfc(text.lstrip("\ufeff"))
    if len(text) > MAX_IMPORT:
        raise AuthoringError(_("Tệp quá dài để nhập một lần."), "file")
    try:
        if fmt == "gift":
            imported = parse_gift(text, source)
            return list(imported.questions), list(imported.warnings)
        if fmt == "yaml":
            data, lines = load_yaml(text, source)
            if isinstance(data, list):  # a bare list of questions
                data = {"title": source, "questions": data}
                lines = {("questions", *path): line for path, line in lines.items()}
            elif isinstance(data, dict) and "title" not in data:
                data = {"title": source, **data}
            if data is None:
                raise AuthoringError(_("Tệp không có câu hỏi nào."), "file")
            return list(parse_quiz_data(data, source, lines).questions), []
    except QuizFormatError as exc:
        raise AuthoringError(_format_error(exc), "file") from exc
    raise AuthoringError(_("Hãy chọn định dạng GIFT hoặc YAML."), "format")


def import_questions(
    actor: User, course: Course, text: str, fmt: str, quiz_slug: str | None = None
) -> ImportOutcome:
    """Add questions from GIFT or YAML to the bank (ids already used get a new one)."""
    get_draft(actor, course)
    questions, warnings = read_questions(text, fmt, "nhap-cau-hoi")
    if not questions:
        raise AuthoringError(_("Tệp không có câu hỏi nào."), "file")
    taken = set(
        db.session.scalars(select(BankQuestion.qid).where(BankQuestion.course_id == course.id))
    )
    added, renamed = [], {}
    for question in questions:
        data = question_to_dict(question)
        qid = question.id
        if qid in taken:
            qid = unique_name(qid[:70], taken)
            renamed[question.id] = qid
            data["id"] = qid
        taken.add(qid)
        db.session.add(BankQuestion(course_id=course.id, qid=qid, definition=data))
        added.append(qid)
    db.session.flush()
    if quiz_slug:
        add_to_quiz(actor, course, quiz_slug, added)
    record_event(actor, course, "question.import", fmt, count=len(added))
    db.session.flush()
    return ImportOutcome(added, renamed, warnings)


def export_questions(
    actor: User, course: Course, fmt: str, quiz_slug: str | None = None
) -> tuple[str, list[str]]:
    """Return the bank (or one quiz) as GIFT or as a YAML quiz file, and warnings."""
    draft = get_draft(actor, course)
    if quiz_slug:
        quiz = quiz_of(draft, quiz_slug)
        rows = [item.question for item in quiz.items]
        title, settings = quiz.title, dict(quiz.settings)
    else:
        rows = bank_of(actor, course)
        title, settings = _("Ngân hàng câu hỏi: %(t)s", t=draft.title), dict(DEFAULT_SETTINGS)
    questions = [validate_question(row.definition) for row in rows]
    if fmt == "gift":
        exported = write_gift(questions)
        return exported.text, list(exported.warnings)
    if not questions:
        raise AuthoringError(_("Chưa có câu hỏi nào để xuất."))
    data = quiz_to_dict(Quiz(title, QuizPolicy(**{**settings, "draw": 0}), tuple(questions)))
    if settings.get("draw"):
        data["draw"] = settings["draw"]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False), []
