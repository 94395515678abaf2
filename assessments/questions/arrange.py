"""Arrangement questions: matching, ordering."""

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

from assessments.errors import InvalidField
from assessments.fields import FieldReader
from assessments.model import (
    SCORINGS,
    Choice,
    Pair,
    Question,
    QuestionResult,
    Scoring,
    check_scoring,
    check_text,
    check_unique,
)
from assessments.questions.common import as_key, is_blank
from assessments.registry import registry


def _credit(right: int, total: int, scoring: Scoring) -> Fraction:
    if scoring == "partial":
        return Fraction(right, total)
    return Fraction(int(right == total))


@registry.register
@dataclass(frozen=True, kw_only=True)
class Matching(Question):
    """Match each left item to its right item; distractors are extra right items."""

    type: ClassVar[str] = "matching"
    pairs: tuple[Pair, ...]
    distractors: tuple[str, ...] = ()
    scoring: Scoring = "all_or_nothing"

    def validate(self) -> None:
        object.__setattr__(self, "pairs", tuple(self.pairs))
        object.__setattr__(self, "distractors", tuple(self.distractors))
        if len(self.pairs) < 2 or not all(isinstance(pair, Pair) for pair in self.pairs):
            raise InvalidField("pairs", "cần ít nhất hai cặp")
        for distractor in self.distractors:
            check_text(distractor, "distractors")
        check_unique([pair.left for pair in self.pairs], "pairs", "vế trái")
        rights = [pair.right for pair in self.pairs]
        check_unique(rights, "pairs", "vế phải")
        check_unique(rights + list(self.distractors), "distractors", "vế phải")
        check_scoring(self.scoring)

    def left_items(self) -> tuple[Choice, ...]:
        """Return the left items keyed "0".."n-1" (pair index), in authored order."""
        return tuple(Choice(str(index), pair.left) for index, pair in enumerate(self.pairs))

    def right_choices(self) -> tuple[Choice, ...]:
        """Return the right items keyed "0".."m-1": the pairs' rights, then the distractors."""
        texts = [pair.right for pair in self.pairs] + list(self.distractors)
        return tuple(Choice(str(index), text) for index, text in enumerate(texts))

    def layout_keys(self) -> tuple[str, ...]:
        return tuple(choice.key for choice in self.right_choices())

    def grade(self, response: object) -> QuestionResult:
        """Grade a mapping left key -> right key; pair i is right when it maps "i" to "i"."""
        if is_blank(response):
            return self._unanswered()
        if not isinstance(response, Mapping):
            return self._result(Fraction(0))
        given = [as_key(response.get(str(index))) for index in range(len(self.pairs))]
        if not any(given):
            return self._unanswered()
        right = sum(1 for index, key in enumerate(given) if key == str(index))
        return self._result(_credit(right, len(self.pairs), self.scoring))

    def correct_response(self) -> dict[str, str]:
        """Return the mapping that matches every pair."""
        return {str(index): str(index) for index in range(len(self.pairs))}

    @classmethod
    def parse_fields(cls, reader: FieldReader) -> dict[str, Any]:
        pairs = []
        for item in reader.mapping_list("pairs", 2, "cặp"):
            pairs.append(item.build(Pair, left=item.text("left"), right=item.text("right")))
            item.finish()
        return {
            "pairs": tuple(pairs),
            "distractors": reader.text_list("distractors", 0, "mục"),
            "scoring": reader.choice("scoring", SCORINGS, "all_or_nothing"),
        }

    def type_fields(self) -> dict[str, object]:
        fields: dict[str, object] = {
            "scoring": self.scoring,
            "pairs": [{"left": pair.left, "right": pair.right} for pair in self.pairs],
        }
        if self.distractors:
            fields["distractors"] = list(self.distractors)
        return fields


@registry.register
@dataclass(frozen=True, kw_only=True)
class Ordering(Question):
    """Put items in the right order; the initial order is always shuffled."""

    type: ClassVar[str] = "ordering"
    always_shuffled: ClassVar[bool] = True
    items: tuple[str, ...]
    scoring: Scoring = "all_or_nothing"

    def validate(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))
        if len(self.items) < 2:
            raise InvalidField("items", "cần ít nhất hai mục")
        for item in self.items:
            check_text(item, "items")
        check_unique(list(self.items), "items", "mục")
        check_scoring(self.scoring)

    def choices(self) -> tuple[Choice, ...]:
        """Return the items keyed "0".."n-1", in the right order."""
        return tuple(Choice(str(index), item) for index, item in enumerate(self.items))

    def layout_keys(self) -> tuple[str, ...]:
        return tuple(str(index) for index in range(len(self.items)))

    def grade(self, response: object) -> QuestionResult:
        """Grade a list of item keys in the learner's order (partial: per position)."""
        if is_blank(response):
            return self._unanswered()
        if not isinstance(response, list | tuple):
            return self._result(Fraction(0))
        given = [as_key(key) for key in response]
        right = sum(1 for index, key in enumerate(given[: len(self.items)]) if key == str(index))
        if len(given) != len(self.items) and self.scoring == "all_or_nothing":
            right = 0
        return self._result(_credit(right, len(self.items), self.scoring))

    def correct_response(self) -> list[str]:
        """Return the item keys in the right order."""
        return list(self.layout_keys())

    @classmethod
    def parse_fields(cls, reader: FieldReader) -> dict[str, Any]:
        return {
            "items": reader.text_list("items", 2, "mục"),
            "scoring": reader.choice("scoring", SCORINGS, "all_or_nothing"),
        }

    def type_fields(self) -> dict[str, object]:
        return {"scoring": self.scoring, "items": list(self.items)}
