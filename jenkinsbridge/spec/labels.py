"""Jenkins label expressions: one parser, for checking a spec and for matching agents.

Grammar (as Jenkins's LabelExpression): labels joined by ``<->`` ``->`` ``||`` ``&&``
(lowest to highest precedence), with ``!`` and parentheses; a label may be quoted.
:func:`parse_label_expression` gives a :class:`LabelExpression` that says whether a set
of node labels satisfies it; a bad expression raises ValueError with what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

__all__ = ["LabelExpression", "parse_label_expression"]

_LABEL = "label"  # the token kind of a label; operators are their own kind
_HELP = "labels are joined by &&, ||, -> or <->, with ! and parentheses, e.g. 'linux && docker'"
_TOKEN = re.compile(r"\s*(?:(\|\||&&|->|<->|!|\(|\))|\"((?:[^\"\\]|\\.)*)\"|([^\s&|!()<>\"-][^\s&|!()<>\"]*))")
_LEVELS = ("<->", "->", "||", "&&")

Pred = Callable[[Collection[str]], bool]


@dataclass(frozen=True)
class LabelExpression:
    text: str
    _pred: Pred

    def matches(self, labels: Collection[str]) -> bool:
        """True when a node with ``labels`` may run what asks for this expression."""
        return self._pred(labels)

    def __str__(self) -> str:
        return self.text


def parse_label_expression(value: str) -> LabelExpression:
    """Parse ``value``; an empty expression matches every node (no restriction)."""
    text = value.strip()
    kinds: list[str] = []
    words: list[str] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            rest = text[pos:].strip()
            raise ValueError(f"unexpected {rest[:10]!r} in label expression {value!r}; {_HELP}")
        if m.group(1):
            kinds.append(m.group(1))
            words.append(m.group(1))
        else:
            kinds.append(_LABEL)
            quoted = m.group(2)
            words.append(re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else m.group(3))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    if not kinds:
        return LabelExpression(value, lambda labels: True)
    parser = _Parser(kinds, words, value)
    pred = parser.expr(0)
    if parser.i != len(kinds):
        raise ValueError(f"unexpected {words[parser.i]!r} in label expression {value!r}; {_HELP}")
    return LabelExpression(value, pred)


class _Parser:
    def __init__(self, kinds: list[str], words: list[str], source: str) -> None:
        self.kinds, self.words, self.source, self.i = kinds, words, source, 0

    def expr(self, level: int) -> Pred:
        if level == len(_LEVELS):
            return self.unary()
        left = self.expr(level + 1)
        while self.i < len(self.kinds) and self.kinds[self.i] == _LEVELS[level]:
            self.i += 1
            left = _combine(_LEVELS[level], left, self.expr(level + 1))
        return left

    def unary(self) -> Pred:
        if self.i >= len(self.kinds):
            raise ValueError(f"label expression {self.source!r} ends too early; expected a label")
        kind, word = self.kinds[self.i], self.words[self.i]
        self.i += 1
        if kind == "!":
            inner = self.unary()
            return lambda labels: not inner(labels)
        if kind == "(":
            inner = self.expr(0)
            if self.i >= len(self.kinds) or self.kinds[self.i] != ")":
                raise ValueError(f"unclosed '(' in label expression {self.source!r}; close it with ')'")
            self.i += 1
            return inner
        if kind == _LABEL:
            return lambda labels: word in labels
        raise ValueError(f"unexpected {kind!r} in label expression {self.source!r}; expected a label")


def _combine(op: str, a: Pred, b: Pred) -> Pred:
    if op == "&&":
        return lambda labels: a(labels) and b(labels)
    if op == "||":
        return lambda labels: a(labels) or b(labels)
    if op == "->":
        return lambda labels: (not a(labels)) or b(labels)
    return lambda labels: a(labels) == b(labels)
