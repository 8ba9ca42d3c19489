"""YAML files read with their node tree kept, so a problem found in the data can name its line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from budgetctl.messages import message


@dataclass(frozen=True)
class Problem:
    """One thing wrong, where it is: `file` relative to the repository, `line` (1-based) when known, `path`
    the field (`database.port`, `modules[1]`), `code` stable for tools; `params` fill its message."""

    file: str
    line: int | None
    path: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, language: str) -> str:
        return message(self.code, language, self.params)

    def as_text(self, language: str) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        at = f" {self.path}:" if self.path else ""
        return f"{where}:{at} {self.message(language)}"


def dotted(loc: tuple[str | int, ...]) -> str:
    """`("modules", 1)` → `modules[1]`, `("database", "port")` → `database.port`."""
    return "".join(f"[{part}]" if isinstance(part, int) else (f".{part}" if index else part)
                   for index, part in enumerate(loc))


class YamlError(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


@dataclass(frozen=True)
class Document:
    file: str
    data: Any
    root: yaml.Node | None

    def line(self, loc: tuple[str | int, ...]) -> int | None:
        """The line where the field `loc` is written (its key), or where the mapping a missing field
        belongs in starts."""
        node = self.root
        if node is None:
            return None
        line = node.start_mark.line
        for part in loc:
            found = _child(node, part)
            if found is None:
                break
            line, node = found
        return line + 1


def _child(node: yaml.Node, part: str | int) -> tuple[int, yaml.Node] | None:
    """The line of `part`'s key (or list item) in `node`, and its value."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return key.start_mark.line, value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part].start_mark.line, node.value[part]
    return None


def _repeated_keys(node: yaml.Node, file: str, path: str = "") -> list[Problem]:
    """PyYAML keeps the last of two equal keys without a word; a config would silently lose a line."""
    problems: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else "?"
            child_path = f"{path}.{name}" if path else name
            if name in seen:
                problems.append(Problem(file, key.start_mark.line + 1, child_path, "duplicate_key"))
            seen.add(name)
            problems += _repeated_keys(value, file, child_path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems += _repeated_keys(item, file, f"{path}[{index}]")
    return problems


def load(path: Path, relative: str) -> tuple[Document, list[Problem]]:
    """The document and the repeated keys in it; `YamlError` when it is not YAML at all."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise YamlError(Problem(relative, None, "", "not_utf8")) from None
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlError(Problem(relative, mark.line + 1 if mark else None, "", "not_yaml",
                                {"detail": str(exc.problem or exc).strip()})) from None
    finally:
        loader.dispose()
    return Document(relative, data, root), _repeated_keys(root, relative) if root is not None else []
