"""Attempt layouts: drawing, shuffling, the ordering rule, JSON round trip."""

import json
import random

import pytest

from assessments import (
    AttemptLayout,
    Matching,
    MultipleChoice,
    Numeric,
    Option,
    Ordering,
    Pair,
    Quiz,
    QuizPolicy,
    SingleChoice,
    build_layout,
)

QUESTIONS = (
    SingleChoice(
        id="s",
        prompt="?",
        options=tuple(Option(key, key.upper(), key == "a") for key in "abcde"),
    ),
    MultipleChoice(id="m", prompt="?", options=(Option("x", "X", True), Option("y", "Y"))),
    Numeric(id="n", prompt="?", value=1),
    Matching(id="p", prompt="?", pairs=(Pair("a", "1"), Pair("b", "2")), distractors=("3", "4")),
    Ordering(id="o", prompt="?", items=("1", "2")),
    Ordering(id="o5", prompt="?", items=("1", "2", "3", "4", "5")),
)


def quiz(**policy):
    return Quiz("T", QuizPolicy(**policy), QUESTIONS)


def test_no_shuffling_keeps_authored_order_except_ordering_items():
    for seed in range(30):
        layout = build_layout(
            quiz(shuffle_questions=False, shuffle_options=False), random.Random(seed)
        )
        assert layout.question_ids == ("s", "m", "n", "p", "o", "o5")
        assert layout.option_orders["s"] == ("a", "b", "c", "d", "e")
        assert layout.option_orders["p"] == ("0", "1", "2", "3")
        assert "n" not in layout.option_orders
        assert layout.option_orders["o"] == ("1", "0")
        assert layout.option_orders["o5"] != ("0", "1", "2", "3", "4")
        assert sorted(layout.option_orders["o5"]) == ["0", "1", "2", "3", "4"]


def test_shuffling_permutes_questions_and_options():
    layouts = [build_layout(quiz(), random.Random(seed)) for seed in range(40)]
    assert len({layout.question_ids for layout in layouts}) > 10
    assert len({layout.option_orders["s"] for layout in layouts}) > 10
    for layout in layouts:
        assert sorted(layout.question_ids) == sorted(q.id for q in QUESTIONS)
        for question in QUESTIONS:
            keys = question.layout_keys()
            if keys:
                assert sorted(layout.option_orders[question.id]) == sorted(keys)
        assert layout.option_orders["o"] == ("1", "0")


def test_same_seed_same_layout():
    assert build_layout(quiz(), random.Random(7)) == build_layout(quiz(), random.Random(7))


@pytest.mark.parametrize("shuffle", [True, False])
def test_draw_picks_that_many_distinct_questions(shuffle):
    seen = set()
    for seed in range(50):
        layout = build_layout(quiz(draw=3, shuffle_questions=shuffle), random.Random(seed))
        assert len(layout.question_ids) == len(set(layout.question_ids)) == 3
        assert set(layout.option_orders) <= set(layout.question_ids)
        if not shuffle:
            order = [q.id for q in QUESTIONS]
            assert list(layout.question_ids) == sorted(layout.question_ids, key=order.index)
        seen.update(layout.question_ids)
    assert seen == {q.id for q in QUESTIONS}


def test_layout_json_round_trip():
    layout = build_layout(quiz(draw=4), random.Random(3))
    data = json.loads(json.dumps(layout.to_dict()))
    assert AttemptLayout.from_dict(data) == layout


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"question_ids": "q1"},
        {"question_ids": [1]},
        {"question_ids": ["q1"], "option_orders": []},
        {"question_ids": ["q1"], "option_orders": {"q1": "ab"}},
    ],
)
def test_malformed_layout_is_refused(data):
    with pytest.raises(ValueError):
        AttemptLayout.from_dict(data)


def test_layout_is_immutable():
    layout = build_layout(quiz(), random.Random(1))
    with pytest.raises(TypeError):
        layout.option_orders["s"] = ()  # type: ignore[index]
