"""A question as typed data: what is asked, of which kind, its default, its choices,
its check, and when it applies. Nothing here talks to a terminal; the adapter in
:mod:`jenkinsbridge.wizard.prompts` turns a Question into a questionary prompt and the
answers file is checked with the same :meth:`Question.parse`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Answers", "Choice", "Kind", "Question", "Repeat"]

Answers = dict[str, Any]
Kind = Literal["text", "confirm", "select", "checkbox"]
ValueType = Literal["str", "int", "list"]


@dataclass(frozen=True)
class Choice:
    value: str
    title: str


def _always(_: Mapping[str, Any]) -> bool:
    return True


@dataclass(frozen=True)
class Question:
    """One question. ``default`` and ``choices`` may depend on earlier answers."""

    key: str
    prompt: str
    kind: Kind = "text"
    default: Any = None
    choices: Sequence[Choice] | Callable[[Answers], Sequence[Choice]] = ()
    check: Callable[[str], None] | None = None  # raises ValueError("what is wrong; what is right")
    when: Callable[[Answers], bool] = _always
    optional: bool = False  # text: an empty answer means "none"
    value_type: ValueType = "str"  # text answers: one string, a whole number, or a list
    bounds: tuple[int, int] | None = None  # for value_type "int"
    secret: bool = False  # never remembered in the answers file
    help: str = ""
    min_selected: int = 0  # checkbox
    explain: Callable[[Answers], Sequence[str]] | None = None  # lines shown before asking

    def applies(self, answers: Answers) -> bool:
        return self.when(answers)

    def default_for(self, answers: Answers) -> Any:
        return self.default(answers) if callable(self.default) else self.default

    def choices_for(self, answers: Answers) -> list[Choice]:
        return list(self.choices(answers) if callable(self.choices) else self.choices)

    # --- values ------------------------------------------------------------------------
    def to_text(self, value: Any) -> str:
        """A value as the text a prompt shows pre-filled."""
        if value is None:
            return ""
        if isinstance(value, list | tuple):
            return ", ".join(str(x) for x in value)
        return str(value)

    def parse(self, raw: Any, answers: Answers | None = None) -> Any:
        """Check an answer (typed text or a value from a YAML file) and return its value.

        Raises ValueError with the reason; the prompt shows it and asks again."""
        answers = answers if answers is not None else {}
        if self.kind == "confirm":
            if not isinstance(raw, bool):
                raise ValueError(f"expected true or false, got {raw!r}")
            return raw
        if self.kind == "select":
            values = [c.value for c in self.choices_for(answers)]
            if raw not in values:
                raise ValueError(f"{raw!r} is not one of: {', '.join(values)}")
            return raw
        if self.kind == "checkbox":
            items = _items(raw)
            values = [c.value for c in self.choices_for(answers)]
            bad = [x for x in items if x not in values]
            if bad:
                raise ValueError(f"{bad[0]!r} is not one of: {', '.join(values)}")
            if len(items) < self.min_selected:
                raise ValueError(f"select at least {self.min_selected}")
            return [v for v in values if v in items]
        return self._parse_text(raw)

    def _parse_text(self, raw: Any) -> Any:
        if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
            if self.optional:
                return [] if self.value_type == "list" else None
            raise ValueError("an answer is required")
        if self.value_type == "list":
            items = _items(raw)
            for item in items:
                self._check(item)
            return list(dict.fromkeys(items))
        if self.value_type == "int":
            if isinstance(raw, bool) or not (isinstance(raw, int) or re.fullmatch(r"\s*\d+\s*", str(raw))):
                raise ValueError(f"{raw!r} is not a whole number")
            number = int(raw)
            if self.bounds and not self.bounds[0] <= number <= self.bounds[1]:
                raise ValueError(f"{number} is out of range; allowed {self.bounds[0]}-{self.bounds[1]}")
            return number
        if not isinstance(raw, str):
            raise ValueError(f"expected text, got {raw!r}; quote it")
        text = raw.strip()
        self._check(text)
        return text

    def _check(self, text: str) -> None:
        if any(ord(c) < 32 or ord(c) == 0x7F for c in text):
            raise ValueError("contains a control character; give one line of printable text")
        if self.check is not None:
            self.check(text)


def _items(raw: Any) -> list[str]:
    if isinstance(raw, str):
        return [x.strip() for x in re.split(r"[,\s]+", raw) if x.strip()]
    if isinstance(raw, list | tuple) and all(isinstance(x, str | int) and not isinstance(x, bool)
                                              for x in raw):
        return [str(x).strip() for x in raw if str(x).strip()]
    raise ValueError(f"expected a list, got {raw!r}")


@dataclass(frozen=True)
class Repeat:
    """Questions asked once per item of an earlier list answer (e.g. per environment).

    Keys are ``<prefix>.<item>.<key of the template question>``."""

    over: str
    prefix: str
    make: Callable[[str], Sequence[Question]]

    def expand(self, answers: Answers) -> list[Question]:
        out: list[Question] = []
        for item in answers.get(self.over) or []:
            out.extend(self.make(item))
        return out
