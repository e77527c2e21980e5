"""Load spec files into validated :class:`Spec` objects, reporting ALL problems at once.

Each problem is one line ``FILE:LINE:COL: jobs[0].image.tags[1]: what is wrong; what is
allowed``. `defaults` are deep-merged under every job (mappings merge, lists and scalars
of the job replace those of defaults); a problem in an inherited value points at the
line in `defaults`.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from jenkinsbridge.errors import Problem, SpecError
from jenkinsbridge.spec.graph import stage_graph_problems
from jenkinsbridge.spec.models import Job
from jenkinsbridge.spec.yamlpos import Pos, Positions, YamlProblem, load_yaml

__all__ = ["MAX_SPEC_BYTES", "Spec", "format_path", "load_spec_text", "load_specs"]

MAX_SPEC_BYTES = 1024 * 1024
TOP_KEYS = ("version", "defaults", "jobs")

PathT = tuple[str | int, ...]


@dataclass(frozen=True)
class Spec:
    """Validated jobs from one or more spec files."""

    jobs: tuple[Job, ...]
    files: tuple[str, ...]

    def folders(self) -> list[str]:
        """Every folder path the jobs live in, parents first."""
        out: set[str] = set()
        for job in self.jobs:
            if job.folder:
                parts = job.folder.split("/")
                out.update("/".join(parts[: i + 1]) for i in range(len(parts)))
        return sorted(out, key=lambda p: (p.count("/"), p))

    def select(self, name: str | None) -> Job:
        """The job called ``name`` (its name or folder/name); the only job when None."""
        from jenkinsbridge.errors import UsageError

        if name is None:
            if len(self.jobs) == 1:
                return self.jobs[0]
            names = ", ".join(j.full_name for j in self.jobs)
            raise UsageError(f"the spec has {len(self.jobs)} jobs; choose one with --job ({names})")
        found = [j for j in self.jobs if name in (j.name, j.full_name)]
        if len(found) == 1:
            return found[0]
        if not found:
            names = ", ".join(j.full_name for j in self.jobs)
            raise UsageError(f"no job {name!r} in the spec; jobs: {names}")
        raise UsageError(f"job name {name!r} is ambiguous; give folder/name")


def load_specs(paths: Sequence[str | Path]) -> Spec:
    """Load and validate every file; raise SpecError with all problems of the run."""
    problems: list[Problem] = []
    jobs: list[tuple[Job, Pos]] = []
    for p in paths:
        file_jobs, file_problems = _load_file(Path(p))
        jobs.extend(file_jobs)
        problems.extend(file_problems)
    problems.extend(_cross_file_problems(jobs))
    if problems:
        raise SpecError(_dedupe(problems))
    return Spec(tuple(j for j, _ in jobs), tuple(str(p) for p in paths))


def load_spec_text(text: str, file: str = "<spec>") -> Spec:
    """Validate spec text (for the wizard and tests)."""
    jobs, problems = _load_text(text, file)
    problems.extend(_cross_file_problems(jobs))
    if problems:
        raise SpecError(_dedupe(problems))
    return Spec(tuple(j for j, _ in jobs), (file,))


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, int, int, str]] = set()
    out = []
    for p in problems:
        key = (p.file, p.line, p.column, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _problem(pos: Pos, path: str, message: str) -> Problem:
    return Problem(pos.file, pos.line, pos.column, path, message)


def _load_file(path: Path) -> tuple[list[tuple[Job, Pos]], list[Problem]]:
    name = str(path)
    start = Pos(name, 1, 1)
    try:
        size = path.stat().st_size
        if size > MAX_SPEC_BYTES:
            return [], [_problem(start, "", f"file is {size / 1e6:.1f} MB; a spec is at most "
                                 f"{MAX_SPEC_BYTES // 1024} KiB, split the jobs over several files")]
        raw = path.read_bytes()
    except FileNotFoundError:
        return [], [_problem(start, "", "no such file; give the path of a jenkinsbridge.yaml")]
    except IsADirectoryError:
        return [], [_problem(start, "", "is a directory; give the path of a spec file")]
    except OSError as e:
        return [], [_problem(start, "", f"cannot read: {e.strerror}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        return [], [_problem(Pos(name, line, col), "",
                             f"not UTF-8: byte 0x{raw[e.start]:02x} cannot be decoded; "
                             "save the file as UTF-8")]
    return _load_text(text.removeprefix("\ufeff"), name)


def _load_text(text: str, file: str) -> tuple[list[tuple[Job, Pos]], list[Problem]]:
    start = Pos(file, 1, 1)
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SPEC_BYTES:
        return [], [_problem(start, "", f"spec is larger than {MAX_SPEC_BYTES // 1024} KiB; "
                             "split the jobs over several files")]
    try:
        loaded = load_yaml(text, file)
    except YamlProblem as e:
        return [], [_problem(e.pos, "", e.message)]
    data, positions = loaded.data, loaded.positions
    if data is None:
        return [], [_problem(start, "", "the spec is empty; it starts with 'version: 1' and "
                             "a list of jobs")]
    if not isinstance(data, dict):
        return [], [_problem(positions.locate(()), "",
                             f"the spec is {_kind(data)}; expected a mapping with version, "
                             "defaults and jobs")]
    problems: list[Problem] = []
    for key in data:
        if key not in TOP_KEYS:
            problems.append(_problem(positions.locate((key,), key=True), str(key),
                                     _unknown_key(key, TOP_KEYS)))
    if "version" not in data:
        problems.append(_problem(start, "version", "required field is missing; add 'version: 1'"))
    elif data["version"] != 1 or isinstance(data["version"], bool):
        problems.append(_problem(positions.locate(("version",)), "version",
                                 f"unsupported version {data['version']!r}; this jenkinsbridge "
                                 "reads version 1"))
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        problems.append(_problem(positions.locate(("defaults",)), "defaults",
                                 f"expected a mapping of job fields, got {_kind(defaults)}"))
        defaults = {}
    elif "name" in defaults:
        problems.append(_problem(positions.locate(("defaults", "name"), key=True), "defaults.name",
                                 "a job's name cannot be inherited; set it on each job"))
        defaults = {k: v for k, v in defaults.items() if k != "name"}
    raw_jobs = data.get("jobs")
    if "jobs" not in data:
        problems.append(_problem(start, "jobs", "required field is missing; list the jobs "
                                 "under 'jobs:'"))
        return [], problems
    if not isinstance(raw_jobs, list) or not raw_jobs:
        what = "an empty list" if raw_jobs == [] or raw_jobs is None else _kind(raw_jobs)
        problems.append(_problem(positions.locate(("jobs",)), "jobs",
                                 f"expected a list of at least one job, got {what}"))
        return [], problems
    jobs: list[tuple[Job, Pos]] = []
    for i, raw in enumerate(raw_jobs):
        where = _Where(positions, i)
        if not isinstance(raw, dict):
            problems.append(where.problem((), f"expected a job mapping, got {_kind(raw)}"))
            continue
        merged = _merge(defaults, raw)
        try:
            job = Job.model_validate(merged)
        except ValidationError as e:
            problems.extend(_convert(e, where))
            continue
        semantic = _semantic_problems(job, where)
        if semantic:
            problems.extend(semantic)
            continue
        jobs.append((job, positions.locate(("jobs", i))))
    return jobs, problems


class _Where:
    """Locates a path of a merged job: in the job when it is set there, else in defaults."""

    def __init__(self, positions: Positions, index: int) -> None:
        self.positions = positions
        self.index = index

    def problem(self, path: PathT, message: str, *, key: bool = False) -> Problem:
        job_prefix: PathT = ("jobs", self.index)
        pos_map = self.positions.keys if key else self.positions.values
        for n in range(len(path), -1, -1):
            sub = path[:n]
            if (*job_prefix, *sub) in pos_map:
                return _problem(pos_map[(*job_prefix, *sub)], format_path((*job_prefix, *path)),
                                message)
            if n and ("defaults", *sub) in pos_map:
                return _problem(pos_map[("defaults", *sub)], format_path(("defaults", *path)),
                                message)
            pos_map = self.positions.values
        return _problem(self.positions.locate(job_prefix), format_path((*job_prefix, *path)),
                        message)


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _merge(base[k], v) if k in base else v
        return out
    return over


def format_path(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.replace("_", "a").replace("-", "a").isalnum():
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({value[:40]!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _unknown_key(key: Any, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(key), list(allowed), n=1, cutoff=0.6)
    if close:
        return f"unknown key {key!r}; did you mean {close[0]!r}?"
    return f"unknown key {key!r}; allowed: {', '.join(allowed)}"


def _model_at(path: PathT) -> type[BaseModel] | None:
    """The pydantic model that validates the mapping at ``path`` inside a Job."""
    model: Any = Job
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
        field = model.model_fields.get(part)
        if field is None:
            return None
        model = _unwrap(field.annotation)
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _unwrap(tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            if arg is not type(None):
                return _unwrap(arg)
    if origin in (list, tuple):
        return _unwrap(typing.get_args(tp)[0])
    if origin is dict:
        return _unwrap(typing.get_args(tp)[1])
    return tp


_TYPE_WORDS = {
    "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
    "bool_type": "true or false", "bool_parsing": "true or false", "float_type": "a number",
    "list_type": "a list", "dict_type": "a mapping", "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _convert(err: ValidationError, where: _Where) -> list[Problem]:
    out: list[Problem] = []
    for e in err.errors(include_url=False):
        loc: PathT = tuple(p for p in e["loc"] if p != "[key]")
        kind, value, ctx = e["type"], e.get("input"), e.get("ctx") or {}
        if kind == "extra_forbidden":
            model = _model_at(loc[:-1])
            allowed = list(model.model_fields) if model else []
            out.append(where.problem(loc, _unknown_key(loc[-1], allowed), key=True))
            continue
        if kind == "missing":
            out.append(where.problem(loc, "required field is missing"))
            continue
        if kind in _TYPE_WORDS:
            msg = f"expected {_TYPE_WORDS[kind]}, got {_kind(value)}"
            if kind == "string_type" and isinstance(value, int | float) and not isinstance(value, bool):
                msg += f'; quote it: "{value}"'
            if kind == "string_type" and isinstance(value, bool):
                msg += "; quote it if you mean the word"
        elif kind == "literal_error":
            allowed = [a.strip().strip("'") for a in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")]
            close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            msg = f"{value!r} is not allowed; allowed: {', '.join(allowed)}{hint}"
        elif kind in ("greater_than_equal", "greater_than"):
            bound = ctx.get("ge", ctx.get("gt"))
            msg = f"{value!r} is too small; at {'least' if kind.endswith('equal') else 'more than'} {bound}"
        elif kind in ("less_than_equal", "less_than"):
            bound = ctx.get("le", ctx.get("lt"))
            msg = f"{value!r} is too large; at most {bound}"
        elif kind == "too_short":
            msg = f"needs at least {ctx.get('min_length')} item(s)"
        elif kind == "string_pattern_mismatch":
            msg = f"{value!r} does not match the pattern {ctx.get('pattern')}"
        elif kind in ("value_error", "assertion_error"):
            msg = str(ctx.get("error", e["msg"]))
        else:
            msg = e["msg"]
        out.append(where.problem(loc, msg))
    return out


def _semantic_problems(job: Job, where: _Where) -> list[Problem]:
    out: list[Problem] = []
    if job.stages is not None:
        for sub, msg in stage_graph_problems(job.stages):
            out.append(where.problem(("stages", *sub), msg))
    envs: dict[str, int] = {}
    for i, d in enumerate(job.deploy):
        if d.env in envs:
            out.append(where.problem(("deploy", i, "env"),
                                     f"environment {d.env!r} is listed twice (also deploy[{envs[d.env]}])"))
        envs.setdefault(d.env, i)
    if job.deploy and job.image is None:
        out.append(where.problem(("deploy",), "deploy needs an 'image' section: the image to deploy"))
    names: dict[str, int] = {}
    for i, p in enumerate(job.parameters):
        if p.name in names:
            out.append(where.problem(("parameters", i, "name"), f"parameter {p.name!r} is defined twice"))
        names.setdefault(p.name, i)
    if job.triggers.push and job.source.provider == "git" and job.type == "pipeline":
        out.append(where.problem(("triggers", "push"),
                                 "push triggers need source.provider github or gitlab; "
                                 "use triggers.poll for a plain git server"))
    return out


def _cross_file_problems(jobs: list[tuple[Job, Pos]]) -> list[Problem]:
    out: list[Problem] = []
    seen: dict[str, Pos] = {}
    for job, pos in jobs:
        key = job.full_name.casefold()
        if key in seen:
            first = seen[key]
            out.append(_problem(pos, "name", f"job {job.full_name!r} is defined twice "
                                f"(first at {first.file}:{first.line}); names are unique per folder"))
        else:
            seen[key] = pos
    folders = {"/".join(j.folder.split("/")[: i + 1]).casefold()
               for j, _ in jobs if j.folder for i in range(len(j.folder.split("/")))}
    for job, pos in jobs:
        if job.full_name.casefold() in folders:
            out.append(_problem(pos, "name", f"job {job.full_name!r} has the same path as a folder; "
                                "rename the job or the folder"))
    return out
