"""Item analysis of graded attempts: facility, discrimination, flags, score distribution.

Discrimination is the upper-lower index: attempts that drew the question are ranked by
their percent (ties keep input order); the index is the mean share of points earned by the
top 27% minus that of the bottom 27% (each group at least one attempt; None below two
attempts). It ranges from -1 to 1; the total includes the item itself.
"""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from assessments.grading import AttemptResult, round_tenth
from assessments.model import QuestionResult, Quiz

FLAGS = ("nobody_correct", "everybody_correct", "negative_discrimination", "few_responses")
BUCKETS = 10


@dataclass(frozen=True)
class ItemStats:
    """Statistics of one question over the attempts that drew it."""

    question_id: str
    presented: int
    answered: int
    facility: float | None
    discrimination: float | None
    flags: tuple[str, ...]


@dataclass(frozen=True)
class ItemAnalysis:
    """Per-question statistics and the distribution of attempt percents."""

    attempt_count: int
    mean_percent: float | None
    median_percent: float | None
    distribution: tuple[int, ...]
    items: tuple[ItemStats, ...]

    def item(self, question_id: str) -> ItemStats:
        """Return one question's statistics (KeyError if the quiz has no such question)."""
        for item in self.items:
            if item.question_id == question_id:
                return item
        raise KeyError(question_id)


def _share(result: QuestionResult) -> float:
    return result.points / result.max_points if result.max_points > 0 else 0.0


def _discrimination(ranked: Sequence[tuple[AttemptResult, QuestionResult]]) -> float | None:
    count = len(ranked)
    if count < 2:
        return None
    group = max(1, (27 * count + 50) // 100)  # 27%, rounded half-up
    upper = [_share(result) for _, result in ranked[:group]]
    lower = [_share(result) for _, result in ranked[-group:]]
    return statistics.fmean(upper) - statistics.fmean(lower)


def _item(question_id: str, attempts: Sequence[AttemptResult], min_responses: int) -> ItemStats:
    seen = [
        (attempt, result)
        for attempt in attempts
        for result in attempt.results
        if result.question_id == question_id
    ]
    ranked = sorted(seen, key=lambda pair: -pair[0].percent)
    results = [result for _, result in seen]
    facility = statistics.fmean(_share(result) for result in results) if results else None
    discrimination = _discrimination(ranked)
    flags = []
    if results and not any(result.is_correct for result in results):
        flags.append("nobody_correct")
    if results and all(result.is_correct for result in results):
        flags.append("everybody_correct")
    if discrimination is not None and discrimination < 0:
        flags.append("negative_discrimination")
    if len(results) < min_responses:
        flags.append("few_responses")
    answered = sum(1 for result in results if result.status != "unanswered")
    return ItemStats(question_id, len(results), answered, facility, discrimination, tuple(flags))


def _bucket(percent: float) -> int:
    return min(BUCKETS - 1, max(0, int(percent // (100 / BUCKETS))))


def analyse_items(
    quiz: Quiz, attempts: Sequence[AttemptResult], *, min_responses: int = 10
) -> ItemAnalysis:
    """Analyse graded attempts; a question seen by fewer than min_responses is flagged."""
    distribution = [0] * BUCKETS
    for attempt in attempts:
        distribution[_bucket(attempt.percent)] += 1
    percents = [Decimal(repr(attempt.percent)) for attempt in attempts]
    mean = median = None
    if percents:
        mean = float(round_tenth(sum(percents, Decimal(0)) / len(percents)))
        median = float(round_tenth(statistics.median(percents)))
    items = tuple(_item(question.id, attempts, min_responses) for question in quiz.questions)
    return ItemAnalysis(len(attempts), mean, median, tuple(distribution), items)
