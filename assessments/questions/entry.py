"""Typed-answer questions: short_answer, numeric."""

import decimal
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, ClassVar

from assessments.errors import InvalidField
from assessments.fields import FieldReader
from assessments.model import Question, QuestionResult, as_float, check_text, plain_number
from assessments.questions.common import int_text, is_blank
from assessments.registry import registry
from assessments.text import normalise_answer

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?")
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-"})
# Wide exponent range so that no learner input can overflow; precision is plenty for marks.
_HUGE = 10**100
_CONTEXT = decimal.Context(prec=50, Emax=10**6, Emin=-(10**6), traps=[])


def parse_number(response: object) -> Decimal | None:
    """Return a response as a Decimal ("3,5" and "3.5" alike), or None if it is not a number."""
    if isinstance(response, bool):
        return None
    if isinstance(response, int):
        return Decimal(response) if abs(response) < _HUGE else None
    if isinstance(response, float):
        return Decimal(repr(response)) if math.isfinite(response) else None
    if not isinstance(response, str):
        return None
    text = response.strip().translate(_MINUS_SIGNS)
    if len(text) > 100 or not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text.replace(",", "."))
    except decimal.InvalidOperation:  # an exponent beyond what Decimal can hold
        return None


@registry.register
@dataclass(frozen=True, kw_only=True)
class ShortAnswer(Question):
    """Type a word or phrase; compared after NFC, case folding and whitespace collapsing."""

    type: ClassVar[str] = "short_answer"
    answers: tuple[str, ...]
    ignore_diacritics: bool = False

    def validate(self) -> None:
        object.__setattr__(self, "answers", tuple(self.answers))
        if not self.answers:
            raise InvalidField("answers", "cần ít nhất một đáp án")
        for answer in self.answers:
            check_text(answer, "answers")
        if not isinstance(self.ignore_diacritics, bool):
            raise InvalidField("ignore_diacritics", "phải là true hoặc false")

    def accepted(self) -> frozenset[str]:
        """Return the accepted answers in comparison form."""
        return frozenset(
            normalise_answer(answer, self.ignore_diacritics) for answer in self.answers
        )

    def grade(self, response: object) -> QuestionResult:
        """Grade a string (an integer is read as its digits)."""
        if is_blank(response):
            return self._unanswered()
        if isinstance(response, int):
            response = int_text(response)
        if not isinstance(response, str):
            return self._result(Fraction(0))
        given = normalise_answer(response, self.ignore_diacritics)
        return self._result(Fraction(int(given in self.accepted())))

    def correct_response(self) -> str:
        """Return the first accepted answer."""
        return self.answers[0]

    @classmethod
    def parse_fields(cls, reader: FieldReader) -> dict[str, Any]:
        return {
            "answers": reader.text_list("answers", 1, "đáp án"),
            "ignore_diacritics": reader.boolean("ignore_diacritics", False),
        }

    def type_fields(self) -> dict[str, object]:
        return {"answers": list(self.answers), "ignore_diacritics": self.ignore_diacritics}


@registry.register
@dataclass(frozen=True, kw_only=True)
class Numeric(Question):
    """Type a number; right when within the absolute tolerance of the value."""

    type: ClassVar[str] = "numeric"
    value: float
    tolerance: float = 0.0

    def validate(self) -> None:
        as_float(self, "value", minimum=-math.inf)
        as_float(self, "tolerance", minimum=0)

    def grade(self, response: object) -> QuestionResult:
        """Grade a number or numeric string; junk is incorrect."""
        if is_blank(response):
            return self._unanswered()
        number = parse_number(response)
        if number is None:
            return self._result(Fraction(0))
        distance = _CONTEXT.abs(_CONTEXT.subtract(number, Decimal(repr(self.value))))
        return self._result(Fraction(int(distance <= Decimal(repr(self.tolerance)))))

    def correct_response(self) -> float:
        """Return the value."""
        return self.value

    @classmethod
    def parse_fields(cls, reader: FieldReader) -> dict[str, Any]:
        return {"value": reader.number("value"), "tolerance": reader.number("tolerance", 0.0)}

    def type_fields(self) -> dict[str, object]:
        return {"value": plain_number(self.value), "tolerance": plain_number(self.tolerance)}
