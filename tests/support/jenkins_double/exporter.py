"""Jenkins's remote API rendering: ``depth`` and ``tree=`` over exported objects.

An exported object is anything with ``exported(depth_left) -> dict`` (its full set of
exported properties, nested values may be exported objects) and ``summary() -> dict``
(what Jenkins shows for it when it is nested beyond ``depth``). ``_class`` is always
present, like Jenkins adds it to every object.

Follows Stapler's exporter (jenkinsci/stapler core/src/main/java/org/kohsuke/stapler/export/
Model.java, Property.java, TreePruner.java and NamedPathPruner.java): only ``@Exported``
properties are written (an object's ``exported()`` holds exactly those: a ``tree=``
naming any other field gets nothing for it), ``tree=`` selects properties by name with
``[...]`` for nested ones and ``{m,n}`` ranges, ``depth`` exports nested objects fully up
to that depth and in their short form beyond it.
"""

from __future__ import annotations

from typing import Any, Protocol

from tests.support.jenkins_double.builds import ALL_RANGE, VISIBILITY, Ranged, parse_range

__all__ = ["Exported", "TreeSpec", "export", "parse_tree"]


class Exported(Protocol):
    def exported(self) -> dict[str, Any]: ...

    def summary(self) -> dict[str, Any]: ...


TreeSpec = dict[str, "TreeSpec | None"]


def parse_tree(text: str) -> TreeSpec:
    """Parse ``jobs[name,jobs[name]],views[name]``; a ``{m,n}`` range makes the level :class:`Ranged`."""
    pos = 0

    def parse_list() -> TreeSpec:
        nonlocal pos
        out: TreeSpec = {}
        while pos < len(text):
            start = pos
            while pos < len(text) and text[pos] not in ",[]{":
                pos += 1
            name = text[start:pos].strip()
            sub: TreeSpec | None = None
            if pos < len(text) and text[pos] == "[":
                pos += 1
                sub = parse_list()
                if pos >= len(text) or text[pos] != "]":
                    raise ValueError(f"unbalanced brackets in tree={text!r}")
                pos += 1
            if pos < len(text) and text[pos] == "{":
                end = text.find("}", pos)
                if end < 0:
                    raise ValueError(f"unbalanced braces in tree={text!r}")
                ranged = Ranged(sub or {})
                ranged.range = parse_range(text[pos + 1:end])
                sub = ranged
                pos = end + 1
            if name:
                out[name] = sub
            if pos < len(text) and text[pos] == ",":
                pos += 1
                continue
            break
        return out

    spec = parse_list()
    if pos != len(text):
        raise ValueError(f"unexpected {text[pos]!r} in tree={text!r}")
    return spec


def _is_obj(value: Any) -> bool:
    return hasattr(value, "exported") and hasattr(value, "summary")


def export(obj: Any, *, tree: TreeSpec | None = None, depth: int = 0) -> Any:
    """The JSON value Jenkins renders for ``obj``."""
    if tree is not None:
        return _by_tree(obj, tree)
    return _by_depth(obj, depth, 0)


def _by_tree(value: Any, spec: TreeSpec | None) -> Any:
    if isinstance(value, list):
        lo, hi = spec.range if isinstance(spec, Ranged) else ALL_RANGE
        return [_by_tree(v, spec) for v in value[lo:hi]]
    if not _is_obj(value):
        if isinstance(value, dict) and spec:
            return {k: _by_tree(v, spec[k]) for k, v in value.items() if k in spec}
        return value
    full = value.exported()
    out: dict[str, Any] = {"_class": full["_class"]} if "_class" in full else {}
    if not spec:
        return out
    for key, sub in spec.items():
        if key in full and key != "_class":
            out[key] = _by_tree(full[key], sub)
    return out


def _by_depth(value: Any, depth: int, level: int) -> Any:
    if isinstance(value, list):
        return [_by_depth(v, depth, level) for v in value]
    if isinstance(value, dict):
        return {k: _by_depth(v, depth, level) for k, v in value.items()}
    if not _is_obj(value):
        return value
    if level > depth:
        return value.summary()
    return {k: _by_depth(v, depth, level + 1) for k, v in value.exported().items()
            if VISIBILITY.get(k, 1) >= 1 - depth + level}
