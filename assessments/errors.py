"""Errors raised for invalid quizzes and questions."""


class InvalidField(ValueError):
    """A model value breaks a rule; `field` names the offending field."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


class QuizFormatError(Exception):
    """A quiz file or mapping is invalid; the message is for course authors (Vietnamese)."""

    def __init__(
        self,
        source: str,
        message: str,
        *,
        line: int | None = None,
        question_id: str | None = None,
        field: str | None = None,
    ) -> None:
        self.source = source
        self.line = line
        self.question_id = question_id
        self.field = field
        self.message = message
        super().__init__(self._render())

    def _render(self) -> str:
        location = self.source if self.line is None else f"{self.source}:{self.line}"
        context = []
        if self.question_id is not None:
            context.append(f"câu hỏi '{self.question_id}'")
        if self.field is not None:
            context.append(f"trường '{self.field}'")
        prefix = f"{location}: " + (", ".join(context) + ": " if context else "")
        return prefix + self.message

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (self.source, self.message, self.line, self.question_id, self.field))


def _rebuild(
    source: str, message: str, line: int | None, question_id: str | None, field: str | None
) -> QuizFormatError:
    """Recreate a QuizFormatError when unpickling (keyword-only arguments need help)."""
    return QuizFormatError(source, message, line=line, question_id=question_id, field=field)
