"""Load spec files into validated :class:`Spec` objects, reporting ALL problems at once.

Each problem is one line ``FILE:LINE:COL: jobs[0].image.tags[1]: what is wrong; what is
allowed``. `defaults` are deep-merged under every job (mappings merge, lists and scalars
of the job replace those of defaults); a problem in an inherited value points at the
line in `defaults`.
"""

from __future__ import annotations

import logging
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jenkinsbridge.errors import Problem, SpecError
from jenkinsbridge.spec.fastyaml import load_plain
from jenkinsbridge.spec.messages import PathT, convert, format_path, kind, suggestion, unknown_key
from jenkinsbridge.spec.models import Job
from jenkinsbridge.spec.semantic import job_problems
from jenkinsbridge.spec.yamlpos import Pos, Positions, YamlProblem, load_yaml

__all__ = [
    "MAX_SPEC_BYTES",
    "Spec",
    "format_path",
    "load_spec_file",
    "load_spec_text",
    "load_specs",
    "names_clash",
]

log = logging.getLogger(__name__)

# a documented limit (docs/spec.md): room for 10,000 jobs of about 3 KiB each in one file;
# the alias and value-count limits of the reader guard against YAML bombs
MAX_SPEC_BYTES = 32 * 1024 * 1024
TOP_KEYS = ("version", "defaults", "jobs")


def name_key(path: str) -> str:
    """How Jenkins compares item names: ignoring case (its item maps use
    String.CASE_INSENSITIVE_ORDER, one character at a time)."""
    if path.isascii():  # the same, much faster
        return path.lower()
    return "".join(c.upper().lower() if len(c.upper()) == 1 else c.lower() for c in path)


class _Places:
    """Where the keys and values of one file stand: read with the file when it had to be
    read with positions, else only once a problem has to be located."""

    def __init__(self, text: str, file: str, positions: Positions | None = None) -> None:
        self._text, self._file, self._positions = text, file, positions

    def get(self) -> Positions:
        if self._positions is None:
            self._positions = load_yaml(self._text, self._file).positions
        return self._positions

    def locate(self, path: PathT, *, key: bool = False) -> Pos:
        return self.get().locate(path, key=key)


@dataclass(frozen=True)
class _Named:
    """A job's full name, for duplicate checks across jobs and files."""

    full_name: str
    folder: str | None
    where: _Where

    @property
    def problem(self) -> Problem:
        """Where the name stands (a problem with no message)."""
        return self.where.problem(("name",), "")

    @property
    def pos(self) -> Pos:
        p = self.problem
        return Pos(p.file, p.line, p.column)

    @property
    def path(self) -> str:
        return self.problem.path


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
        if not found:  # Jenkins finds items ignoring case; so do we
            key = name_key(name)
            found = [j for j in self.jobs if key in (name_key(j.name), name_key(j.full_name))]
        if len(found) == 1:
            return found[0]
        if not found:
            names = ", ".join(j.full_name for j in self.jobs)
            raise UsageError(f"no job {name!r} in the spec; jobs: {names}")
        names = ", ".join(j.full_name for j in found)
        raise UsageError(f"job name {name!r} is ambiguous ({names}); give folder/name")


def load_specs(paths: Sequence[str | Path]) -> Spec:
    """Load and validate every file; raise SpecError with all problems of the run."""
    if not paths:
        from jenkinsbridge.errors import UsageError

        raise UsageError("no spec file given; name at least one jenkinsbridge.yaml")
    problems: list[Problem] = []
    jobs: list[Job] = []
    named: list[_Named] = []
    for p in paths:
        loaded = _load_file(Path(p))
        log.debug("%s: %d valid job(s), %d problem(s)", p, len(loaded.jobs), len(loaded.problems))
        jobs.extend(loaded.jobs)
        named.extend(loaded.named)
        problems.extend(loaded.problems)
    problems.extend(_cross_job_problems(named))
    if problems:
        raise SpecError(_dedupe(problems))
    return Spec(tuple(jobs), tuple(str(p) for p in paths))


def load_spec_file(path: str | Path) -> tuple[list[Job], list[Problem], list[tuple[str, str | None]]]:
    """One file on its own, for reading many files one at a time: its valid jobs, the
    problems inside it, and (full name, folder) of each job, for the checks across files
    (:func:`names_clash`; :func:`load_specs` places such problems in the files)."""
    loaded = _load_file(Path(path))
    log.debug("%s: %d valid job(s), %d problem(s)", path, len(loaded.jobs), len(loaded.problems))
    names = [(n.full_name, n.folder) for n in loaded.named]
    return loaded.jobs, loaded.problems + _cross_job_problems(loaded.named), names


