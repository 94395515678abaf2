"""Write questions as Moodle GIFT text, with warnings for what Moodle will not see."""

import json
from collections.abc import Sequence
from dataclasses import dataclass

from assessments.gift.answers import option_ids
from assessments.gift.reader import META_PREFIX
from assessments.gift.syntax import WEIGHT, escape, escape_formatted, format_weight
from assessments.model import Feedback, Question, plain_number
from assessments.questions import (
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)

_ARROW_ESCAPED = "-\\>"


@dataclass(frozen=True)
class GiftExport:
    """GIFT text, and warnings about what was skipped or is kept only in comments."""

    text: str
    warnings: tuple[str, ...]


def _number(value: float) -> str:
    return repr(plain_number(value))


def _weighted(text: str) -> str:
    """Protect a text that would otherwise start with something read as a %weight%."""
    return "%100%" + text if WEIGHT.match(text) else text


def _choice_lines(question: SingleChoice | MultipleChoice) -> list[str]:
    lines = []
    right = len(question.correct_ids)
    for option in question.options:
        text = escape_formatted(option.text)
        if isinstance(question, SingleChoice):
            marker = "=" if option.correct else "~%0%" if WEIGHT.match(text) else "~"
        else:
            share = 100 / right
            marker = "~%" + format_weight(share if option.correct else -share) + "%"
        feedback = "#" + escape_formatted(option.feedback) if option.feedback else ""
        lines.append(marker + text + feedback)
    return lines


def _true_false_line(question: TrueFalse) -> str:
    line = "TRUE" if question.answer else "FALSE"
    feedback = question.feedback
    if feedback is not None and (feedback.incorrect or feedback.correct):
        line += "#" + escape_formatted(feedback.incorrect or "")
        if feedback.correct:
            line += "#" + escape_formatted(feedback.correct)
    return line


def _matching_lines(question: Matching, warn: list[str]) -> list[str]:
    lines = []
    for pair in question.pairs:
        left = escape_formatted(pair.left)
        if "->" in left:
            left = left.replace("->", _ARROW_ESCAPED)
            warn.append("vế trái có '->': Moodle sẽ hiện thành '-\\>'")
        lines.append(f"={left} -> {escape(pair.right)}")
    lines.extend(f"= -> {escape(distractor)}" for distractor in question.distractors)
    return lines


def _short_answer_lines(question: ShortAnswer, warn: list[str]) -> list[str]:
    lines = []
    for answer in question.answers:
        text = _weighted(escape(answer))
        if "->" in text:
            text = text.replace("->", _ARROW_ESCAPED)
            warn.append("đáp án có '->': Moodle sẽ hiện thành '-\\>'")
        lines.append("=" + text)
    return lines


def _answer_lines(question: Question, warn: list[str]) -> list[str]:
    if isinstance(question, SingleChoice | MultipleChoice):
        return _choice_lines(question)
    if isinstance(question, TrueFalse):
        return [_true_false_line(question)]
    if isinstance(question, ShortAnswer):
        return _short_answer_lines(question, warn)
    if isinstance(question, Numeric):
        return [f"#{_number(question.value)}:{_number(question.tolerance)}"]
    assert isinstance(question, Matching)
    return _matching_lines(question, warn)


def _feedback_value(feedback: Feedback) -> object:
    if feedback.correct == feedback.incorrect == feedback.partial:
        return feedback.correct
    names = ("correct", "incorrect", "partial")
    texts = (feedback.correct, feedback.incorrect, feedback.partial)
    return {name: text for name, text in zip(names, texts, strict=True) if text is not None}


def _meta(question: Question, warn: list[str]) -> dict[str, object]:
    """Return what GIFT cannot say, for the '// assessments:' comment line."""
    meta: dict[str, object] = {}
    if question.points != 1:
        meta["points"] = plain_number(question.points)
        warn.append(
            f"điểm ({question.points:g}) chỉ lưu trong chú thích; Moodle dùng điểm mặc định"
        )
    if question.competence is not None:
        meta["competence"] = question.competence
    scoring = getattr(question, "scoring", None)
    if scoring == "all_or_nothing":
        meta["scoring"] = scoring
        warn.append("GIFT không có cách chấm 'tất cả hoặc không'; Moodle sẽ chấm điểm một phần")
    if isinstance(question, ShortAnswer) and question.ignore_diacritics:
        meta["ignore_diacritics"] = True
        warn.append("Moodle không bỏ qua dấu khi so đáp án (ignore_diacritics)")
    feedback = question.feedback
    native = isinstance(question, TrueFalse) and (feedback is None or feedback.partial is None)
    if feedback is not None and not native:
        meta["feedback"] = _feedback_value(feedback)
        warn.append("nhận xét theo kết quả chỉ lưu trong chú thích; Moodle không hiển thị")
    if isinstance(question, SingleChoice | MultipleChoice):
        ids = [option.id for option in question.options]
        if ids != option_ids(len(ids)):
            meta["option_ids"] = ids
    return meta


def _question_text(question: Question, warn: list[str]) -> str:
    meta = _meta(question, warn)
    lines = []
    if meta:
        lines.append(f"{META_PREFIX} {json.dumps(meta, ensure_ascii=False)}")
    lines.append(f"::{question.id}::{escape_formatted(question.prompt)}{{")
    lines.extend("\t" + line for line in _answer_lines(question, warn))
    if question.explanation:
        lines.append("\t####" + escape_formatted(question.explanation))
    lines.append("}")
    return "\n".join(lines)


def write_gift(questions: Sequence[Question]) -> GiftExport:
    """Write questions as GIFT; ordering questions have no GIFT form and are skipped."""
    blocks, warnings = [], []
    supported = (SingleChoice, MultipleChoice, TrueFalse, ShortAnswer, Numeric, Matching)
    for question in questions:
        if not isinstance(question, supported):
            kind = "sắp xếp thứ tự" if isinstance(question, Ordering) else question.type
            warnings.append(f"câu hỏi '{question.id}' ({kind}) không có dạng GIFT nên đã bị bỏ qua")
            continue
        notes: list[str] = []
        blocks.append(_question_text(question, notes))
        warnings.extend(f"câu hỏi '{question.id}': {note}" for note in notes)
    text = "\n\n".join(blocks) + "\n" if blocks else ""
    return GiftExport(text, tuple(warnings))
