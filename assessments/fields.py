"""Read and type-check quiz-file mappings, naming file, line, question and field on error."""

import difflib
import math
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from assessments.errors import InvalidField, QuizFormatError
from assessments.model import Feedback
from assessments.text import clean_text

Path = tuple[str | int, ...]
LineMap = Mapping[Path, int]
T = TypeVar("T")

_QUOTE_HINT = ' (nếu là chữ, hãy đặt trong dấu ngoặc kép, ví dụ "113")'


def _describe(path: Sequence[str | int]) -> str:
    """Format a relative path as authors read it: options[2].text (1-based)."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += f".{part}" if text else part
    return text


class FieldReader:
    """Read fields of one mapping, remembering which keys were used."""

    def __init__(
        self,
        data: Mapping[str, object],
        *,
        source: str,
        lines: LineMap,
        path: Path = (),
        field_prefix: Path = (),
        question_id: str | None = None,
    ) -> None:
        self.data = data
        self.source = source
        self.lines = lines
        self.path = path
        self.field_prefix = field_prefix
        self.question_id = question_id
        self._used: set[str] = set()

    def for_question(self, question_id: str) -> "FieldReader":
        """Return a reader of the same mapping whose errors name the question."""
        reader = FieldReader(
            self.data, source=self.source, lines=self.lines, path=self.path, question_id=question_id
        )
        reader._used = self._used
        return reader

    def line(self, *sub: str | int) -> int | None:
        """Return the line of a field, or of its nearest known ancestor."""
        full = self.path + sub
        for end in range(len(full), -1, -1):
            line = self.lines.get(full[:end])
            if line is not None:
                return line
        return None

    def error(self, message: str, *sub: str | int) -> QuizFormatError:
        """Return an error about a field of this mapping (or the mapping itself)."""
        if len(sub) == 1 and isinstance(sub[0], str) and sub[0] not in self.data:
            message += self._typo_hint(sub[0])
        described = _describe(self.field_prefix + sub)
        return QuizFormatError(
            self.source,
            message,
            line=self.line(*sub),
            question_id=self.question_id,
            field=described or None,
        )

    def convert(self, exc: InvalidField, *, item: bool = False) -> QuizFormatError:
        """Turn a model's InvalidField into a located QuizFormatError."""
        if exc.field is None:
            return self.error(exc.message)
        parts: list[str | int] = list(exc.field.split("."))
        if item:  # an Option or Pair names "options.text"; this reader is the option itself
            parts = parts[-1:]
        return self.error(exc.message, *parts)

    def build(self, factory: Callable[..., T], /, **kwargs: object) -> T:
        """Call a model constructor of a list item, converting InvalidField."""
        try:
            return factory(**kwargs)
        except InvalidField as exc:
            raise self.convert(exc, item=True) from None

    def has(self, name: str) -> bool:
        """Return whether the field is present and not null."""
        return self.data.get(name) is not None

    def raw(self, name: str) -> object:
        """Return a field's raw value (None when absent) and mark it used."""
        self._used.add(name)
        return self.data.get(name)

    def text(self, name: str) -> str:
        """Return a required text field, cleaned."""
        value = self.optional_text(name)
        if value is None:
            raise self.error("thiếu trường bắt buộc", name)
        return value

    def optional_text(self, name: str) -> str | None:
        """Return an optional text field, cleaned (None when absent)."""
        value = self.raw(name)
        if value is None:
            return None
        return self._text_value(value, name)

    def _text_value(self, value: object, *sub: str | int) -> str:
        if not isinstance(value, str):
            hint = _QUOTE_HINT if isinstance(value, int | float) else ""
            raise self.error("phải là chuỗi văn bản" + hint, *sub)
        cleaned = clean_text(value)
        if not cleaned:
            raise self.error("không được để trống", *sub)
        return cleaned

    def boolean(self, name: str, default: bool) -> bool:
        """Return a true/false field."""
        value = self.raw(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.error("phải là true hoặc false", name)
        return value

    def number(self, name: str, default: float | None = None) -> float:
        """Return a numeric field (required when default is None)."""
        value = self.raw(name)
        if value is None:
            if default is None:
                raise self.error("thiếu trường bắt buộc", name)
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error("phải là một số", name)
        if not math.isfinite(value):
            raise self.error("phải là một số hữu hạn", name)
        return float(value)

    def integer(self, name: str, default: int) -> int:
        """Return an integer field."""
        value = self.raw(name)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error("phải là số nguyên", name)
        return value

    def choice(self, name: str, allowed: Sequence[str], default: str) -> str:
        """Return a field that must be one of a few words."""
        value = self.raw(name)
        if value is None:
            return default
        if value not in allowed:
            raise self.error("phải là một trong: " + ", ".join(allowed), name)
        assert isinstance(value, str)
        return value

    def _list(self, name: str, minimum: int, what: str) -> list[object]:
        value = self.raw(name)
        if value is None:
            value = []
        if not isinstance(value, list | tuple):
            raise self.error("phải là một danh sách", name)
        if len(value) < minimum:
            raise self.error(f"cần ít nhất {_count(minimum)} {what}", name)
        return list(value)

    def text_list(self, name: str, minimum: int, what: str) -> tuple[str, ...]:
        """Return a list of texts with at least `minimum` entries."""
        items = self._list(name, minimum, what)
        return tuple(self._text_value(item, name, index) for index, item in enumerate(items))

    def mapping_list(self, name: str, minimum: int, what: str) -> list["FieldReader"]:
        """Return readers for a list of mappings with at least `minimum` entries."""
        readers = []
        for index, item in enumerate(self._list(name, minimum, what)):
            if not isinstance(item, Mapping):
                raise self.error("mỗi mục phải là một bảng khoá–giá trị", name, index)
            readers.append(self.child(item, name, index))
        return readers

    def child(self, data: Mapping[str, object], *sub: str | int) -> "FieldReader":
        """Return a reader for a nested mapping."""
        return FieldReader(
            data,
            source=self.source,
            lines=self.lines,
            path=self.path + sub,
            field_prefix=self.field_prefix + sub,
            question_id=self.question_id,
        )

    def feedback(self, name: str = "feedback") -> Feedback | None:
        """Return feedback: a string (every outcome) or {correct, incorrect, partial}."""
        value = self.raw(name)
        if value is None:
            return None
        if isinstance(value, str):
            return Feedback.same(self._text_value(value, name))
        if not isinstance(value, Mapping):
            raise self.error("phải là chuỗi văn bản hoặc bảng {correct, incorrect, partial}", name)
        reader = self.child(value, name)
        texts = [reader.optional_text(key) for key in ("correct", "incorrect", "partial")]
        reader.finish()
        if all(text is None for text in texts):
            raise self.error("cần ít nhất một trong: correct, incorrect, partial", name)
        return Feedback(*texts)

    def _typo_hint(self, name: str) -> str:
        """Suggest an unknown key that looks like a misspelling of a missing field."""
        unknown = [key for key in self.data if isinstance(key, str) and key not in self._used]
        close = difflib.get_close_matches(name, unknown, n=1)
        return f" (có phải trường '{close[0]}' bị viết sai?)" if close else ""

    def finish(self) -> None:
        """Raise on keys that no reader asked for (usually typos)."""
        for key in self.data:
            if not isinstance(key, str):
                raise self.error(f"tên trường phải là chữ, không phải {key!r}")
            if key not in self._used:
                known = sorted(self._used)
                close = difflib.get_close_matches(key, known, n=1)
                hint = f" (có phải '{close[0]}'?)" if close else ""
                raise self.error("trường không được hỗ trợ" + hint, key)


def _count(number: int) -> str:
    words = {1: "một", 2: "hai", 3: "ba"}
    return words.get(number, str(number))
