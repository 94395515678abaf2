"""Hypothesis strategies for quiz-file mappings of every question type."""

import string
from typing import Any

from hypothesis import strategies as st

from assessments.text import clean_text

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ"
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)
# Combining marks make NFD input; GIFT specials and backslashes exercise escaping.
ALPHABET = VIETNAMESE + string.digits + " \n\t" + "~=#{}:\\%->[]/*_.,?!\"'" + "\u0300\u0301\u0309"

raw_texts = st.text(alphabet=ALPHABET, min_size=1, max_size=16)
texts = (
    st.one_of(
        raw_texts,
        raw_texts.map(lambda text: "[html]" + text),
        st.sampled_from(
            ["yes", "no", "null", "113", "1.0", "%50%ab", "T", "a->b", "// x", "$CATEGORY: x"]
        ),
    )
    .map(clean_text)
    .filter(bool)
)

QUESTION_TYPES = (
    "single_choice",
    "multiple_choice",
    "true_false",
    "short_answer",
    "numeric",
    "matching",
    "ordering",
)
scorings = st.sampled_from(["all_or_nothing", "partial"])


def unique_texts(min_size: int, max_size: int) -> st.SearchStrategy[list[str]]:
    """Return lists of distinct texts."""
    return st.lists(texts, min_size=min_size, max_size=max_size, unique=True)


@st.composite
def feedbacks(draw: st.DrawFn) -> object:
    """Return feedback in file form: a string or a per-outcome mapping."""
    if draw(st.booleans()):
        return draw(texts)
    keys = draw(
        st.lists(st.sampled_from(["correct", "incorrect", "partial"]), min_size=1, unique=True)
    )
    return {key: draw(texts) for key in keys}


@st.composite
def option_lists(draw: st.DrawFn, flags: list[bool]) -> list[dict[str, object]]:
    """Return options with the given correct flags."""
    option_texts = draw(unique_texts(len(flags), len(flags)))
    custom_ids = draw(st.booleans())
    options = []
    for index, (text, correct) in enumerate(zip(option_texts, flags, strict=True)):
        option: dict[str, object] = {
            "id": f"o{index}-x" if custom_ids else "abcdef"[index],
            "text": text,
            "correct": correct,
        }
        if draw(st.booleans()):
            option["feedback"] = draw(texts)
        options.append(option)
    return options


@st.composite
def type_fields(draw: st.DrawFn, code: str) -> dict[str, object]:
    """Return the type-specific fields of a question."""
    if code == "single_choice":
        count = draw(st.integers(2, 5))
        right = draw(st.integers(0, count - 1))
        return {"options": draw(option_lists([index == right for index in range(count)]))}
    if code == "multiple_choice":
        flags = draw(st.lists(st.booleans(), min_size=2, max_size=6).filter(any))
        return {"scoring": draw(scorings), "options": draw(option_lists(flags))}
    if code == "true_false":
        return {"answer": draw(st.booleans())}
    if code == "short_answer":
        return {
            "answers": draw(unique_texts(1, 3)),
            "ignore_diacritics": draw(st.booleans()),
        }
    if code == "numeric":
        value = draw(
            st.one_of(st.integers(-1000, 1000), st.floats(-1e6, 1e6, allow_nan=False).map(float))
        )
        tolerance = draw(st.one_of(st.just(0), st.floats(0, 10, allow_nan=False)))
        return {"value": value, "tolerance": tolerance}
    if code == "matching":
        count = draw(st.integers(2, 4))
        extra = draw(st.integers(0, 2))
        lefts = draw(unique_texts(count, count))
        rights = draw(unique_texts(count + extra, count + extra))
        fields: dict[str, object] = {
            "scoring": draw(scorings),
            "pairs": [{"left": left, "right": right} for left, right in zip(lefts, rights)],
        }
        if extra:
            fields["distractors"] = rights[count:]
        return fields
    assert code == "ordering"
    return {"scoring": draw(scorings), "items": draw(unique_texts(2, 5))}


@st.composite
def question_data(
    draw: st.DrawFn, question_id: str, codes: tuple[str, ...] = QUESTION_TYPES
) -> dict[str, Any]:
    """Return one question in quiz-file form."""
    code = draw(st.sampled_from(codes))
    data: dict[str, Any] = {"id": question_id, "type": code, "prompt": draw(texts)}
    if draw(st.booleans()):
        data["points"] = draw(st.sampled_from([1, 2, 0.5, 1.25, 10]))
    if draw(st.booleans()):
        data["competence"] = draw(st.sampled_from(["0.1", "1.2", "4.3"]))
    data.update(draw(type_fields(code)))
    if draw(st.booleans()):
        data["feedback"] = draw(feedbacks())
    if draw(st.booleans()):
        data["explanation"] = draw(texts)
    return data


@st.composite
def quiz_data(
    draw: st.DrawFn, codes: tuple[str, ...] = QUESTION_TYPES, max_questions: int = 4
) -> dict[str, Any]:
    """Return a quiz in quiz-file form."""
    count = draw(st.integers(1, max_questions))
    questions = [draw(question_data(f"q{index}", codes)) for index in range(count)]
    return {
        "title": draw(texts),
        "pass_percent": draw(st.sampled_from([0, 50, 70, 80.5, 100])),
        "max_attempts": draw(st.integers(0, 3)),
        "time_limit_minutes": draw(st.integers(0, 60)),
        "shuffle_questions": draw(st.booleans()),
        "shuffle_options": draw(st.booleans()),
        "draw": draw(st.integers(0, count)),
        "attempt_counts": draw(st.sampled_from(["best", "last"])),
        "review": draw(st.sampled_from(["full", "score"])),
        "questions": questions,
    }


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=3), children, max_size=4)
    ),
    max_leaves=10,
)


def key_responses(keys: tuple[str, ...]) -> st.SearchStrategy[object]:
    """Return responses built from a question's own keys (plus a little junk)."""
    key = st.sampled_from(keys + ("", "99", " 0 ")) if keys else st.text(max_size=4)
    return st.one_of(
        key,
        st.lists(key, max_size=6),
        st.dictionaries(st.sampled_from([str(i) for i in range(6)]), key, max_size=6),
        st.sampled_from(["3,5", "3.5", "-0", "1e400", "abc", "true", "false", "Hà Nội"]),
        st.sampled_from([10**5000, -(10**300), 1e308, float("nan"), "1e99999999999999999999"]),
        st.lists(st.sampled_from([10**5000, 2, "0"]), max_size=3),
        st.dictionaries(st.sampled_from(["0", "1"]), st.sampled_from([10**5000, 1]), max_size=2),
    )
