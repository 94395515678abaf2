"""YAML reading that remembers where each key was, so errors can name the line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml


class ContentError(ValueError):
    """A content file broke a rule; names the file, line and field."""

    def __init__(
        self, source: str, message: str, line: int | None = None, field: str | None = None
    ):
        self.source, self.message, self.line, self.field = source, message, line, field
        where = f"{source}:{line}" if line else source
        what = f" trường '{field}':" if field else ""
        super().__init__(f"{where}:{what} {message}")


@dataclass
class YamlDoc:
    """Parsed YAML data with the line of each key path (1-based)."""

    source: str
    data: Any
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)
    offset: int = 0

    def line(self, *path: str | int) -> int | None:
        """Return the line of the deepest known key on path."""
        while path:
            if path in self.lines:
                return self.lines[path] + self.offset
            path = path[:-1]
        return 1 + self.offset

    def error(self, message: str, *path: str | int) -> ContentError:
        """Return a ContentError for the field at path."""
        name = ".".join(str(p) for p in path) or None
        return ContentError(self.source, message, self.line(*path), name)


def _walk(
    node: yaml.Node, path: tuple[str | int, ...], out: dict[tuple[str | int, ...], int]
) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, str(key.value))
            out[child] = key.start_mark.line + 1
            _walk(value, child, out)
            out[child] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), out)


def parse_yaml(text: str, source: str, offset: int = 0) -> YamlDoc:
    """Parse YAML text, raising ContentError with the line of a syntax error."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 + offset if exc.problem_mark else None
        raise ContentError(source, f"YAML không hợp lệ: {exc.problem}", line) from exc
    lines: dict[tuple[str | int, ...], int] = {}
    if node is not None:
        _walk(node, (), lines)
    return YamlDoc(source, data, lines, offset)
