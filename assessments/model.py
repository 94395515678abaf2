"""Define the quiz model: policy, questions' shared base, results."""

import math
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast, get_args

from assessments.errors import InvalidField

if TYPE_CHECKING:
    from assessments.fields import FieldReader

Status = Literal["correct", "partial", "incorrect", "unanswered"]
AttemptCounts = Literal["best", "last"]
Review = Literal["full", "score"]
Scoring = Literal["all_or_nothing", "partial"]

ID_PATTERN = re.compile(r"[a-z0-9_-]+")
SCORINGS: tuple[str, ...] = get_args(Scoring)


def check_id(value: object, field_name: str) -> None:
    """Raise InvalidField unless value is a valid id ([a-z0-9_-]+)."""
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise InvalidField(field_name, "mã chỉ được gồm chữ thường a-z, chữ số, '_' và '-'")


def check_text(value: object, field_name: str) -> None:
    """Raise InvalidField unless value is a non-blank string."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidField(field_name, "không được để trống")


def check_optional_text(value: object, field_name: str) -> None:
    """Raise InvalidField unless value is None or a non-blank string."""
    if value is not None:
        check_text(value, field_name)


def check_unique(values: Sequence[str], field_name: str, what: str) -> None:
    """Raise InvalidField if values holds a duplicate."""
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise InvalidField(field_name, f"{what} bị trùng: '{value}'")
        seen.add(value)


def check_scoring(value: object) -> None:
    """Raise InvalidField unless value is a known scoring mode."""
    if value not in SCORINGS:
        raise InvalidField("scoring", "phải là một trong: " + ", ".join(SCORINGS))


def as_float(owner: object, name: str, *, minimum: float, strict: bool = False) -> None:
    """Store attribute `name` of a frozen dataclass as a finite float >= (or >) minimum."""
    value = getattr(owner, name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidField(name, "phải là một số")
    if value < minimum or (strict and value == minimum):
        raise InvalidField(name, f"phải {'lớn hơn' if strict else 'lớn hơn hoặc bằng'} {minimum:g}")
    object.__setattr__(owner, name, float(value))


@dataclass(frozen=True)
class Feedback:
    """Feedback shown after grading, per outcome (partial falls back to incorrect)."""

    correct: str | None = None
    incorrect: str | None = None
    partial: str | None = None

    def __post_init__(self) -> None:
        for name in ("correct", "incorrect", "partial"):
            check_optional_text(getattr(self, name), f"feedback.{name}")
        if self.correct is None and self.incorrect is None and self.partial is None:
            raise InvalidField("feedback", "cần ít nhất một lời nhận xét")

    @classmethod
    def same(cls, text: str) -> "Feedback":
        """Return feedback with the same text for every outcome."""
        return cls(text, text, text)

    def for_status(self, status: Status) -> str | None:
        """Return the text for an outcome; unanswered gets the incorrect text."""
        if status == "correct":
            return self.correct
        if status == "partial" and self.partial is not None:
            return self.partial
        return self.incorrect


@dataclass(frozen=True)
class Option:
    """One option of a choice question."""

    id: str
    text: str
    correct: bool = False
    feedback: str | None = None

    def __post_init__(self) -> None:
        check_id(self.id, "options.id")
        check_text(self.text, "options.text")
        if not isinstance(self.correct, bool):
            raise InvalidField("options.correct", "phải là true hoặc false")
        check_optional_text(self.feedback, "options.feedback")


@dataclass(frozen=True)
class Pair:
    """One left/right pair of a matching question."""

    left: str
    right: str

    def __post_init__(self) -> None:
        check_text(self.left, "pairs.left")
        check_text(self.right, "pairs.right")


@dataclass(frozen=True)
class Choice:
    """Something a renderer shows: the key a response uses and its text."""

    key: str
    text: str


@dataclass(frozen=True)
class QuestionResult:
    """The grade of one question in one attempt."""

    question_id: str
    points: float
    max_points: float
    status: Status
    feedback: str | None = None

    @property
    def is_correct(self) -> bool:
        """Return whether the question earned full points."""
        return self.status == "correct"

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-serialisable form."""
        return {
            "question_id": self.question_id,
            "points": self.points,
            "max_points": self.max_points,
            "status": self.status,
            "feedback": self.feedback,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "QuestionResult":
        """Rebuild a result from to_dict() output (ValueError if malformed)."""
        try:
            status = data["status"]
            if status not in get_args(Status):
                raise ValueError(f"unknown status {status!r}")
            feedback = data.get("feedback")
            return cls(
                str(data["question_id"]),
                float(data["points"]),
                float(data["max_points"]),
                cast(Status, status),
                None if feedback is None else str(feedback),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"malformed question result: {exc}") from exc


def _join(parts: Sequence[str | None]) -> str | None:
    texts = [part for part in parts if part]
    return "\n".join(texts) if texts else None


@dataclass(frozen=True, kw_only=True)
class Question(ABC):
    """Fields and behaviour shared by every question type."""

    type: ClassVar[str] = ""
    always_shuffled: ClassVar[bool] = False

    id: str
    prompt: str
    points: float = 1.0
    competence: str | None = None
    feedback: Feedback | None = None
    explanation: str | None = None

    def __post_init__(self) -> None:
        check_id(self.id, "id")
        check_text(self.prompt, "prompt")
        as_float(self, "points", minimum=0, strict=True)
        check_optional_text(self.competence, "competence")
        if self.feedback is not None and not isinstance(self.feedback, Feedback):
            raise InvalidField("feedback", "phải là Feedback")
        check_optional_text(self.explanation, "explanation")
        self.validate()

    def validate(self) -> None:  # noqa: B027 - an optional hook, not an abstract method
        """Check the type's own fields; raise InvalidField."""

    @abstractmethod
    def grade(self, response: object) -> QuestionResult:
        """Grade a response (any JSON value; junk is incorrect, never an exception)."""

    @abstractmethod
    def correct_response(self) -> object:
        """Return a response, in response shape, that earns full points."""

    def layout_keys(self) -> tuple[str, ...]:
        """Return the keys whose display order an attempt layout records (may be empty)."""
        return ()

    @classmethod
    @abstractmethod
    def parse_fields(cls, reader: "FieldReader") -> dict[str, Any]:
        """Read the type's own fields from a quiz-file mapping."""

    @abstractmethod
    def type_fields(self) -> dict[str, object]:
        """Return the type's own fields in quiz-file form."""

    def _result(self, credit: Fraction, notes: Sequence[str | None] = ()) -> QuestionResult:
        status: Status = "correct" if credit >= 1 else "incorrect" if credit <= 0 else "partial"
        points = {"correct": self.points, "incorrect": 0.0}.get(status)
        if points is None:
            points = self.points * float(credit)
        outcome = self.feedback.for_status(status) if self.feedback else None
        return QuestionResult(self.id, points, self.points, status, _join([*notes, outcome]))

    def _unanswered(self) -> QuestionResult:
        outcome = self.feedback.for_status("unanswered") if self.feedback else None
        return QuestionResult(self.id, 0.0, self.points, "unanswered", outcome)


@dataclass(frozen=True)
class QuizPolicy:
    """Quiz settings; snapshot them with each attempt."""

    pass_percent: float = 70
    max_attempts: int = 0
    time_limit_minutes: int = 0
    shuffle_questions: bool = True
    shuffle_options: bool = True
    draw: int = 0
    attempt_counts: AttemptCounts = "best"
    review: Review = "full"

    def __post_init__(self) -> None:
        as_float(self, "pass_percent", minimum=0)
        if self.pass_percent > 100:
            raise InvalidField("pass_percent", "phải nằm trong khoảng 0–100")
        for name in ("max_attempts", "time_limit_minutes", "draw"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidField(name, "phải là số nguyên")
            if value < 0:
                raise InvalidField(name, "không được âm")
        for name in ("shuffle_questions", "shuffle_options"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidField(name, "phải là true hoặc false")
        if self.attempt_counts not in get_args(AttemptCounts):
            raise InvalidField("attempt_counts", "phải là một trong: best, last")
        if self.review not in get_args(Review):
            raise InvalidField("review", "phải là một trong: full, score")


@dataclass(frozen=True)
class Quiz:
    """A quiz: title, policy and its pool of questions."""

    title: str
    policy: QuizPolicy
    questions: tuple[Question, ...]
    _by_id: Mapping[str, Question] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_text(self.title, "title")
        if not isinstance(self.policy, QuizPolicy):
            raise InvalidField("policy", "phải là QuizPolicy")
        object.__setattr__(self, "questions", tuple(self.questions))
        if not self.questions:
            raise InvalidField("questions", "bài kiểm tra cần ít nhất một câu hỏi")
        check_unique([question.id for question in self.questions], "questions", "mã câu hỏi")
        if self.policy.draw > len(self.questions):
            raise InvalidField(
                "draw",
                f"số câu rút ({self.policy.draw}) lớn hơn số câu hỏi ({len(self.questions)})",
            )
        object.__setattr__(self, "_by_id", {question.id: question for question in self.questions})

    def question(self, question_id: str) -> Question:
        """Return the question with this id (KeyError if absent)."""
        return self._by_id[question_id]


def plain_number(value: float) -> int | float:
    """Return an integral float as an int (so files read "points: 2", not "2.0")."""
    if value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value
