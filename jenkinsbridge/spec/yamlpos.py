"""YAML loading that keeps where every key and value stood (1-based line and column).

A loaded document is plain Python data plus a :class:`Positions` map from a path
(a tuple of keys and indexes) to the place of the value, and to the place of the key
for mapping entries. Duplicate keys are errors, as they would silently drop data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

__all__ = ["MAX_DEPTH", "MAX_VALUES", "Loaded", "Pos", "Positions", "YamlProblem", "load_yaml"]

# Limits that keep a hostile file from crashing or stalling the loader: libyaml's composer
# recurses per nesting level (a deep enough file crashes the interpreter), and aliases can
# expand a small file into billions of values.
MAX_DEPTH = 64
MAX_VALUES = 200_000

# PyYAML's wording -> what it means for someone editing a spec
_FRIENDLIER = {
    "mapping values are not allowed here": "a 'key: value' cannot start here; check the indentation "
    "and quote values that contain ': '",
    "mapping values are not allowed in this context": "a 'key: value' cannot start here; check the "
    "indentation and quote values that contain ': '",
}

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
    _check_depth(text, file)
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as e:
            raise _syntax_problem(e, file, text) from None
        except yaml.YAMLError as e:
            raise YamlProblem(Pos(file, 1, 1), f"YAML error: {e}") from None
        positions = Positions()
        if node is None:
            return Loaded(None, positions)
        data = _Walker(loader, file, positions).walk(node, ())
        return Loaded(data, positions)
    finally:
        loader.dispose()


def _syntax_problem(e: yaml.MarkedYAMLError, file: str, text: str) -> YamlProblem:
    mark = e.problem_mark or e.context_mark
    pos = _pos(file, mark) if mark else Pos(file, 1, 1)
    what = (e.problem or e.context or "syntax error").strip()
    what = _FRIENDLIER.get(what, what)
    if "cannot start any token" in what and mark is not None:
        lines = text.splitlines()
        line = lines[mark.line] if mark.line < len(lines) else ""
        ch = line[mark.column: mark.column + 1]
        what = ("a tab character; YAML indents with spaces only" if ch == "\t"
                else f"{ch!r} cannot start a value; quote the value")
    if e.context and e.problem and e.context_mark and e.problem_mark \
            and e.context_mark.line != e.problem_mark.line:
        what += f" ({e.context.strip()} that starts at line {e.context_mark.line + 1})"
    return YamlProblem(pos, f"YAML syntax error: {what}")


def _check_depth(text: str, file: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH by reading events (libyaml's parser keeps an
    explicit stack; only its composer recurses)."""
    loader = _Loader(text)
    depth = 0
    try:
        while True:
            event = loader.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlProblem(_pos(file, event.start_mark),
                                      f"nested more than {MAX_DEPTH} levels deep; a spec nests a few levels")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as e:
        raise _syntax_problem(e, file, text) from None
    except yaml.YAMLError as e:
        raise YamlProblem(Pos(file, 1, 1), f"YAML error: {e}") from None
    finally:
        loader.dispose()


class _Walker:
    """Turns composed nodes into data, counting values so aliases cannot explode."""

    def __init__(self, loader: Any, file: str, positions: Positions) -> None:
        self.loader = loader
        self.file = file
        self.positions = positions
        self.count = 0

    def walk(self, node: yaml.Node, path: Path_) -> Any:
        self.count += 1
        if self.count > MAX_VALUES or len(path) > MAX_DEPTH:
            what = (f"more than {MAX_VALUES} values" if self.count > MAX_VALUES
                    else f"nesting deeper than {MAX_DEPTH} levels")
            raise YamlProblem(_pos(self.file, node.start_mark),
                              f"aliases expand to {what}; a spec uses aliases for small shared parts")
        file, positions, loader = self.file, self.positions, self.loader
        positions.values[path] = _pos(file, node.start_mark)
        if isinstance(node, yaml.MappingNode):
            # keys written in this mapping; those `<<` merges in may be overridden by them
            own = {id(k) for k, _ in node.value}
            try:
                loader.flatten_mapping(node)
            except yaml.MarkedYAMLError as e:
                raise YamlProblem(_pos(file, e.problem_mark), f"YAML error: {e.problem}") from None
            out: dict[Any, Any] = {}
            written: set[Any] = set()
            for knode, vnode in node.value:
                key = _scalar(loader, knode, file)
                if not isinstance(key, str | int | bool) or isinstance(key, bool):
                    key = str(key)
                if id(knode) in own and key in written:
                    raise YamlProblem(
                        _pos(file, knode.start_mark),
                        f"duplicate key {key!r}; each key appears once in a mapping",
                    )
                if id(knode) in own:
                    written.add(key)
                sub = (*path, key)
                positions.keys[sub] = _pos(file, knode.start_mark)
                out[key] = self.walk(vnode, sub)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(v, (*path, i)) for i, v in enumerate(node.value)]
        return _scalar(loader, node, file)


def _scalar(loader: Any, node: yaml.Node, file: str) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise YamlProblem(_pos(file, node.start_mark), "a mapping key must be a plain value")
    try:
        return loader.construct_object(node, deep=True)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or node.start_mark
        raise YamlProblem(_pos(file, mark), f"YAML error: {e.problem}") from None
