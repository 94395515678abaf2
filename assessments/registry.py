"""Keep the question types by their `type` code; refuse registering a code twice."""

from collections.abc import Iterator
from typing import TypeVar

from assessments.model import Question

Q = TypeVar("Q", bound=type[Question])


class QuestionRegistry:
    """Question classes by type code."""

    def __init__(self) -> None:
        self._types: dict[str, type[Question]] = {}

    def register(self, cls: Q) -> Q:
        """Register a question class under its `type` code (usable as a decorator)."""
        code = cls.type
        if not code:
            raise ValueError(f"{cls.__name__} has no type code")
        if code in self._types:
            raise ValueError(f"question type {code!r} is already registered")
        self._types[code] = cls
        return cls

    def get(self, code: str) -> type[Question]:
        """Return the class for a type code (KeyError if unknown)."""
        return self._types[code]

    def codes(self) -> tuple[str, ...]:
        """Return the registered codes in registration order."""
        return tuple(self._types)

    def __contains__(self, code: object) -> bool:
        return code in self._types

    def __iter__(self) -> Iterator[type[Question]]:
        return iter(self._types.values())


registry = QuestionRegistry()
