"""The wizard: detection, then the questions in order, then a spec. It returns the spec
(a dict that validates as a jenkinsbridge.yaml) and the answers; it writes nothing."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from jenkinsbridge import __version__
from jenkinsbridge.errors import UsageError
from jenkinsbridge.spec.loader import load_spec_text

from .build import build_spec
from .catalogue import Context, catalogue
from .detect import Detection, detect
from .question import Answers, Question, Repeat

__all__ = ["Asker", "DefaultsAsker", "WizardResult", "ask_all", "run_wizard"]

log = logging.getLogger(__name__)


class Asker(Protocol):
    """Where answers come from: a terminal, an answers file, or the defaults."""

    def note(self, text: str) -> None: ...

    def ask(self, question: Question, default: Any, answers: Answers) -> Any: ...


@dataclass
class DefaultsAsker:
    """Accepts every default (detection, remembered answers, best practice)."""

    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        self.notes.append(text)

    def ask(self, question: Question, default: Any, answers: Answers) -> Any:
        if default is None and not question.optional and question.kind != "confirm":
            hint = "pass --language L or " if question.key == "language" else ""
            raise UsageError(f"no default for {question.key} ({question.prompt}); {hint}"
                             f"give it in an answers file (--answers FILE with '{question.key}: ...')")
        return question.parse(default, answers)


@dataclass
class WizardResult:
    spec: dict[str, Any]
    answers: Answers
    detection: Detection
    questions: list[Question]

    def remembered(self) -> dict[str, Any]:
        """The non-secret answers, to start a later run from them."""
        secret = {q.key for q in self.questions if q.secret}
        out: dict[str, Any] = {"_jenkinsbridge_version": __version__}
        out.update({k: v for k, v in self.answers.items() if k not in secret})
        return out


def _remembered_default(q: Question, remembered: Mapping[str, Any], answers: Answers) -> tuple[bool, Any]:
    if q.key not in remembered:
        return False, None
    try:
        return True, q.parse(remembered[q.key], answers)
    except ValueError as e:
        log.debug("remembered answer %s=%r no longer fits: %s", q.key, remembered[q.key], e)
        return False, None


# Answers that follow from the project and its language; stale when either changes.
_LANGUAGE_BOUND = ("version", "agent.label", "stages")


def _still_fitting(remembered: Mapping[str, Any], key: str, value: Any) -> Mapping[str, Any]:
    """Remembered answers were given for one project: a different choice voids them."""
    if key not in remembered or remembered[key] == value:
        return remembered
    if key == "project":
        log.debug("another project than last time: remembered answers are not used")
        return {}
    if key == "language":
        return {k: v for k, v in remembered.items() if k not in _LANGUAGE_BOUND}
    return remembered


def ask_all(ctx: Context, asker: Asker, remembered: Mapping[str, Any] | None = None) -> tuple[Answers, list[Question]]:
    """Ask every question that applies, in order; return the answers and the questions asked."""
    remembered = remembered or {}
    answers: Answers = {}
    if ctx.language is not None:
        answers["language"] = ctx.language
        remembered = _still_fitting(remembered, "language", ctx.language)
    asked: list[Question] = []
    pending: list[Question | Repeat] = list(catalogue(ctx))
    while pending:
        item = pending.pop(0)
        if isinstance(item, Repeat):
            pending[0:0] = item.expand(answers)
            continue
        if not item.applies(answers):
            continue
        for line in item.explain(answers) if item.explain else ():
            asker.note(line)
        found, default = _remembered_default(item, remembered, answers)
        if not found:
            default = item.default_for(answers)
        answers[item.key] = asker.ask(item, default, answers)
        asked.append(item)
        remembered = _still_fitting(remembered, item.key, answers[item.key])
    return answers, asked


def run_wizard(root: Path, asker: Asker, *, language: str | None = None,
               remembered: Mapping[str, Any] | None = None,
               detection: Detection | None = None) -> WizardResult:
    """Detect, ask, and return a validated spec. Raises SpecError if the spec is invalid."""
    detection = detection or detect(root)
    ctx = Context(detection, language)
    for line in detection.explain():
        asker.note(line)
    answers, asked = ask_all(ctx, asker, remembered)
    spec = build_spec(answers, ctx)
    load_spec_text(yaml.safe_dump(spec, sort_keys=False), "<wizard>")
    return WizardResult(spec, answers, detection, asked)
