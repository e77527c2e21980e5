"""YAML loading that keeps where every key and value stood (1-based line and column).

A loaded document is plain Python data plus a :class:`Positions` map from a path
(a tuple of keys and indexes) to the place of the value, and to the place of the key
for mapping entries. Duplicate keys are errors, as they would silently drop data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

__all__ = ["Loaded", "Pos", "Positions", "YamlProblem", "load_yaml"]

try:  # libyaml is ~10x faster on large files
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure Python fallback
    _Loader = yaml.SafeLoader

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Pos:
    file: str
    line: int
    column: int


@dataclass
class Positions:
    values: dict[Path_, Pos] = field(default_factory=dict)
    keys: dict[Path_, Pos] = field(default_factory=dict)

    def locate(self, path: Path_, *, key: bool = False) -> Pos:
        """The place of ``path``; of its key when asked; else the nearest enclosing value."""
        if key and path in self.keys:
            return self.keys[path]
        for n in range(len(path), -1, -1):
            pos = self.values.get(path[:n])
            if pos is not None:
                return pos
        return next(iter(self.values.values()))


class YamlProblem(Exception):
    def __init__(self, pos: Pos, message: str) -> None:
        super().__init__(message)
        self.pos = pos
        self.message = message


@dataclass
class Loaded:
    data: Any
    positions: Positions


def _pos(file: str, mark: Any) -> Pos:
    return Pos(file, mark.line + 1, mark.column + 1)


def load_yaml(text: str, file: str) -> Loaded:
    """Parse one YAML document with positions. Raises YamlProblem on syntax errors."""
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            pos = _pos(file, mark) if mark else Pos(file, 1, 1)
            what = (e.problem or e.context or "syntax error").strip()
            raise YamlProblem(pos, f"YAML syntax error: {what}") from None
        except yaml.YAMLError as e:
            raise YamlProblem(Pos(file, 1, 1), f"YAML error: {e}") from None
        positions = Positions()
        if node is None:
            return Loaded(None, positions)
        data = _walk(loader, node, (), file, positions)
        return Loaded(data, positions)
    finally:
        loader.dispose()


def _walk(loader: Any, node: yaml.Node, path: Path_, file: str, positions: Positions) -> Any:
    positions.values.setdefault(path, _pos(file, node.start_mark))
    if isinstance(node, yaml.MappingNode):
        try:
            loader.flatten_mapping(node)
        except yaml.MarkedYAMLError as e:
            raise YamlProblem(_pos(file, e.problem_mark), f"YAML error: {e.problem}") from None
        out: dict[Any, Any] = {}
        for knode, vnode in node.value:
            key = _scalar(loader, knode, file)
            if not isinstance(key, str | int | bool) or isinstance(key, bool):
                key = str(key)
            if key in out:
                raise YamlProblem(
                    _pos(file, knode.start_mark),
                    f"duplicate key {key!r}; each key appears once in a mapping",
                )
            sub = (*path, key)
            positions.keys[sub] = _pos(file, knode.start_mark)
            out[key] = _walk(loader, vnode, sub, file, positions)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(loader, v, (*path, i), file, positions) for i, v in enumerate(node.value)]
    return _scalar(loader, node, file)


def _scalar(loader: Any, node: yaml.Node, file: str) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise YamlProblem(_pos(file, node.start_mark), "a mapping key must be a plain value")
    try:
        return loader.construct_object(node, deep=True)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or node.start_mark
        raise YamlProblem(_pos(file, mark), f"YAML error: {e.problem}") from None
