"""Choice questions: single_choice, multiple_choice, true_false."""

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

from assessments.errors import InvalidField
from assessments.fields import FieldReader
from assessments.model import (
    SCORINGS,
    Choice,
    Option,
    Question,
    QuestionResult,
    Scoring,
    check_scoring,
)
from assessments.questions.common import check_options, is_blank, options_to_list, read_options
from assessments.registry import registry


@dataclass(frozen=True, kw_only=True)
class _ChoiceQuestion(Question):
    """Options shared by single and multiple choice."""

    options: tuple[Option, ...]

    def validate(self) -> None:
        object.__setattr__(self, "options", tuple(self.options))
        check_options(self.options)

    def choices(self) -> tuple[Choice, ...]:
        """Return the options as (key = option id, text), in authored order."""
        return tuple(Choice(option.id, option.text) for option in self.options)

    def layout_keys(self) -> tuple[str, ...]:
        return tuple(option.id for option in self.options)

    def option(self, option_id: str) -> Option | None:
        """Return the option with this id, or None."""
        return next((option for option in self.options if option.id == option_id), None)

    @property
    def correct_ids(self) -> tuple[str, ...]:
        """Return the ids of the correct options, in authored order."""
        return tuple(option.id for option in self.options if option.correct)


@registry.register
@dataclass(frozen=True, kw_only=True)
class SingleChoice(_ChoiceQuestion):
    """Pick the one correct option; full points or nothing."""

    type: ClassVar[str] = "single_choice"

    def validate(self) -> None:
        super().validate()
        count = len(self.correct_ids)
        if count != 1:
            raise InvalidField("options", f"cần đúng một phương án đúng (đang có {count})")

    def grade(self, response: object) -> QuestionResult:
        """Grade an option id."""
        if is_blank(response):
            return self._unanswered()
        picked = self.option(response.strip()) if isinstance(response, str) else None
        if picked is None:
            return self._result(Fraction(0))
        return self._result(Fraction(int(picked.correct)), [picked.feedback])

    def correct_response(self) -> str:
        """Return the correct option id."""
        return self.correct_ids[0]

    @classmethod
    def parse_fields(cls, reader: FieldReader) -> dict[str, Any]:
        return {"options": read_options(reader)}

    def type_fields(self) -> dict[str, object]:
        return {"options": options_to_list(self.options)}


@registry.register
@dataclass(frozen=True, kw_only=True)
class MultipleChoice(_ChoiceQuestion):
    """Pick every correct option; all-or-nothing or partial credit."""

    type: ClassVar[str] = "multiple_choice"
    scoring: Scoring = "all_or_nothing"

    def validate(self) -> None:
        super().validate()
        check_scoring(self.scoring)
        if not self.correct_ids:
            raise InvalidField("options", "cần ít nhất một phương án đúng")

    def grade(self, response: object) -> QuestionResult:
        """Grade a list of option ids (a lone id string is accepted)."""
        if is_blank(response):
            return self._unanswered()
        if isinstance(response, str):
            response = [response]
        if not isinstance(response, list | tuple):
            return self._result(Fraction(0))
        picked = {item.strip() for item in response if isinstance(item, str) and item.strip()}
        junk = sum(1 for item in response if not isinstance(item, str))
        correct = set(self.correct_ids)
        right = len(picked & correct)
        wrong = len(picked - correct) + junk
        if not picked and not junk:
            return self._unanswered()
        if self.scoring == "partial":
            credit = max(Fraction(0), Fraction(right - wrong, len(correct)))
        else:
            credit = Fraction(int(right == len(correct) and wrong == 0))
        notes = [option.feedback for option in self.options if option.id in picked]
        return self._result(credit, notes)

    def correct_response(self) -> list[str]:
        """Return the correct option ids."""
        return list(self.correct_ids)

    @classmethod
    def parse_fields(cls, reader: FieldReader) -> dict[str, Any]:
        return {
            "options": read_options(reader),
            "scoring": reader.choice("scoring", SCORINGS, "all_or_nothing"),
        }

    def type_fields(self) -> dict[str, object]:
        return {"scoring": self.scoring, "options": options_to_list(self.options)}


TRUE_FALSE_CHOICES = (Choice("true", "Đúng"), Choice("false", "Sai"))


@registry.register
@dataclass(frozen=True, kw_only=True)
class TrueFalse(Question):
    """Decide whether a statement is true; full points or nothing."""

    type: ClassVar[str] = "true_false"
    answer: bool

    def validate(self) -> None:
        if not isinstance(self.answer, bool):
            raise InvalidField("answer", "phải là true hoặc false")

    def grade(self, response: object) -> QuestionResult:
        """Grade a bool, or the strings "true"/"false"."""
        if is_blank(response):
            return self._unanswered()
        if isinstance(response, str):
            response = {"true": True, "false": False}.get(response.strip().lower())
        if not isinstance(response, bool):
            return self._result(Fraction(0))
        return self._result(Fraction(int(response == self.answer)))

    def correct_response(self) -> bool:
        """Return the right answer."""
        return self.answer

    def choices(self) -> tuple[Choice, ...]:
        """Return the two choices (keys "true"/"false", Vietnamese labels)."""
        return TRUE_FALSE_CHOICES

    @classmethod
    def parse_fields(cls, reader: FieldReader) -> dict[str, Any]:
        if reader.raw("answer") is None:
            raise reader.error("thiếu trường bắt buộc", "answer")
        return {"answer": reader.boolean("answer", False)}

    def type_fields(self) -> dict[str, object]:
        return {"answer": self.answer}
