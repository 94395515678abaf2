"""check_answerable: answer keys that do not earn full points, quizzes nobody can pass."""

import dataclasses
from typing import ClassVar

from assessments import (
    MultipleChoice,
    Option,
    Quiz,
    QuizPolicy,
    ShortAnswer,
    SingleChoice,
    check_answerable,
)


def good(question_id, points=1.0):
    return SingleChoice(
        id=question_id,
        prompt="?",
        points=points,
        options=(Option("a", "A", True), Option("b", "B")),
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class WrongKey(SingleChoice):
    """A faulty custom type whose answer key is not the right answer."""

    type: ClassVar[str] = "wrong_key"

    def correct_response(self) -> str:
        return "b"


@dataclasses.dataclass(frozen=True, kw_only=True)
class Crashing(SingleChoice):
    """A faulty custom type whose grader raises."""

    type: ClassVar[str] = "crashing"

    def grade(self, response):
        raise RuntimeError("hỏng")


def bad(question_id, points=1.0):
    return WrongKey(
        id=question_id,
        prompt="?",
        points=points,
        options=(Option("a", "A", True), Option("b", "B")),
    )


def test_a_sound_quiz_has_no_problems():
    assert check_answerable(Quiz("T", QuizPolicy(), (good("q1"), good("q2")))) == []


def test_answer_key_that_does_not_earn_full_points():
    problems = check_answerable(Quiz("T", QuizPolicy(pass_percent=50), (good("q1"), bad("q2"))))
    assert problems == ["câu hỏi 'q2': đáp án đúng chỉ được 0/1 điểm"]


def test_nobody_can_pass():
    quiz = Quiz("T", QuizPolicy(pass_percent=70), (good("q1"), bad("q2", points=3)))
    assert check_answerable(quiz)[-1].startswith("không ai có thể đạt: điểm đạt 70%")


def test_some_draws_cannot_be_passed():
    quiz = Quiz("T", QuizPolicy(draw=2), (good("q1"), good("q2"), good("q3"), bad("q4")))
    assert check_answerable(quiz)[-1].startswith("có lượt làm bài không thể đạt")
    everyone = Quiz("T", QuizPolicy(draw=2, pass_percent=50), quiz.questions)
    assert len(check_answerable(everyone)) == 1  # only the faulty key


def test_zero_pass_mark_and_weak_questions():
    questions = (
        MultipleChoice(
            id="m", prompt="?", options=(Option("a", "A", True), Option("b", "B", True))
        ),
        ShortAnswer(id="s", prompt="?", answers=("Hà Nội", "hà  nội")),
        Crashing(id="c", prompt="?", options=(Option("a", "A", True), Option("b", "B"))),
    )
    problems = check_answerable(Quiz("T", QuizPolicy(pass_percent=0), questions))
    assert problems == [
        "câu hỏi 'm': mọi phương án đều đúng, chọn tất cả là được trọn điểm",
        "câu hỏi 's': có đáp án trùng nhau sau khi chuẩn hoá",
        "câu hỏi 'c': chấm đáp án đúng bị lỗi (hỏng)",
        "điểm đạt là 0%: ai cũng đạt, kể cả khi không trả lời câu nào",
    ]
