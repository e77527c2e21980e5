"""Jenkins label expressions, evaluated against the labels a template offers.

Grammar (as Jenkins's LabelExpression): atoms joined by ``<->`` ``->`` ``||`` ``&&``
(lowest to highest precedence), with ``!`` and parentheses; atoms may be quoted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

__all__ = ["LabelExpression", "parse_label_expression"]

_TOKEN = re.compile(
    r"\s*(?:(?P<op>\|\||&&|<->|->|!|\(|\))|\"(?P<quoted>(?:[^\"\\]|\\.)*)\"|(?P<atom>[^\s&|!()<>\"]+))"
)

Pred = Callable[[Collection[str]], bool]


@dataclass(frozen=True)
class LabelExpression:
    text: str
    _pred: Pred

    def matches(self, labels: Collection[str]) -> bool:
        return self._pred(labels)

    def __str__(self) -> str:
        return self.text


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError(f"unexpected {text[pos:].strip()[:10]!r} in label expression {text!r}")
        if m["op"]:
            out.append(("op", m["op"]))
        elif m["quoted"] is not None:
            out.append(("atom", re.sub(r"\\(.)", r"\1", m["quoted"])))
        else:
            out.append(("atom", m["atom"]))
        pos = m.end()
    return out


def parse_label_expression(text: str) -> LabelExpression:
    """Parse ``text``; an empty expression matches any node (Jenkins: no restriction)."""
    toks = _tokens(text)
    if not toks:
        return LabelExpression(text, lambda labels: True)
    parser = _Parser(toks, text)
    pred = parser.expr(0)
    if parser.i != len(toks):
        raise ValueError(f"unexpected {toks[parser.i][1]!r} in label expression {text!r}")
    return LabelExpression(text, pred)


class _Parser:
    _LEVELS = ("<->", "->", "||", "&&")

    def __init__(self, toks: list[tuple[str, str]], text: str) -> None:
        self.toks, self.text, self.i = toks, text, 0

    def _peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def expr(self, level: int) -> Pred:
        if level == len(self._LEVELS):
            return self.unary()
        left = self.expr(level + 1)
        op = self._LEVELS[level]
        while self._peek() == ("op", op):
            self.i += 1
            right = self.expr(level + 1)
            left = _combine(op, left, right)
        return left

    def unary(self) -> Pred:
        tok = self._peek()
        if tok is None:
            raise ValueError(f"label expression {self.text!r} ends too early")
        self.i += 1
        if tok == ("op", "!"):
            inner = self.unary()
            return lambda labels: not inner(labels)
        if tok == ("op", "("):
            inner = self.expr(0)
            if self._peek() != ("op", ")"):
                raise ValueError(f"unclosed '(' in label expression {self.text!r}")
            self.i += 1
            return inner
        if tok[0] == "atom":
            atom = tok[1]
            return lambda labels: atom in labels
        raise ValueError(f"unexpected {tok[1]!r} in label expression {self.text!r}")


def _combine(op: str, a: Pred, b: Pred) -> Pred:
    if op == "&&":
        return lambda labels: a(labels) and b(labels)
    if op == "||":
        return lambda labels: a(labels) or b(labels)
    if op == "->":
        return lambda labels: (not a(labels)) or b(labels)
    return lambda labels: a(labels) == b(labels)
