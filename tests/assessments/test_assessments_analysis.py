"""Item analysis on a small dataset computed by hand (see the table in the comments)."""

import pytest

from assessments import (
    MultipleChoice,
    Option,
    Quiz,
    QuizPolicy,
    SingleChoice,
    analyse_items,
    grade_attempt,
)


def single(question_id):
    return SingleChoice(
        id=question_id, prompt="?", options=(Option("a", "Đúng", True), Option("b", "Sai"))
    )


QUIZ = Quiz(
    "Phân tích",
    QuizPolicy(),
    (
        single("q1"),
        single("q2"),
        MultipleChoice(
            id="q3",
            prompt="?",
            scoring="partial",
            options=(Option("a", "A", True), Option("b", "B", True), Option("c", "C")),
        ),
        single("q4"),
        single("q5"),
        single("q6"),  # never drawn
    ),
)

# attempt  q1  q2   q3   q4  q5   score     percent
# A        1   1    1    0   -    3/4       75.0
# B        1   0    0.5  1   -    2.5/4     62.5
# C        1   (un) 1    0   -    2/4       50.0
# D        1   0    0    1   -    2/4       50.0
# E        1   0    (un) 1   0    2/5       40.0
# F        1   1    -    -   0    2/3       66.7
ATTEMPTS = [
    (["q1", "q2", "q3", "q4"], {"q1": "a", "q2": "a", "q3": ["a", "b"], "q4": "b"}),
    (["q1", "q2", "q3", "q4"], {"q1": "a", "q2": "b", "q3": ["a"], "q4": "a"}),
    (["q1", "q2", "q3", "q4"], {"q1": "a", "q3": ["a", "b"], "q4": "b"}),
    (["q1", "q2", "q3", "q4"], {"q1": "a", "q2": "b", "q3": ["c"], "q4": "a"}),
    (["q1", "q2", "q3", "q4", "q5"], {"q1": "a", "q2": "b", "q4": "a", "q5": "b"}),
    (["q1", "q2", "q5"], {"q1": "a", "q2": "a", "q5": "b"}),
]


@pytest.fixture(scope="module")
def results():
    return [grade_attempt(QUIZ, ids, responses) for ids, responses in ATTEMPTS]


def test_dataset_is_as_tabled(results):
    assert [r.percent for r in results] == [75.0, 62.5, 50.0, 50.0, 40.0, 66.7]


def test_attempt_figures(results):
    analysis = analyse_items(QUIZ, results)
    assert analysis.attempt_count == 6
    assert analysis.mean_percent == 57.4  # 344.2 / 6 = 57.367
    assert analysis.median_percent == 56.3  # (50 + 62.5) / 2 = 56.25, half-up
    assert analysis.distribution == (0, 0, 0, 0, 1, 2, 2, 1, 0, 0)


# Ranked by percent: A 75, F 66.7, B 62.5, C 50, D 50, E 40 (ties keep input order).
# Groups are 27% of the attempts that drew the item, rounded: 6 -> 2, 5 -> 1, 2 -> 1.
EXPECTED = {
    # id: (presented, answered, facility, discrimination, flags)
    "q1": (6, 6, 1.0, 0.0, ("everybody_correct", "few_responses")),  # [A,F] - [D,E] = 1 - 1
    "q2": (6, 5, 2 / 6, 1.0, ("few_responses",)),  # [A,F] = 1, [D,E] = 0
    "q3": (5, 4, 0.5, 1.0, ("few_responses",)),  # A = 1, E = 0
    "q4": (5, 5, 0.6, -1.0, ("negative_discrimination", "few_responses")),  # A = 0, E = 1
    "q5": (2, 2, 0.0, 0.0, ("nobody_correct", "few_responses")),  # F = 0, E = 0
    "q6": (0, 0, None, None, ("few_responses",)),
}


@pytest.mark.parametrize("question_id", sorted(EXPECTED))
def test_item_statistics(results, question_id):
    presented, answered, facility, discrimination, flags = EXPECTED[question_id]
    item = analyse_items(QUIZ, results).item(question_id)
    assert (item.presented, item.answered, item.flags) == (presented, answered, flags)
    assert item.facility == pytest.approx(facility)
    assert item.discrimination == pytest.approx(discrimination)


def test_min_responses_threshold(results):
    analysis = analyse_items(QUIZ, results, min_responses=5)
    assert "few_responses" not in analysis.item("q3").flags
    assert "few_responses" in analysis.item("q5").flags


def test_no_attempts():
    analysis = analyse_items(QUIZ, [])
    assert (analysis.attempt_count, analysis.mean_percent, analysis.median_percent) == (
        0,
        None,
        None,
    )
    assert analysis.distribution == (0,) * 10
    assert [item.question_id for item in analysis.items] == ["q1", "q2", "q3", "q4", "q5", "q6"]
    with pytest.raises(KeyError):
        analysis.item("q9")


def test_results_of_removed_questions_are_ignored(results):
    smaller = Quiz("Phân tích", QuizPolicy(), (single("q1"),))
    analysis = analyse_items(smaller, results)
    assert [item.question_id for item in analysis.items] == ["q1"]
    assert analysis.attempt_count == 6
