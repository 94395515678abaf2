"""Load quiz files: .quiz.yaml (with line numbers in errors) or Moodle .gift."""

import os
from pathlib import Path

from assessments.errors import InvalidField, QuizFormatError
from assessments.gift import parse_gift
from assessments.model import Quiz, QuizPolicy
from assessments.quizfile import parse_quiz_data
from assessments.yamlsource import load_yaml

YAML_SUFFIXES = (".quiz.yaml", ".quiz.yml")
GIFT_SUFFIX = ".gift"


def load_quiz_file(path: str | os.PathLike[str]) -> Quiz:
    """Load a .quiz.yaml (errors carry YAML line numbers) or a .gift file (default settings)."""
    source = os.fspath(path)
    name = Path(source).name
    lowered = name.lower()
    if not lowered.endswith((*YAML_SUFFIXES, GIFT_SUFFIX)):
        raise QuizFormatError(source, "tệp bài kiểm tra phải có đuôi .quiz.yaml hoặc .gift")
    try:
        text = Path(source).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise QuizFormatError(source, "tệp phải được mã hoá UTF-8") from None
    except OSError as exc:
        raise QuizFormatError(source, f"không đọc được tệp ({exc.strerror})") from None
    if lowered.endswith(GIFT_SUFFIX):
        return _gift_quiz(text, source, name[: -len(GIFT_SUFFIX)])
    data, lines = load_yaml(text, source)
    if data is None:
        raise QuizFormatError(source, "tệp trống")
    return parse_quiz_data(data, source, lines)


def _gift_quiz(text: str, source: str, title: str) -> Quiz:
    """Return a quiz of a GIFT file's questions, titled by the file name, default settings."""
    imported = parse_gift(text, source)
    if not imported.questions:
        raise QuizFormatError(source, "bài kiểm tra cần ít nhất một câu hỏi")
    try:
        return Quiz(title or source, QuizPolicy(), imported.questions)
    except InvalidField as exc:
        raise QuizFormatError(source, exc.message, field=exc.field) from None
