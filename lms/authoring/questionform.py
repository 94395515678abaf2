"""The question editor's form: reading it into the quiz-file mapping, and back.

The mapping is then checked by the quiz engine (lms.authoring.bank.validate_question), so the
editor needs no rules of its own about question types."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lms.core.text import nfc

BLANK_ROWS = 2  # empty rows shown under a list, so one more option can be typed at once
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


@dataclass
class QuestionForm:
    """What the editor shows: the common fields and the rows of the type's lists."""

    type: str
    id: str = ""
    prompt: str = ""
    points: str = "1"
    competence: str = ""
    explanation: str = ""
    feedback_correct: str = ""
    feedback_incorrect: str = ""
    feedback_partial: str = ""
    scoring: str = "all_or_nothing"
    options: list[dict[str, Any]] = field(default_factory=list)  # id, text, correct, feedback
    answer: str = "true"
    answers: str = ""
    ignore_diacritics: bool = False
    value: str = ""
    tolerance: str = "0"
    pairs: list[dict[str, str]] = field(default_factory=list)
    distractors: str = ""
    items: str = ""

    def padded(self) -> QuestionForm:
        """Return the form with blank rows added for typing more options or pairs."""
        self.options = [
            *self.options,
            *({"id": "", "text": "", "correct": False, "feedback": ""} for _ in range(BLANK_ROWS)),
        ]
        self.pairs = [*self.pairs, *({"left": "", "right": ""} for _ in range(BLANK_ROWS))]
        return self


def _text(value: Any) -> str:
    return nfc(str(value or "")).replace("\r\n", "\n").strip()


def _lines(value: str) -> list[str]:
    return [line.strip() for line in _text(value).split("\n") if line.strip()]


def _number(raw: str, default: float | None = None) -> Any:
    text = _text(raw)
    if not text:
        return default
    if _NUMBER.match(text):
        number = float(text.replace(",", "."))
        return int(number) if number.is_integer() else number
    return text  # the engine names the field and says it must be a number


def form_from_request(form: Mapping[str, Any], getlist: Any) -> QuestionForm:
    """Return the editor's state from a submitted form (rows as typed, none dropped)."""
    rows = int(form.get("rows", "0")) if str(form.get("rows", "0")).isdigit() else 0
    rows = min(rows, 50)
    qtype = str(form.get("type", ""))
    picked = str(form.get("correct", ""))
    options = []
    for n in range(rows):
        options.append(
            {
                "id": _text(form.get(f"opt-{n}-id")),
                "text": _text(form.get(f"opt-{n}-text")),
                "correct": (picked == str(n))
                if qtype == "single_choice"
                else bool(form.get(f"opt-{n}-correct")),
                "feedback": _text(form.get(f"opt-{n}-feedback")),
            }
        )
    pairs = [
        {"left": _text(form.get(f"pair-{n}-left")), "right": _text(form.get(f"pair-{n}-right"))}
        for n in range(rows)
    ]
    return QuestionForm(
        type=qtype,
        id=_text(form.get("id")),
        prompt=_text(form.get("prompt")),
        points=_text(form.get("points")) or "1",
        competence=_text(form.get("competence")),
        explanation=_text(form.get("explanation")),
        feedback_correct=_text(form.get("feedback_correct")),
        feedback_incorrect=_text(form.get("feedback_incorrect")),
        feedback_partial=_text(form.get("feedback_partial")),
        scoring=_text(form.get("scoring")) or "all_or_nothing",
        options=options,
        answer="false" if form.get("answer") == "false" else "true",
        answers=_text(form.get("answers")),
        ignore_diacritics=bool(form.get("ignore_diacritics")),
        value=_text(form.get("value")),
        tolerance=_text(form.get("tolerance")) or "0",
        pairs=pairs,
        distractors=_text(form.get("distractors")),
        items=_text(form.get("items")),
    )


