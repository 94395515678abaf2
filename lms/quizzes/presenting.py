"""What a learner sees of a question during an attempt, and reading their answers back.

Options travel as random per-attempt tokens, so neither the HTML nor the JSON of an open
attempt carries option ids, correctness, feedback or explanations."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from assessments import (
    AttemptLayout,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    Quiz,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)

MAX_TEXT_ANSWER = 500
Tokens = dict[str, dict[str, str]]  # question id -> {token: engine key}


@dataclass(frozen=True)
class ShownChoice:
    """A choice as shown: an opaque value and its text."""

    value: str
    text: str


@dataclass(frozen=True)
class ShownQuestion:
    """A question as a learner sees it while answering: no keys, no feedback."""

    number: int
    field: str
    type: str
    prompt: str
    points: float
    choices: tuple[ShownChoice, ...]
    lefts: tuple[ShownChoice, ...]
    answer: Any


def field_name(question_id: str) -> str:
    """Return the form field name of a question."""
    return f"q-{question_id}"


def _shown_keys(question: Question, layout: AttemptLayout) -> list[str]:
    if question.id in layout.option_orders:
        return list(layout.option_orders[question.id])
    if isinstance(question, TrueFalse):
        return [choice.key for choice in question.choices()]
    return []


def make_tokens(quiz: Quiz, layout: AttemptLayout) -> Tokens:
    """Return fresh random tokens for every choice of every drawn question."""
    tokens: Tokens = {}
    for question_id in layout.question_ids:
        keys = _shown_keys(quiz.question(question_id), layout)
        tokens[question_id] = {secrets.token_urlsafe(6): key for key in keys}
    return tokens


def _texts(question: Question) -> dict[str, str]:
    if isinstance(question, Matching):
        return {c.key: c.text for c in question.right_choices()}
    if hasattr(question, "choices"):
        return {c.key: c.text for c in question.choices()}
    return {}


def _to_tokens(question: Question, by_key: Mapping[str, str], response: Any) -> Any:
    if response is None:
        return None
    if isinstance(question, SingleChoice | TrueFalse):
        key = "true" if response is True else "false" if response is False else str(response)
        return by_key.get(key)
    if isinstance(question, MultipleChoice):
        return [by_key[k] for k in response if k in by_key]
    if isinstance(question, Matching):
        return {left: by_key.get(right) for left, right in response.items()}
    if isinstance(question, Ordering):
        return {by_key[k]: position for position, k in enumerate(response, start=1) if k in by_key}
    return response


def show_questions(
    quiz: Quiz, layout: AttemptLayout, tokens: Tokens, answers: Mapping[str, Any]
) -> list[ShownQuestion]:
    """Return the drawn questions in their attempt order, with saved answers as tokens."""
    shown = []
    for number, question_id in enumerate(layout.question_ids, start=1):
        question = quiz.question(question_id)
        question_tokens = tokens.get(question_id, {})
        by_key = {key: token for token, key in question_tokens.items()}
        texts = _texts(question)
        choices = tuple(ShownChoice(token, texts[key]) for token, key in question_tokens.items())
        lefts = (
            tuple(ShownChoice(c.key, c.text) for c in question.left_items())
            if isinstance(question, Matching)
            else ()
        )
        shown.append(
            ShownQuestion(
                number=number,
                field=field_name(question_id),
                type=question.type,
                prompt=question.prompt,
                points=question.points,
                choices=choices,
                lefts=lefts,
                answer=_to_tokens(question, by_key, answers.get(question_id)),
            )
        )
    return shown


def _read_one(question: Question, tokens: Mapping[str, str], form: MultiDict[str, str]) -> Any:
    name = field_name(question.id)
    if isinstance(question, SingleChoice | TrueFalse):
        key = tokens.get(form.get(name, ""))
        if isinstance(question, TrueFalse) and key is not None:
            return key == "true"
        return key
    if isinstance(question, MultipleChoice):
        keys = [tokens[t] for t in form.getlist(name) if t in tokens]
        return keys or None
    if isinstance(question, ShortAnswer | Numeric):
        value = form.get(name, "").strip()[:MAX_TEXT_ANSWER]
        return value or None
    if isinstance(question, Matching):
        mapping = {
            left.key: tokens[form[f"{name}-{left.key}"]]
            for left in question.left_items()
            if form.get(f"{name}-{left.key}") in tokens
        }
        return mapping or None
    if isinstance(question, Ordering):
        positions = []
        for token, key in tokens.items():
            raw = form.get(f"{name}-{token}", "")
            if raw.isdigit():
                positions.append((int(raw), key))
        return [key for _, key in sorted(positions)] or None
    return None


def read_answers(
    quiz: Quiz, layout: AttemptLayout, tokens: Tokens, form: MultiDict[str, str]
) -> dict[str, Any]:
    """Return the responses in a submitted form, for the questions the form carried."""
    present = set(form.getlist("present"))
    responses: dict[str, Any] = {}
    for question_id in layout.question_ids:
        if field_name(question_id) in present:
            question = quiz.question(question_id)
            responses[question_id] = _read_one(question, tokens.get(question_id, {}), form)
    return responses


def describe(question: Question, response: Any) -> str:
    """Return a response in words, for the review after submission."""
    if response is None:
        return ""
    if isinstance(question, TrueFalse):
        return {c.key: c.text for c in question.choices()}.get(
            "true" if response is True else "false" if response is False else str(response), ""
        )
    texts = _texts(question)
    if isinstance(question, SingleChoice):
        return texts.get(str(response), "")
    if isinstance(question, MultipleChoice):
        return "; ".join(texts.get(k, "") for k in response)
    if isinstance(question, Matching):
        lefts = {c.key: c.text for c in question.left_items()}
        return "; ".join(
            f"{lefts.get(left, '')} → {texts.get(right, '')}" for left, right in response.items()
        )
    if isinstance(question, Ordering):
        return " → ".join(texts.get(k, "") for k in response)
    return str(response)


def review_of(
    quiz: Quiz, policy: Mapping[str, Any], graded: Any, answers: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Return what a learner may review of a submitted attempt, question by question.

    Nothing unless the quiz's policy (snapshotted on the attempt) allows a full review; then
    each question with its result, the answer given and the right answer in words."""
    if policy.get("review", "full") != "full" or graded is None:
        return []
    review = []
    for question_result in graded.results:
        question = quiz.question(question_result.question_id)
        review.append(
            {
                "question": question,
                "result": question_result,
                "given": describe(question, answers.get(question.id)),
                "right": describe(question, question.correct_response()),
            }
        )
    return review
