"""Answers files: `--answers FILE` (YAML, checked like a spec: a bad answer is one line
FILE:LINE:COL) and the remembered `.jenkinsbridge-answers.yml` a later run starts from.

Keys are the questions' keys, flat (``source.url: ...``) or nested (``source: {url: ...}``);
keys starting with ``_`` are metadata (e.g. the jenkinsbridge version that wrote them)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from jenkinsbridge.errors import Problem, SpecError
from jenkinsbridge.spec.yamlpos import Pos, Positions, YamlProblem, load_yaml

from .catalogue import known_key, static_keys
from .question import Answers, Question

__all__ = ["ANSWERS_FILE", "AnswerFile", "FileAsker", "dump_answers", "load_answers", "unused_answers"]

ANSWERS_FILE = ".jenkinsbridge-answers.yml"
MAX_BYTES = 256 * 1024


@dataclass
class AnswerFile:
    path: str
    values: dict[str, Any]
    positions: dict[str, Pos]

    def problem(self, key: str | None, message: str) -> SpecError:
        pos = self.positions.get(key or "", Pos(self.path, 1, 1))
        return SpecError([Problem(pos.file, pos.line, pos.column, key or "", message)])


def _flatten(data: dict[Any, Any], where: Positions, prefix: tuple[Any, ...], values: dict[str, Any],
             positions: dict[str, Pos], key_positions: dict[str, Pos]) -> None:
    for k, v in data.items():
        path = (*prefix, k)
        key = ".".join(str(p) for p in path)
        if isinstance(v, dict) and v:
            _flatten(v, where, path, values, positions, key_positions)
            continue
        values[key] = v
        positions[key] = where.locate(path)
        key_positions[key] = where.locate(path, key=True)


def load_answers(path: Path, *, check_keys: bool = True) -> AnswerFile:
    """Read an answers file; unknown keys and YAML errors are SpecErrors with positions."""
    name = str(path)
    start = Pos(name, 1, 1)

    def fail(pos: Pos, key: str, message: str) -> SpecError:
        return SpecError([Problem(pos.file, pos.line, pos.column, key, message)])

    try:
        if path.stat().st_size > MAX_BYTES:
            raise fail(start, "", f"answers file is larger than {MAX_BYTES // 1024} KiB")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise fail(start, "", "no such file; give a YAML file of answers") from None
    except UnicodeDecodeError:
        raise fail(start, "", "not UTF-8; save the answers file as UTF-8") from None
    except OSError as e:
        raise fail(start, "", f"cannot read: {e.strerror}") from None
    try:
        loaded = load_yaml(text, name)
    except YamlProblem as e:
        raise fail(e.pos, "", e.message) from None
    if loaded.data is None:
        return AnswerFile(name, {}, {})
    if not isinstance(loaded.data, dict):
        raise fail(start, "", "expected a mapping of answers, e.g. 'name: shop-api'")
    values: dict[str, Any] = {}
    positions: dict[str, Pos] = {}
    key_positions: dict[str, Pos] = {}
    _flatten(loaded.data, loaded.positions, (), values, positions, key_positions)
    values = {k: v for k, v in values.items() if not k.startswith("_")}
    if check_keys:
        static = static_keys()
        for key in values:
            if not known_key(key, static):
                close = difflib.get_close_matches(key, sorted(static), n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(sorted(static))
                pos = key_positions[key]
                raise SpecError([Problem(name, pos.line, pos.column, key,
                                         f"unknown answer {key!r}; {hint}")])
    return AnswerFile(name, values, positions)


@dataclass
class FileAsker:
    """Answers from a file; questions it leaves out take their defaults."""

    file: AnswerFile
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        self.notes.append(text)

    def ask(self, question: Question, default: Any, answers: Answers) -> Any:
        given = question.key in self.file.values
        raw = self.file.values[question.key] if given else default
        if not given and raw is None and not question.optional and question.kind != "confirm":
            raise self.file.problem(None, f"no answer for {question.key!r} ({question.prompt}) and "
                                          f"nothing detected; add '{question.key}: ...'")
        try:
            return question.parse(raw, answers)
        except ValueError as e:
            if given:
                raise self.file.problem(question.key, str(e)) from None
            raise self.file.problem(None, f"the default for {question.key!r} does not fit: {e}; "
                                          f"add '{question.key}: ...'") from None


def unused_answers(file: AnswerFile, asked: list[Question]) -> list[str]:
    """One line per answer in the file that no question asked for (it did not apply)."""
    keys = {q.key for q in asked}
    out = []
    for key in file.values:
        if key not in keys:
            pos = file.positions[key]
            out.append(f"{pos.file}:{pos.line}:{pos.column}: {key}: not used; the question does not "
                       "apply with the other answers or what was detected")
    return out


def dump_answers(remembered: dict[str, Any]) -> str:
    header = ("# Answers of `jenkinsbridge wizard`; a later run starts from them.\n"
              "# Non-secret only: credentials are Jenkins credentials IDs.\n")
    return header + yaml.safe_dump(remembered, sort_keys=False, allow_unicode=True)
