"""Read Moodle GIFT text into questions, with warnings for what does not map."""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from assessments.fields import FieldReader
from assessments.gift.answers import AnswerReader, read_answers
from assessments.gift.syntax import protect, restore, split_format
from assessments.model import ID_PATTERN, Question
from assessments.quizfile import read_question
from assessments.text import fold_diacritics

META_PREFIX = "// assessments:"
META_KEYS = ("points", "competence", "scoring", "ignore_diacritics", "feedback")
_BLANK = "_____"


@dataclass(frozen=True)
class GiftImport:
    """Questions read from GIFT, and warnings about what was skipped or changed."""

    questions: tuple[Question, ...]
    warnings: tuple[str, ...]


def _chunks(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line number, lines) of each blank-line separated chunk."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    current: list[str] = []
    start = 1
    for number, line in enumerate(lines, 1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            yield start, current
            current = []
    if current:
        yield start, current


def _question_id(title: str | None, number: int, used: set[str]) -> tuple[str, str | None]:
    """Return an id for a question (from its ::title::) and a warning if it had to change."""
    if title and ID_PATTERN.fullmatch(title):
        base = title
    elif title:
        slug = re.sub(r"[^a-z0-9_]+", "-", fold_diacritics(title).lower()).strip("-")
        base = slug[:60].strip("-") or f"q{number}"
    else:
        base = f"q{number}"
    candidate, suffix = base, 2
    while candidate in used:
        candidate, suffix = f"{base}-{suffix}", suffix + 1
    used.add(candidate)
    note = f"mã '{base}' bị trùng nên đổi thành '{candidate}'" if candidate != base else None
    return candidate, note


def _read_meta(
    lines: list[str], start: int, source: str, warnings: list[str]
) -> tuple[dict[str, object], int | None, list[str]]:
    """Split comment lines off a chunk; return the assessments metadata, its line and the body."""
    meta: dict[str, object] = {}
    meta_line = None
    body = []
    for number, line in enumerate(lines, start):
        stripped = line.strip()
        if not stripped.startswith("//"):
            body.append(line)
            continue
        body.append("")  # keep line numbers
        if stripped.startswith(META_PREFIX):
            try:
                value = json.loads(stripped[len(META_PREFIX) :])
            except json.JSONDecodeError:
                value = None
            if isinstance(value, dict):
                meta, meta_line = value, number
            else:
                warnings.append(
                    f"{source}:{number}: dòng '{META_PREFIX}' không phải JSON hợp lệ; bỏ qua"
                )
    return meta, meta_line, body


def _parse_chunk(
    source: str, start: int, lines: list[str], used: set[str], count: int, warnings: list[str]
) -> Question | None:
    meta, meta_line, body = _read_meta(lines, start, source, warnings)
    text = protect("\n".join(body))
    reader = AnswerReader(source, start, text, warnings)
    position = len(text) - len(text.lstrip())
    if position == len(text) or text.startswith("$CATEGORY:", position):
        return None
    reader.origin = position
    title = None
    if text.startswith("::", position):
        end = text.find("::", position + 2)
        if end < 0:
            raise reader.fail("thiếu '::' đóng tiêu đề câu hỏi", position)
        title = restore(text[position + 2 : end]).strip()
        position = end + 2
    reader.question_id, note = _question_id(title, count + 1, used)
    if note:
        reader.warn(note, position)
    opening = text.find("{", position)
    if opening < 0:
        reader.warn("không có phần đáp án {…} (câu mô tả) nên đã bị bỏ qua", position)
        used.discard(reader.question_id)
        return None
    closing = text.find("}", opening + 1)
    if closing < 0:
        raise reader.fail("thiếu dấu '}' đóng phần đáp án", opening)
    before, block, after = text[position:opening], text[opening + 1 : closing], text[closing + 1 :]
    prompt = before + _BLANK + after if after.strip() else before
    reader.format, _ = split_format(restore(prompt).strip(), "moodle")
    reader.block_offset = opening + 1
    explanation = None
    general = block.rfind("####")
    if general >= 0:
        explanation = reader.optional(block[general + 4 :])
        block = block[:general]
    data = read_answers(reader, block)
    if data is None:
        used.discard(reader.question_id)
        return None
    data.update({"id": reader.question_id, "prompt": reader.formatted(prompt)})
    if explanation:
        data["explanation"] = explanation
    reader.lines[()] = reader.line(position)
    for key in ("options", "answers", "pairs", "answer", "value", "tolerance"):
        reader.lines[(key,)] = reader.line(opening)
    _apply_meta(reader, data, meta, meta_line)
    return read_question(FieldReader(data, source=source, lines=reader.lines))


def _apply_meta(
    reader: AnswerReader, data: dict[str, Any], meta: dict[str, object], line: int | None
) -> None:
    """Apply '// assessments: {...}' fields GIFT itself cannot express."""
    for key, value in meta.items():
        if key == "option_ids":
            options = data.get("options")
            if isinstance(options, list) and isinstance(value, list) and len(value) == len(options):
                for option, option_id in zip(options, value, strict=True):
                    option["id"] = option_id
            else:
                reader.warn("option_ids không khớp với số phương án; bỏ qua")
        elif key in META_KEYS:
            data[key] = value
            if line is not None:
                reader.lines[(key,)] = line
        else:
            reader.warn(f"bỏ qua trường lạ '{key}' trong dòng '{META_PREFIX}'")


def parse_gift(text: str, source: str = "<gift>") -> GiftImport:
    """Read GIFT questions; raise QuizFormatError on malformed or invalid questions."""
    warnings: list[str] = []
    questions: list[Question] = []
    used: set[str] = set()
    for start, lines in _chunks(text.removeprefix("\ufeff")):
        question = _parse_chunk(source, start, lines, used, len(questions), warnings)
        if question is not None:
            questions.append(question)
    return GiftImport(tuple(questions), tuple(warnings))
