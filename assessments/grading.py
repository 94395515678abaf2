"""Grade questions and attempts."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from assessments.model import Question, QuestionResult, Quiz

_TENTH = Decimal("0.1")


def grade_question(question: Question, response: object) -> QuestionResult:
    """Grade one response (None = unanswered; junk is incorrect)."""
    return question.grade(response)


@dataclass(frozen=True)
class AttemptResult:
    """The grade of one attempt: score, percent (one decimal), pass, per-question results."""

    score: float
    max_score: float
    percent: float
    passed: bool
    results: tuple[QuestionResult, ...]

    def result(self, question_id: str) -> QuestionResult:
        """Return the result of one question (KeyError if it was not in the attempt)."""
        for result in self.results:
            if result.question_id == question_id:
                return result
        raise KeyError(question_id)

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-serialisable form."""
        return {
            "score": self.score,
            "max_score": self.max_score,
            "percent": self.percent,
            "passed": self.passed,
            "results": [result.to_dict() for result in self.results],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "AttemptResult":
        """Rebuild a result from to_dict() output (ValueError if malformed)."""
        try:
            return cls(
                float(data["score"]),
                float(data["max_score"]),
                float(data["percent"]),
                bool(data["passed"]),
                tuple(QuestionResult.from_dict(item) for item in data["results"]),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"malformed attempt result: {exc}") from exc


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value))


def percent_of(score: float | Decimal, max_score: float | Decimal) -> Decimal:
    """Return score / max_score as a percent rounded half-up to one decimal (0 when max is 0)."""
    score = score if isinstance(score, Decimal) else _decimal(score)
    max_score = max_score if isinstance(max_score, Decimal) else _decimal(max_score)
    if max_score <= 0:
        return Decimal(0)
    return round_tenth(score * 100 / max_score)


def round_tenth(value: Decimal) -> Decimal:
    """Round half-up to one decimal."""
    return value.quantize(_TENTH, rounding=ROUND_HALF_UP)


def grade_attempt(
    quiz: Quiz, question_ids: Sequence[str], responses: Mapping[str, object]
) -> AttemptResult:
    """Grade the questions an attempt drew (KeyError for an id not in the quiz)."""
    if len(set(question_ids)) != len(question_ids):
        raise ValueError("question_ids holds a duplicate")
    results = tuple(
        quiz.question(question_id).grade(responses.get(question_id)) for question_id in question_ids
    )
    score = sum((_decimal(result.points) for result in results), Decimal(0))
    max_score = sum((_decimal(result.max_points) for result in results), Decimal(0))
    percent = percent_of(score, max_score)
    passed = max_score > 0 and percent >= _decimal(quiz.policy.pass_percent)
    return AttemptResult(float(score), float(max_score), float(percent), passed, results)
