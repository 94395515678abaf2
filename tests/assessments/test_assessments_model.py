"""Question model: validation, registry, renderer helpers, correct responses."""

import dataclasses
from typing import ClassVar

import pytest

from assessments import (
    Choice,
    Feedback,
    InvalidField,
    Matching,
    MultipleChoice,
    Numeric,
    Option,
    Ordering,
    Pair,
    QuestionRegistry,
    Quiz,
    QuizPolicy,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
    registry,
)

OPTIONS = (Option("a", "Có", True), Option("b", "Không"))


def test_registry_holds_the_seven_types_once():
    assert set(registry.codes()) == {
        "single_choice",
        "multiple_choice",
        "true_false",
        "short_answer",
        "numeric",
        "matching",
        "ordering",
    }
    assert registry.get("numeric") is Numeric


def test_registry_refuses_duplicates():
    with pytest.raises(ValueError, match="already registered"):
        registry.register(SingleChoice)

    @dataclasses.dataclass(frozen=True, kw_only=True)
    class OtherTrueFalse(TrueFalse):
        type: ClassVar[str] = "true_false"

    with pytest.raises(ValueError):
        registry.register(OtherTrueFalse)
    fresh = QuestionRegistry()
    fresh.register(OtherTrueFalse)
    assert fresh.get("true_false") is OtherTrueFalse
    assert "true_false" in fresh


def test_questions_are_frozen_and_hashable():
    question = SingleChoice(id="q1", prompt="?", options=list(OPTIONS))
    assert question.options == OPTIONS  # lists become tuples
    with pytest.raises(dataclasses.FrozenInstanceError):
        question.points = 5  # type: ignore[misc]
    assert hash(question) == hash(SingleChoice(id="q1", prompt="?", options=OPTIONS))
    assert question.points == 1.0 and isinstance(question.points, float)


@pytest.mark.parametrize(
    ("build", "field", "message"),
    [
        (lambda: SingleChoice(id="Q1", prompt="?", options=OPTIONS), "id", "chữ thường"),
        (lambda: SingleChoice(id="q", prompt=" ", options=OPTIONS), "prompt", "trống"),
        (
            lambda: SingleChoice(id="q", prompt="?", points=0, options=OPTIONS),
            "points",
            "lớn hơn 0",
        ),
        (
            lambda: SingleChoice(id="q", prompt="?", points=float("nan"), options=OPTIONS),
            "points",
            "số",
        ),
        (
            lambda: SingleChoice(id="q", prompt="?", options=(Option("a", "A"), Option("b", "B"))),
            "options",
            "đúng một phương án đúng (đang có 0)",
        ),
        (
            lambda: SingleChoice(id="q", prompt="?", options=(Option("a", "A", True),)),
            "options",
            "hai phương án",
        ),
        (
            lambda: SingleChoice(id="q", prompt="?", options=(*OPTIONS, Option("a", "Khác"))),
            "options",
            "mã phương án bị trùng",
        ),
        (
            lambda: MultipleChoice(
                id="q", prompt="?", options=(Option("a", "A"), Option("b", "B"))
            ),
            "options",
            "ít nhất một phương án đúng",
        ),
        (
            lambda: MultipleChoice(id="q", prompt="?", options=OPTIONS, scoring="most"),  # type: ignore[arg-type]
            "scoring",
            "all_or_nothing",
        ),
        (lambda: ShortAnswer(id="q", prompt="?", answers=()), "answers", "ít nhất một đáp án"),
        (lambda: Numeric(id="q", prompt="?", value=1, tolerance=-1), "tolerance", "lớn hơn"),
        (lambda: Matching(id="q", prompt="?", pairs=(Pair("a", "b"),)), "pairs", "hai cặp"),
        (
            lambda: Matching(id="q", prompt="?", pairs=(Pair("a", "x"), Pair("b", "x"))),
            "pairs",
            "vế phải bị trùng",
        ),
        (
            lambda: Matching(
                id="q", prompt="?", pairs=(Pair("a", "x"), Pair("b", "y")), distractors=("x",)
            ),
            "distractors",
            "vế phải bị trùng",
        ),
        (lambda: Ordering(id="q", prompt="?", items=("a",)), "items", "hai mục"),
        (lambda: Ordering(id="q", prompt="?", items=("a", "a")), "items", "bị trùng"),
        (lambda: TrueFalse(id="q", prompt="?", answer="yes"), "answer", "true hoặc false"),  # type: ignore[arg-type]
        (lambda: Feedback(), "feedback", "ít nhất một"),
        (lambda: QuizPolicy(pass_percent=101), "pass_percent", "0–100"),
        (lambda: QuizPolicy(draw=-1), "draw", "không được âm"),
        (lambda: QuizPolicy(review="all"), "review", "full, score"),  # type: ignore[arg-type]
    ],
)
def test_invalid_values_name_the_field(build, field, message):
    with pytest.raises(InvalidField) as caught:
        build()
    assert caught.value.field == field
    assert message in caught.value.message


def test_quiz_rules():
    question = SingleChoice(id="q1", prompt="?", options=OPTIONS)
    with pytest.raises(InvalidField, match="mã câu hỏi bị trùng"):
        Quiz("T", QuizPolicy(), (question, question))
    with pytest.raises(InvalidField, match="lớn hơn số câu hỏi"):
        Quiz("T", QuizPolicy(draw=2), (question,))
    with pytest.raises(InvalidField, match="ít nhất một câu hỏi"):
        Quiz("T", QuizPolicy(), ())
    quiz = Quiz("T", QuizPolicy(), [question])
    assert quiz.question("q1") is question
    with pytest.raises(KeyError):
        quiz.question("q2")


def test_renderer_helpers():
    single = SingleChoice(id="s", prompt="?", options=OPTIONS)
    assert single.choices() == (Choice("a", "Có"), Choice("b", "Không"))
    assert TrueFalse(id="t", prompt="?", answer=True).choices() == (
        Choice("true", "Đúng"),
        Choice("false", "Sai"),
    )
    matching = Matching(
        id="m",
        prompt="?",
        pairs=(Pair("Zalo", "Nhắn tin"), Pair("VNeID", "Định danh")),
        distractors=("Game",),
    )
    assert matching.left_items() == (Choice("0", "Zalo"), Choice("1", "VNeID"))
    assert matching.right_choices() == (
        Choice("0", "Nhắn tin"),
        Choice("1", "Định danh"),
        Choice("2", "Game"),
    )
    ordering = Ordering(id="o", prompt="?", items=("Mở", "Chọn"))
    assert ordering.choices() == (Choice("0", "Mở"), Choice("1", "Chọn"))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (SingleChoice(id="s", prompt="?", options=(Option("a", "A"), Option("b", "B", True))), "b"),
        (
            MultipleChoice(
                id="m",
                prompt="?",
                options=(Option("a", "A", True), Option("b", "B"), Option("c", "C", True)),
            ),
            ["a", "c"],
        ),
        (TrueFalse(id="t", prompt="?", answer=False), False),
        (ShortAnswer(id="a", prompt="?", answers=("Hà Nội", "HN")), "Hà Nội"),
        (Numeric(id="n", prompt="?", value=6), 6.0),
        (
            Matching(id="x", prompt="?", pairs=(Pair("a", "b"), Pair("c", "d"))),
            {"0": "0", "1": "1"},
        ),
        (Ordering(id="o", prompt="?", items=("a", "b", "c")), ["0", "1", "2"]),
    ],
)
def test_correct_response_earns_full_points(question, expected):
    assert question.correct_response() == expected
    assert question.grade(question.correct_response()).is_correct
