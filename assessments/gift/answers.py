"""Read the answer block {…} of one GIFT question into quiz-file fields."""

import re
from typing import Any

from assessments.errors import QuizFormatError
from assessments.fields import Path
from assessments.gift.syntax import html_to_text, restore, split_format, split_weight

TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def option_ids(count: int) -> list[str]:
    """Return default option ids a, b, ..., z, aa, ab, ..."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    ids = []
    for number in range(1, count + 1):
        label = ""
        while number:
            number, rest = divmod(number - 1, 26)
            label = letters[rest] + label
        ids.append(label)
    return ids


def _split_items(block: str, markers: str) -> tuple[str, list[tuple[str, str, int]]]:
    """Return the text before the first marker and (marker, body, body offset) items."""
    positions = [index for index, char in enumerate(block) if char in markers]
    items = []
    for number, position in enumerate(positions):
        end = positions[number + 1] if number + 1 < len(positions) else len(block)
        items.append((block[position], block[position + 1 : end], position + 1))
    head = block[: positions[0]] if positions else block
    return head, items


def _number(text: str) -> float | None:
    text = text.strip()
    if not re.fullmatch(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", text):
        return None
    return float(text)


class AnswerReader:
    """Parse one question chunk (protected text) into quiz-file fields, tracking lines."""

    def __init__(self, source: str, start: int, text: str, warnings: list[str]) -> None:
        self.source = source
        self.start = start
        self.text = text
        self.warnings = warnings
        self.question_id: str | None = None
        self.origin = 0  # offset where the question starts, after comment lines
        self.format = "moodle"
        self.block_offset = 0
        self.lines: dict[Path, int] = {}
        self._html_warned = False

    def line(self, offset: int) -> int:
        """Return the file line of an offset in the chunk text."""
        return self.start + self.text.count("\n", 0, offset)

    def block_line(self, offset: int) -> int:
        """Return the file line of an offset in the answer block."""
        return self.line(self.block_offset + offset)

    def warn(self, message: str, offset: int | None = None) -> None:
        """Record a warning about this question (by default at the line where it starts)."""
        who = f"câu hỏi '{self.question_id}': " if self.question_id else ""
        line = self.line(self.origin if offset is None else offset)
        self.warnings.append(f"{self.source}:{line}: {who}{message}")

    def fail(self, message: str, offset: int | None = None) -> QuizFormatError:
        """Return an error about this question (by default at the line where it starts)."""
        line = self.line(self.origin if offset is None else offset)
        return QuizFormatError(self.source, message, line=line, question_id=self.question_id)

    def formatted(self, raw: str) -> str:
        """Return a text GIFT reads with a format (HTML becomes plain text)."""
        text_format, text = split_format(restore(raw).strip(), self.format)
        if text_format != "html":
            return text.strip()
        plain, images = html_to_text(text)
        if plain != text.strip() and not self._html_warned:
            self._html_warned = True
            self.warn("đã chuyển HTML thành văn bản thường")
        if images:
            self.warn(f"đã bỏ {images} hình ảnh (chỉ giữ chú thích alt)")
        return plain

    def plain(self, raw: str) -> str:
        """Return a text GIFT reads without format (short answers, matching right sides)."""
        return restore(raw).strip()

    def optional(self, raw: str) -> str | None:
        """Return formatted feedback text, or None when empty."""
        return self.formatted(raw) or None

    def true_false(self, block: str) -> dict[str, Any]:
        """Read {T}, {FALSE#wrong feedback#right feedback}."""
        parts = block.split("#", 2) + ["", ""]
        data: dict[str, Any] = {
            "type": "true_false",
            "answer": TRUE_FALSE[parts[0].strip().upper()],
        }
        wrong, right = self.optional(parts[1]), self.optional(parts[2])
        if wrong or right:
            data["feedback"] = {"correct": right, "incorrect": wrong}
        return data

    def choice(self, block: str) -> dict[str, Any]:
        """Read {=right ~wrong#feedback} or multiple answers {~%50%a ~%50%b ~%-100%c}."""
        head, items = _split_items(block, "~=")
        if head.strip():
            raise self.fail("có chữ thừa trước phương án đầu tiên", self.block_offset)
        single = any(marker == "=" for marker, _, _ in items)
        options, weights = [], []
        for index, (marker, body, offset) in enumerate(items):
            body = body.strip()
            weight: float | None = 100.0
            if marker == "~":
                weight, body = split_weight(body)
            text, _, feedback = body.partition("#")
            weights.append(weight or 0.0)
            correct = marker == "=" if single else (weight or 0) > 0
            if single and marker == "~" and (weight or 0) > 0:
                self.warn(
                    f"phương án {index + 1} có trọng số {weight:g}%: câu một đáp án chỉ tính "
                    "đúng hoặc sai, phương án này được coi là sai",
                    self.block_offset + offset,
                )
            option = {"text": self.formatted(text), "correct": correct}
            if feedback.strip():
                option["feedback"] = self.formatted(feedback)
            options.append(option)
            self.lines[("options", index)] = self.block_line(offset)
        for option_id, option in zip(option_ids(len(options)), options, strict=True):
            option["id"] = option_id
        if single:
            return {"type": "single_choice", "options": options}
        self._check_weights(weights)
        return {"type": "multiple_choice", "scoring": "partial", "options": options}

    def _check_weights(self, weights: list[float]) -> None:
        right = [weight for weight in weights if weight > 0]
        if not right:
            return
        share = 100 / len(right)
        expected = [share if weight > 0 else -share for weight in weights]
        if any(abs(weight - want) > 0.01 for weight, want in zip(weights, expected, strict=True)):
            self.warn(
                "trọng số các phương án khác công thức tính điểm một phần "
                "(đúng: +100/số phương án đúng, sai: −100/số phương án đúng); "
                "đã quy về công thức này",
                self.block_offset,
            )

    def matching(self, block: str) -> dict[str, Any]:
        """Read {=left -> right = -> distractor}."""
        head, items = _split_items(block, "=")
        if head.strip():
            raise self.fail("có chữ thừa trước cặp đầu tiên", self.block_offset)
        pairs: list[dict[str, str]] = []
        distractors: list[str] = []
        for _, body, offset in items:
            left, arrow, right = body.partition("->")
            if not arrow:
                raise self.fail(
                    "mỗi cặp cần có dạng '=vế trái -> vế phải'", self.block_offset + offset
                )
            if left.strip():
                self.lines[("pairs", len(pairs))] = self.block_line(offset)
                pairs.append({"left": self.formatted(left), "right": self.plain(right)})
            else:
                distractors.append(self.plain(right))
        return {
            "type": "matching",
            "scoring": "partial",
            "pairs": pairs,
            "distractors": distractors,
        }

    def short_answer(self, block: str) -> dict[str, Any]:
        """Read {=answer =other answer#feedback}."""
        head, items = _split_items(block, "=")
        if head.strip() or not items:
            raise self.fail("không nhận ra loại câu hỏi trong phần {…}", self.block_offset)
        answers: list[str] = []
        feedbacks: list[str] = []
        for _, body, offset in items:
            weight, body = split_weight(body.strip())
            text, _, feedback = body.partition("#")
            answer = self.plain(text)
            if weight is not None and weight != 100:
                self.warn(
                    f"đáp án '{answer}' có trọng số {weight:g}% nên đã bị bỏ qua",
                    self.block_offset + offset,
                )
                continue
            if "*" in answer:
                self.warn(
                    f"dấu '*' trong đáp án '{answer}' được hiểu là chữ, không phải ký tự đại diện"
                )
            self.lines[("answers", len(answers))] = self.block_line(offset)
            answers.append(answer)
            if feedback.strip():
                feedbacks.append(self.formatted(feedback))
        data: dict[str, Any] = {"type": "short_answer", "answers": answers}
        if feedbacks:
            data["feedback"] = {"correct": feedbacks[0]}
            if len(set(feedbacks)) > 1:
                self.warn("các đáp án có nhận xét khác nhau; chỉ giữ nhận xét đầu tiên")
        return data

    def numeric(self, block: str) -> dict[str, Any]:
        """Read {#value:tolerance}, {#min..max} or {#=value:tolerance =%50%other:tolerance}."""
        spec_block = block.strip()[1:]
        if "=" in spec_block:
            head, items = _split_items(spec_block, "=")
            if head.strip():
                raise self.fail("có chữ thừa trước đáp án số đầu tiên", self.block_offset)
        else:
            items = [("=", spec_block, 0)]
        chosen: dict[str, Any] | None = None
        for _, body, _ in items:
            weight, body = split_weight(body.strip())
            spec, _, feedback = body.partition("#")
            value, tolerance = self._numeric_spec(restore(spec))
            if weight is not None and weight != 100:
                self.warn(f"đáp án số {value:g} có trọng số {weight:g}% nên đã bị bỏ qua")
            elif chosen is not None:
                self.warn(f"chỉ giữ đáp án số đúng đầu tiên; bỏ qua {value:g}")
            else:
                chosen = {"type": "numeric", "value": value, "tolerance": tolerance}
                if feedback.strip():
                    chosen["feedback"] = {"correct": self.formatted(feedback)}
        if chosen is None:
            raise self.fail("không có đáp án số nào đúng 100%", self.block_offset)
        return chosen

    def _numeric_spec(self, spec: str) -> tuple[float, float]:
        low_text, dots, high_text = spec.partition("..")
        if dots:
            low, high = _number(low_text), _number(high_text)
            if low is not None and high is not None:
                return (low + high) / 2, abs(high - low) / 2
        else:
            value_text, _, tolerance_text = spec.partition(":")
            value = _number(value_text)
            tolerance = _number(tolerance_text) if tolerance_text.strip() else 0.0
            if value is not None and tolerance is not None:
                return value, tolerance
        raise self.fail(f"đáp án số không hợp lệ '{spec.strip()}'", self.block_offset)


def read_answers(reader: AnswerReader, block: str) -> dict[str, Any] | None:
    """Recognise the question type the way Moodle does and read its answers."""
    stripped = block.strip()
    if not stripped:
        reader.warn("câu tự luận (essay) không được hỗ trợ nên đã bị bỏ qua")
        return None
    if stripped.startswith("#"):
        return reader.numeric(block)
    if "~" in stripped:
        return reader.choice(block)
    if "=" in stripped and "->" in stripped:
        return reader.matching(block)
    if stripped.split("#", 1)[0].strip().upper() in TRUE_FALSE:
        return reader.true_false(block)
    return reader.short_answer(block)