def _option_ids(options: list[dict[str, Any]]) -> list[str]:
    used = {o["id"] for o in options if o["id"]}
    letters = iter(c for c in string.ascii_lowercase if c not in used)
    ids = []
    for option in options:
        ids.append(option["id"] or next(letters, f"o{len(ids) + 1}"))
    return ids


def question_data(state: QuestionForm) -> dict[str, Any]:
    """Return the quiz-file mapping of the editor's state (blank rows left out)."""
    data: dict[str, Any] = {"type": state.type, "prompt": state.prompt}
    if state.id:
        data["id"] = state.id
    data["points"] = _number(state.points, 1)
    if state.competence:
        data["competence"] = state.competence
    feedback = {
        key: text
        for key, text in (
            ("correct", state.feedback_correct),
            ("incorrect", state.feedback_incorrect),
            ("partial", state.feedback_partial),
        )
        if text
    }
    if feedback:
        data["feedback"] = feedback
    if state.explanation:
        data["explanation"] = state.explanation
    if state.type in ("single_choice", "multiple_choice"):
        options = [o for o in state.options if o["text"]]
        rows = []
        for option, option_id in zip(options, _option_ids(options), strict=True):
            row = {"id": option_id, "text": option["text"], "correct": bool(option["correct"])}
            if option["feedback"]:
                row["feedback"] = option["feedback"]
            rows.append(row)
        data["options"] = rows
    if state.type in ("multiple_choice", "matching", "ordering"):
        data["scoring"] = state.scoring
    if state.type == "true_false":
        data["answer"] = state.answer == "true"
    elif state.type == "short_answer":
        data["answers"] = _lines(state.answers)
        data["ignore_diacritics"] = state.ignore_diacritics
    elif state.type == "numeric":
        data["value"] = _number(state.value)
        data["tolerance"] = _number(state.tolerance, 0)
    elif state.type == "matching":
        data["pairs"] = [p for p in state.pairs if p["left"] or p["right"]]
        distractors = _lines(state.distractors)
        if distractors:
            data["distractors"] = distractors
    elif state.type == "ordering":
        data["items"] = _lines(state.items)
    return data


def form_from_definition(definition: Mapping[str, Any]) -> QuestionForm:
    """Return the editor's state for a stored question."""
    feedback = definition.get("feedback")
    if isinstance(feedback, str):
        feedback = {"correct": feedback, "incorrect": feedback, "partial": feedback}
    feedback = feedback or {}

    def show(value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return "" if value is None else str(value)

    return QuestionForm(
        type=str(definition.get("type", "")),
        id=str(definition.get("id", "")),
        prompt=str(definition.get("prompt", "")),
        points=show(definition.get("points", 1)),
        competence=str(definition.get("competence") or ""),
        explanation=str(definition.get("explanation") or ""),
        feedback_correct=str(feedback.get("correct") or ""),
        feedback_incorrect=str(feedback.get("incorrect") or ""),
        feedback_partial=str(feedback.get("partial") or ""),
        scoring=str(definition.get("scoring") or "all_or_nothing"),
        options=[
            {
                "id": str(o.get("id", "")),
                "text": str(o.get("text", "")),
                "correct": bool(o.get("correct")),
                "feedback": str(o.get("feedback") or ""),
            }
            for o in definition.get("options") or []
        ],
        answer="true" if definition.get("answer", True) else "false",
        answers="\n".join(str(a) for a in definition.get("answers") or []),
        ignore_diacritics=bool(definition.get("ignore_diacritics")),
        value=show(definition.get("value")),
        tolerance=show(definition.get("tolerance", 0)),
        pairs=[
            {"left": str(p.get("left", "")), "right": str(p.get("right", ""))}
            for p in definition.get("pairs") or []
        ],
        distractors="\n".join(str(d) for d in definition.get("distractors") or []),
        items="\n".join(str(i) for i in definition.get("items") or []),
    )
