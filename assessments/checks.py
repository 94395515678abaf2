"""Check that a quiz can be answered and passed (messages for course authors)."""

from collections.abc import Sequence
from decimal import Decimal

from assessments.grading import percent_of
from assessments.model import Question, Quiz
from assessments.questions import MultipleChoice, ShortAnswer
from assessments.text import normalise_answer


def _question_problems(question: Question) -> tuple[list[str], bool]:
    """Return a question's problems and whether its answer key earns full points."""
    label = f"câu hỏi '{question.id}'"
    try:
        result = question.grade(question.correct_response())
    except Exception as exc:  # a broken custom type must not stop the check
        return [f"{label}: chấm đáp án đúng bị lỗi ({exc})"], False
    problems = []
    full = result.is_correct and result.points == result.max_points
    if not full:
        problems.append(
            f"{label}: đáp án đúng chỉ được {result.points:g}/{result.max_points:g} điểm"
        )
    if isinstance(question, MultipleChoice) and len(question.correct_ids) == len(question.options):
        problems.append(f"{label}: mọi phương án đều đúng, chọn tất cả là được trọn điểm")
    if isinstance(question, ShortAnswer):
        forms = [
            normalise_answer(answer, question.ignore_diacritics) for answer in question.answers
        ]
        if len(set(forms)) < len(forms):
            problems.append(f"{label}: có đáp án trùng nhau sau khi chuẩn hoá")
    return problems, full


def _extreme_percent(good: Sequence[float], bad: Sequence[float], draw: int, best: bool) -> Decimal:
    """Return the best (or worst) percent a perfect learner can reach over all draws."""
    good = sorted(good, reverse=best)
    bad = sorted(bad, reverse=not best)
    outcomes = []
    for bad_count in range(max(0, draw - len(good)), min(draw, len(bad)) + 1):
        earned = sum(good[: draw - bad_count])
        outcomes.append(percent_of(earned, earned + sum(bad[:bad_count])))
    return max(outcomes) if best else min(outcomes)


def check_answerable(quiz: Quiz) -> list[str]:
    """Return problems: answer keys that do not earn full points, a quiz nobody can pass, ..."""
    problems: list[str] = []
    good: list[float] = []
    bad: list[float] = []
    for question in quiz.questions:
        found, full = _question_problems(question)
        problems.extend(found)
        (good if full else bad).append(question.points)
    policy = quiz.policy
    draw = policy.draw or len(quiz.questions)
    needed = Decimal(repr(policy.pass_percent))
    if bad:
        if _extreme_percent(good, bad, draw, best=True) < needed:
            problems.append(
                f"không ai có thể đạt: điểm đạt {policy.pass_percent:g}% cao hơn mức tối đa "
                "có thể đạt được khi trả lời đúng mọi câu"
            )
        elif _extreme_percent(good, bad, draw, best=False) < needed:
            problems.append(
                "có lượt làm bài không thể đạt: một số bộ câu hỏi rút ra có quá nhiều câu "
                "không chấm đúng được"
            )
    if policy.pass_percent == 0:
        problems.append("điểm đạt là 0%: ai cũng đạt, kể cả khi không trả lời câu nào")
    return problems