def names_clash(names: Sequence[tuple[str, str | None]]) -> bool:
    """Whether two jobs share a name, or a job has the path of a folder (the checks of
    load_specs across jobs and files, without the places)."""
    keys = [name_key(full) for full, _ in names]
    if len(set(keys)) != len(keys):
        return True
    folders = {name_key("/".join(parts[: i + 1])) for _, folder in names if folder
               for parts in [folder.split("/")] for i in range(len(parts))}
    return any(k in folders for k in keys)


def load_spec_text(text: str, file: str = "<spec>") -> Spec:
    """Validate spec text (for the wizard and tests)."""
    loaded = _load_text(text, file)
    problems = loaded.problems + _cross_job_problems(loaded.named)
    if problems:
        raise SpecError(_dedupe(problems))
    return Spec(tuple(loaded.jobs), (file,))


def _dedupe(problems: list[Problem]) -> list[Problem]:
    """One line per problem: a problem in `defaults` is found once for every job."""
    seen: set[tuple[str, int, int, str, str]] = set()
    out = []
    for p in problems:
        key = (p.file, p.line, p.column, p.path, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _problem(pos: Pos, path: str, message: str) -> Problem:
    return Problem(pos.file, pos.line, pos.column, path, message)


@dataclass
class _FileResult:
    jobs: list[Job]
    named: list[_Named]
    problems: list[Problem]


def _failed(pos: Pos, message: str, path: str = "") -> _FileResult:
    return _FileResult([], [], [_problem(pos, path, message)])


def _too_big(size: int) -> str:
    return (f"the spec is {size:,} bytes; a spec file is at most {MAX_SPEC_BYTES:,} bytes "
            f"({MAX_SPEC_BYTES // 2**20} MiB), split the jobs over several files")


def _not_regular(path: Path) -> str | None:
    """Why ``path`` is no file to read a spec from (a FIFO or device blocks or never ends)."""
    mode = path.stat().st_mode
    if stat.S_ISDIR(mode):
        return "is a directory; give the path of a spec file"
    if not stat.S_ISREG(mode):
        what = "a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) \
            else "not a regular file"
        return f"is {what}; give the path of a spec file"
    return None


def _load_file(path: Path) -> _FileResult:
    name = str(path)
    start = Pos(name, 1, 1)
    try:
        refused = _not_regular(path)
        if refused:
            return _failed(start, refused)
        with path.open("rb") as fh:  # read at most one byte more than allowed
            raw = fh.read(MAX_SPEC_BYTES + 1)
            if len(raw) > MAX_SPEC_BYTES:
                fh.seek(0, 2)
                return _failed(start, _too_big(fh.tell()))
    except FileNotFoundError:
        return _failed(start, "no such file; give the path of a jenkinsbridge.yaml")
    except OSError as e:
        return _failed(start, f"cannot read: {e.strerror}; give a readable spec file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        return _failed(Pos(name, line, col), f"not UTF-8: byte 0x{raw[e.start]:02x} cannot be "
                       "decoded; save the file as UTF-8")
    return _load_text(text.removeprefix("\ufeff"), name)


def _load_text(text: str, file: str) -> _FileResult:
    start = Pos(file, 1, 1)
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_SPEC_BYTES:
        return _failed(start, _too_big(size))
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return _failed(Pos(file, line, 1), "contains a NUL byte; a spec is a UTF-8 text file")
    plain, data = load_plain(text)  # a valid spec needs no positions: read it fast
    if plain:
        places = _Places(text, file)
    else:
        try:
            loaded = load_yaml(text, file)
        except YamlProblem as e:
            return _failed(e.pos, e.message)
        data, places = loaded.data, _Places(text, file, loaded.positions)
    if data is None:
        return _failed(start, "the spec is empty; it starts with 'version: 1' and a list of jobs")
    if not isinstance(data, dict):
        return _failed(places.locate(()), f"the spec is {kind(data)}; expected a mapping with "
                       "version, defaults and jobs")
    problems = _top_problems(data, places, start)
    defaults = data.get("defaults")
    if not isinstance(defaults, dict):
        defaults = {}
    defaults = {k: v for k, v in defaults.items() if k != "name"}
    raw_jobs = data.get("jobs")
    if not isinstance(raw_jobs, list):
        return _FileResult([], [], problems)
    result = _FileResult([], [], problems)
    for i, raw in enumerate(raw_jobs):
        where = _Where(places, i)
        if not isinstance(raw, dict):
            problems.append(where.problem((), f"expected a job mapping (name, language, source, ...), "
                                          f"got {kind(raw)}"))
            continue
        merged = _merge(defaults, raw)
        named = _named(merged, where)
        if named is not None:
            result.named.append(named)
        found = [where.problem(loc, msg) for loc, msg in job_problems(merged)]
        try:
            job = Job.model_validate(merged)
        except ValidationError as e:
            found.extend(where.problem(loc, msg, key=key) for loc, msg, key in convert(e))
        if found:
            problems.extend(found)
        else:
            result.jobs.append(job)
    return result


def _top_problems(data: dict[Any, Any], places: _Places, start: Pos) -> list[Problem]:
    problems: list[Problem] = []
    for key in data:
        if key not in TOP_KEYS:
            problems.append(_problem(places.locate((key,), key=True), format_path((str(key),)),
                                     unknown_key(key, TOP_KEYS)))
    misspelt = {suggestion(key, TOP_KEYS) for key in data if key not in TOP_KEYS}
    if "version" not in data:
        if "version" not in misspelt:
            problems.append(_problem(start, "version", "required field is missing; add 'version: 1'"))
    elif data["version"] != 1 or isinstance(data["version"], bool):
        v = data["version"]
        message = (f"version is text ({v!r}); write the number without quotes: version: 1"
                   if isinstance(v, str) and v.strip() == "1" else
                   f"unsupported version {v!r}; this jenkinsbridge reads version 1")
        problems.append(_problem(places.locate(("version",)), "version", message))
    defaults = data.get("defaults")
    if defaults is not None and not isinstance(defaults, dict):  # an empty `defaults:` is fine
        problems.append(_problem(places.locate(("defaults",)), "defaults",
                                 f"expected a mapping of job fields, got {kind(defaults)}"))
    elif isinstance(defaults, dict) and "name" in defaults:
        problems.append(_problem(places.locate(("defaults", "name"), key=True), "defaults.name",
                                 "a job's name cannot be inherited; set it on each job"))
    if "jobs" not in data:
        if "jobs" not in misspelt:
            problems.append(_problem(start, "jobs", "required field is missing; list the jobs "
                                     "under 'jobs:'"))
    elif not isinstance(data["jobs"], list) or not data["jobs"]:
        raw_jobs = data["jobs"]
        what = "an empty list" if raw_jobs == [] else kind(raw_jobs)
        problems.append(_problem(places.locate(("jobs",)), "jobs",
                                 f"expected a list of at least one job, got {what}"))
    return problems


def _named(merged: dict[str, Any], where: _Where) -> _Named | None:
    name, folder = merged.get("name"), merged.get("folder")
    if not isinstance(name, str) or not (folder is None or isinstance(folder, str)):
        return None
    full = f"{folder}/{name}" if folder else name
    return _Named(full, folder, where)


class _Where:
    """Locates a path of a merged job: in the job when it is set there, else in defaults."""

    def __init__(self, places: _Places, index: int) -> None:
        self.places = places
        self.index = index

    def problem(self, path: PathT, message: str, *, key: bool = False) -> Problem:
        job_prefix: PathT = ("jobs", self.index)
        positions = self.places.get()
        pos_map = positions.keys if key else positions.values
        for n in range(len(path), -1, -1):
            sub = path[:n]
            if (*job_prefix, *sub) in pos_map:
                return _problem(pos_map[(*job_prefix, *sub)], format_path((*job_prefix, *path)),
                                message)
            if n and ("defaults", *sub) in pos_map:
                return _problem(pos_map[("defaults", *sub)], format_path(("defaults", *path)),
                                message)
            pos_map = positions.values
        return _problem(positions.locate(job_prefix), format_path((*job_prefix, *path)),
                        message)


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            out[k] = _merge(base[k], v) if k in base else v
        return out
    return over


def _cross_job_problems(named: list[_Named]) -> list[Problem]:
    out: list[Problem] = []
    seen: dict[str, _Named] = {}
    for n in named:
        key = name_key(n.full_name)
        if key in seen:
            first = seen[key]
            out.append(_problem(n.pos, n.path, f"job {n.full_name!r} is defined twice (first at "
                                f"{first.pos.file}:{first.pos.line}:{first.pos.column}); job names are unique per "
                                "folder, ignoring case"))
        else:
            seen[key] = n
    folders = {name_key("/".join(parts[: i + 1]))
               for n in named if n.folder for parts in [n.folder.split("/")] for i in range(len(parts))}
    for n in named:
        if name_key(n.full_name) in folders:
            out.append(_problem(n.pos, n.path, f"job {n.full_name!r} has the same path as a folder; "
                                "rename the job or the folder"))
    return out
