"""Plain YAML loading for the common case: a well-formed spec needs no positions.

`load_plain` returns the same data as :func:`jenkinsbridge.spec.yamlpos.load_yaml`, or
None when it cannot vouch for that: anything unusual (anchors, merge keys, odd keys,
duplicate keys, deep nesting, a syntax error) is left to the positional loader, which
reports it with line and column. The checks are cheap scans of the text, so a valid
spec is read once, at the speed of libyaml.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from jenkinsbridge.spec.yamlpos import MAX_DEPTH, MAX_VALUES

__all__ = ["load_plain"]

try:
    _Base: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure Python fallback
    _Base = yaml.SafeLoader

# Nesting of block collections: each two levels indent by at least one column, and a
# collection starts after its line's indentation and any compact `- ` or `? ` indicators.
# A prefix shorter than this keeps block nesting within MAX_DEPTH // 2 levels.
_DEEP_PREFIX = re.compile(rf"^[ \t?-]{{{MAX_DEPTH // 4 - 1},}}", re.MULTILINE)


class _Unusual(Exception):
    """The document needs the positional loader."""


# plain scalar -> its tag: keys and common values repeat in every job of a spec, and the
# resolver tries its patterns in Python for each (a safe loader has no path resolvers,
# so the tag depends on the text alone)
_TAGS: dict[tuple[str, tuple[bool, bool]], str] = {}
_TAGS_MAX = 20_000


class _Loader(_Base):  # type: ignore[misc]
    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]
        key = (value, implicit)
        tag = _TAGS.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(_TAGS) < _TAGS_MAX:
                _TAGS[key] = tag
        return tag

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        if len(mapping) != len(node.value):  # a key written twice
            raise _Unusual
        for key in mapping:
            if not isinstance(key, str | int) or isinstance(key, bool):
                raise _Unusual
        return mapping


def _odd_collection(loader: Any, node: yaml.Node) -> Any:
    """!!set, !!omap, !!pairs: the positional loader reads them as plain collections."""
    raise _Unusual


for _tag in ("set", "omap", "pairs"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _odd_collection)

# Every value follows an indicator: a mapping value its `:` (or `?`), a sequence item its
# `-`, a flow entry its `[`, `{` or `,`.
_INDICATORS = ":?-[{,"


def _plain_enough(text: str) -> bool:
    """True when the text cannot hold aliases, merge keys, more than MAX_VALUES values
    or nesting deeper than MAX_DEPTH."""
    if "&" in text or "<<" in text:
        return False
    if 1 + sum(text.count(c) for c in _INDICATORS) > MAX_VALUES:
        return False
    if _DEEP_PREFIX.search(text):
        return False
    flow = text.count("[") + text.count("{")  # each flow collection nests one more level
    return flow <= MAX_DEPTH // 2


def load_plain(text: str) -> tuple[bool, Any]:
    """(True, data) for a plain document; (False, None) when positions are needed."""
    if not _plain_enough(text):
        return False, None
    loader = _Loader(text)
    try:
        return True, loader.get_single_data()
    except Exception:  # whatever it is, the positional loader reports it
        return False, None
    finally:
        loader.dispose()
