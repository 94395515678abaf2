"""Helpers shared by the built-in question types."""

from collections.abc import Sequence

from assessments.errors import InvalidField
from assessments.fields import FieldReader
from assessments.model import Option, check_unique


def is_blank(response: object) -> bool:
    """Return whether a response counts as unanswered."""
    if response is None:
        return True
    if isinstance(response, str):
        return not response.strip()
    if isinstance(response, list | tuple | dict):
        return not response
    return False


def int_text(value: object) -> str | None:
    """Return the digits of a (reasonably sized) int, None for anything else (bools too)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**100:
        return str(value)
    return None


def as_key(value: object) -> str | None:
    """Return a response key as a string (ints accepted), or None for anything else."""
    if isinstance(value, str):
        return value.strip()
    return int_text(value)


def read_options(reader: FieldReader) -> tuple[Option, ...]:
    """Read the `options` list of a choice question."""
    options = []
    for item in reader.mapping_list("options", 2, "phương án"):
        options.append(
            item.build(
                Option,
                id=item.text("id"),
                text=item.text("text"),
                correct=item.boolean("correct", False),
                feedback=item.optional_text("feedback"),
            )
        )
        item.finish()
    return tuple(options)


def options_to_list(options: Sequence[Option]) -> list[dict[str, object]]:
    """Return options in quiz-file form."""
    rows: list[dict[str, object]] = []
    for option in options:
        row: dict[str, object] = {"id": option.id, "text": option.text, "correct": option.correct}
        if option.feedback is not None:
            row["feedback"] = option.feedback
        rows.append(row)
    return rows


def check_options(options: Sequence[Option]) -> None:
    """Raise InvalidField unless there are at least two options with unique ids and texts."""
    if len(options) < 2 or not all(isinstance(option, Option) for option in options):
        raise InvalidField("options", "cần ít nhất hai phương án")
    check_unique([option.id for option in options], "options", "mã phương án")
    check_unique([option.text for option in options], "options", "phương án")
