"""Load YAML keeping the line of every mapping key and list item."""

import yaml

from assessments.errors import QuizFormatError
from assessments.fields import Path

_SYNTAX_HINT = (
    " (kiểm tra thụt lề và dấu ':'; đặt chữ có ký tự đặc biệt như : # ? [ { trong dấu ngoặc kép)"
)


def load_yaml(text: str, source: str) -> tuple[object, dict[Path, int]]:
    """Return the document and a map from field paths to 1-based line numbers."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Path, int] = {}
        if node is None:
            return None, lines
        lines[()] = node.start_mark.line + 1
        _walk(node, (), lines, source, set())
        return loader.construct_document(node), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "không đọc được"
        message = f"lỗi cú pháp YAML: {problem}{_SYNTAX_HINT}"
        raise QuizFormatError(source, message, line=line) from None
    except yaml.YAMLError as exc:
        raise QuizFormatError(source, f"lỗi cú pháp YAML: {exc}") from None
    finally:
        loader.dispose()


def _walk(
    node: yaml.Node, path: Path, lines: dict[Path, int], source: str, active: set[int]
) -> None:
    if id(node) in active:  # a recursive alias
        return
    active.add(id(node))
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
                continue
            key, line = key_node.value, key_node.start_mark.line + 1
            if key in seen:
                raise QuizFormatError(
                    source, f"trường '{key}' bị lặp lại (đã có ở dòng {seen[key]})", line=line
                )
            seen[key] = line
            lines[(*path, key)] = line
            _walk(value_node, (*path, key), lines, source, active)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = item.start_mark.line + 1
            _walk(item, (*path, index), lines, source, active)
    active.discard(id(node))
