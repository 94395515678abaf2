"""Property tests: marks stay in bounds, layouts never change grades, formats round-trip."""

import json
import random

import yaml
from assessments_strategies import QUESTION_TYPES, json_values, key_responses, quiz_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import (
    build_layout,
    grade_attempt,
    parse_gift,
    parse_quiz,
    quiz_to_dict,
    write_gift,
)
from assessments.yamlsource import load_yaml

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GIFT_TYPES = tuple(code for code in QUESTION_TYPES if code != "ordering")


@SETTINGS
@given(quiz_data(), st.data())
def test_points_stay_between_zero_and_max(data, draw):
    quiz = parse_quiz(data)
    for question in quiz.questions:
        responses = [draw.draw(json_values), draw.draw(key_responses(question.layout_keys()))]
        for response in responses:
            result = question.grade(response)
            assert result.max_points == question.points
            assert 0 <= result.points <= result.max_points
            assert (result.status == "correct") == (result.points == result.max_points)
            if result.status in ("incorrect", "unanswered"):
                assert result.points == 0
        assert question.grade(question.correct_response()).is_correct
        assert question.grade(None).status == "unanswered"


@SETTINGS
@given(quiz_data(), st.data(), st.integers(0, 2**32), st.integers(0, 2**32))
def test_layout_never_changes_a_grade(data, draw, seed_one, seed_two):
    quiz = parse_quiz({**data, "draw": 0})
    responses = {
        question.id: draw.draw(key_responses(question.layout_keys())) for question in quiz.questions
    }
    first = build_layout(quiz, random.Random(seed_one))
    second = build_layout(quiz, random.Random(seed_two))
    graded_one = grade_attempt(quiz, first.question_ids, responses)
    graded_two = grade_attempt(quiz, second.question_ids, responses)
    assert (graded_one.score, graded_one.percent) == (graded_two.score, graded_two.percent)
    assert sorted(graded_one.results, key=lambda r: r.question_id) == sorted(
        graded_two.results, key=lambda r: r.question_id
    )
    perfect = {question.id: question.correct_response() for question in quiz.questions}
    assert grade_attempt(quiz, first.question_ids, perfect).percent == 100.0
    for layout in (first, second):
        for question in quiz.questions:
            keys = question.layout_keys()
            if keys:
                assert sorted(layout.option_orders[question.id]) == sorted(keys)
            if question.always_shuffled:
                assert layout.option_orders[question.id] != keys


@SETTINGS
@given(quiz_data(), st.integers(0, 2**32))
def test_drawn_layouts_hold_draw_questions(data, seed):
    quiz = parse_quiz(data)
    layout = build_layout(quiz, random.Random(seed))
    expected = quiz.policy.draw or len(quiz.questions)
    assert len(set(layout.question_ids)) == len(layout.question_ids) == expected
    assert set(layout.option_orders) <= set(layout.question_ids)


@SETTINGS
@given(quiz_data())
def test_canonical_form_round_trips(data):
    quiz = parse_quiz(data)
    canonical = quiz_to_dict(quiz)
    assert parse_quiz(canonical) == quiz
    assert parse_quiz(json.loads(json.dumps(canonical))) == quiz
    document, _ = load_yaml(yaml.safe_dump(canonical, allow_unicode=True), "x.quiz.yaml")
    assert parse_quiz(document) == quiz


@SETTINGS
@given(quiz_data(codes=GIFT_TYPES, max_questions=4))
def test_gift_round_trip(data):
    questions = parse_quiz(data).questions
    exported = write_gift(questions)
    assert parse_gift(exported.text).questions == questions


@SETTINGS
@given(quiz_data(max_questions=4))
def test_gift_skips_only_ordering(data):
    questions = parse_quiz(data).questions
    exported = write_gift(questions)
    imported = parse_gift(exported.text)
    kept = tuple(question for question in questions if question.type != "ordering")
    assert imported.questions == kept
    skipped = [w for w in exported.warnings if "không có dạng GIFT" in w]
    assert len(skipped) == len(questions) - len(kept)
