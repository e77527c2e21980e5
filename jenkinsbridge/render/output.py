"""Render spec files into an output tree, all or nothing, one job at a time.

The files go into a temporary tree next to the output (``.OUT.jb-new-PID``), which takes
the place of the output only when every spec is valid and every file is written; on any
failure it is removed and the output is as it was (the trees and the swap: swap.py).

Spec files are read one at a time and each job is rendered and written at once, so
memory holds one file's jobs, not every output. With several cores, worker processes
each take whole files when there are as many files as workers; otherwise each file is
loaded here and forked workers render slices of its jobs.

A file whose content is unchanged since the last render is not written again: the old
file is hard-linked into the new tree (same size, same bytes), so its inode and mtime
stay. Files of the old tree that no spec produces any more are *stale*: those that carry
our marker are reported (and left out with ``prune_stale``); files without the marker
are not ours and are always carried over.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import shutil
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from jenkinsbridge.errors import OutputError, Problem, SpecError
from jenkinsbridge.render.core import MANAGED_MARKER, render_folder, render_job
from jenkinsbridge.render.swap import remove_leftovers, swap_in, temporary_tree
from jenkinsbridge.spec.loader import load_spec_file, load_specs, names_clash
from jenkinsbridge.spec.models import Job

__all__ = ["RenderReport", "default_workers", "render_files"]

log = logging.getLogger(__name__)

_MODE = 0o644
_MARKER = MANAGED_MARKER.split(":")[0].encode()  # "Managed by jenkinsbridge" (every file we write)


@dataclass
class RenderReport:
    out: str
    jobs: list[str] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # relative paths of files (re)written
    unchanged: int = 0
    stale: list[str] = field(default_factory=list)  # relative paths of stale files of ours
    pruned: bool = False


@dataclass
class _Part:
    """What one spec file gave: its problems, or its jobs' names and files."""

    problems: list[Problem] = field(default_factory=list)
    names: list[tuple[str, str | None]] = field(default_factory=list)
    folders: set[str] = field(default_factory=set)
    files: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)


class _Writer:
    """Writes files into the new tree, linking unchanged ones from the old tree; each
    directory is made once."""

    def __init__(self, new: str, old: str | None) -> None:
        self.new, self.old = new, old
        self.dirs: set[str] = {""}
        self.written: list[str] = []

    def _dir(self, rel: str) -> None:
        """Make directory ``rel`` of the new tree: one mkdir (its parent is known)."""
        parent = rel.rpartition("/")[0]
        if parent not in self.dirs:
            self._dir(parent)
        with contextlib.suppress(FileExistsError):  # made by another worker
            os.mkdir(f"{self.new}/{rel}")
        self.dirs.add(rel)

    def write(self, rel: str, text: str) -> None:
        parent = rel.rpartition("/")[0]
        if parent not in self.dirs:
            self._dir(parent)
        data = text.encode("utf-8")
        if self.old is not None and _same(f"{self.old}/{rel}", data) and _link(f"{self.old}/{rel}",
                                                                                f"{self.new}/{rel}"):
            return
        fd = os.open(f"{self.new}/{rel}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, _MODE)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        self.written.append(rel)


def _link(src: str, dst: str) -> bool:
    """Hard-link ``src`` as ``dst``; False where the file system has no hard links."""
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        return False
    return True


def _same(path: str, data: bytes) -> bool:
    """Whether the file at ``path`` holds exactly ``data`` (size first, then the bytes;
    four system calls)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        if os.fstat(fd).st_size != len(data):
            return False
        got = b""
        while len(got) <= len(data):
            chunk = os.read(fd, len(data) + 1 - len(got))
            if not chunk:
                break
            got += chunk
        return got == data
    except OSError:
        return False
    finally:
        os.close(fd)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Loading and rendering a file make many objects that live until the file is done,
    and next to no reference cycles (none showed over 10,000 jobs: the same peak memory
    with the cyclic collector off). The collector would walk the live objects again and
    again, 12-15% of the CPU time, so it waits until the file is done; what is freed is
    freed by reference counting as ever."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _render_jobs(jobs: Sequence[Job], new: str, old: str | None) -> _Part:
    """Render ``jobs`` and write their files into the new tree."""
    part = _Part()
    writer = _Writer(new, old)
    with _collector_paused():
        for job in jobs:
            rendered = render_job(job)
            writer.write(f"{rendered.path}/config.xml", rendered.config_xml)
            writer.write(f"{rendered.path}/Jenkinsfile", rendered.jenkinsfile)
            part.files += (f"{rendered.path}/config.xml", f"{rendered.path}/Jenkinsfile")
            if job.folder:
                parts = job.folder.split("/")
                part.folders.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    part.written = writer.written
    return part


def _load(path: str) -> tuple[list[Job], list[Problem], list[tuple[str, str | None]]]:
    with _collector_paused():
        jobs, problems, names = load_spec_file(path)
    return jobs, list(problems), names


def _whole(loaded: tuple[list[Job], list[Problem], list[tuple[str, str | None]]], new: str,
           old: str | None) -> _Part:
    jobs, problems, names = loaded
    part = _render_jobs(jobs, new, old) if not problems else _Part()
    part.problems, part.names = problems, names
    return part


def _render_file(path: str, new: str, old: str | None) -> _Part:
    """Load one spec file and write its jobs (run in a worker process or in-process)."""
    return _whole(_load(path), new, old)


# the jobs of the spec file rendered in chunks: set before the workers are forked, so
# they find the jobs in their copy of this process and nothing is sent to them
_LOADED: list[Job] = []
CHUNK_MIN = 200  # fewer jobs than this per worker: one process renders them


def _render_chunk(start: int, stop: int, new: str, old: str | None) -> _Part:
    return _render_jobs(_LOADED[start:stop], new, old)


def _render_in_chunks(path: str, new: str, old: str | None, workers: int) -> _Part:
    """Load one spec file here, then let forked workers render slices of its jobs."""
    global _LOADED
    loaded = _load(path)
    jobs, problems, names = loaded
    if problems or workers <= 1 or len(jobs) < 2 * CHUNK_MIN:
        return _whole(loaded, new, old)
    size = max(CHUNK_MIN, -(-len(jobs) // (2 * workers)))  # two slices per worker evens out their speeds
    starts = list(range(0, len(jobs), size))
    part = _Part(names=names)
    # by folder: each worker makes its jobs' directories in folders of its own, mostly
    # (creating entries in one directory from two processes waits on its lock)
    _LOADED = sorted(jobs, key=lambda j: j.folder or "")
    try:
        with _pool(workers) as pool:
            for chunk in pool.map(_render_chunk, starts, [i + size for i in starts], [new] * len(starts),
                                  [old] * len(starts)):
                part.files += chunk.files
                part.written += chunk.written
                part.folders |= chunk.folders
    finally:
        _LOADED = []
    return part


@contextlib.contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """Forked workers: they start with the modules (and _LOADED) of this process and need
    nothing sent. Objects made so far are frozen out of the garbage collector meanwhile,
    so the workers' collections do not touch (and copy) the memory they share with it."""
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            yield pool
    finally:
        gc.unfreeze()


def _parts(paths: Sequence[str], new: str, old: str | None, workers: int) -> Iterator[_Part]:
    """Whole files to the workers while there are as many files as workers; otherwise
    one file after another, each in chunks of jobs across the workers."""
    if workers > 1 and len(paths) >= workers:
        with _pool(workers) as pool:
            yield from pool.map(_render_file, paths, [new] * len(paths), [old] * len(paths))
        return
    for p in paths:
        yield _render_in_chunks(p, new, old, workers)


def default_workers() -> int:
    """Worker processes worth starting: one per core."""
    return len(os.sched_getaffinity(0))


def render_files(paths: Sequence[str | Path], out: Path, *, workers: int | None = None,
                 prune_stale: bool = False) -> RenderReport:
    """Render every spec file into ``out`` (see the module's comment)."""
    names = [str(p) for p in paths]
    root = os.path.realpath(out)  # a link to the output: the tree it points at is replaced
    old = root if os.path.isdir(root) and os.listdir(root) else None  # an empty one: nothing to keep
    remove_leftovers(root)
    new = temporary_tree(root, "new", os.getpid())
    report = RenderReport(out=str(out))
    try:
        os.makedirs(new)
    except OSError as e:
        raise OutputError(f"cannot write {e.filename or new}: {e.strerror or e}", path=new) from e
    try:
        _fill(names, new, old, workers or default_workers(), prune_stale, report)
        try:
            swap_in(new, root)
        except OSError as e:  # e.g. OUT is a mount point: it cannot be renamed
            raise OutputError(f"cannot put the rendered tree in place of {out}: {e.strerror or e}",
                              path=str(out)) from e
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    log.debug("wrote %d files, %d unchanged, %d stale under %s", len(report.written), report.unchanged,
              len(report.stale), out)
    return report


def _fill(paths: list[str], new: str, old: str | None, workers: int, prune: bool,
          report: RenderReport) -> None:
    problems: list[Problem] = []
    all_names: list[tuple[str, str | None]] = []
    folders: set[str] = set()
    produced: set[str] = set()
    try:
        for part in _parts(paths, new, old, workers):
            problems += part.problems
            all_names += part.names
            folders |= part.folders
            produced.update(part.files)
            report.written += part.written
    except OSError as e:
        raise OutputError(f"cannot write {e.filename or new}: {e.strerror or e}", path=str(e.filename)) from e
    if problems or names_clash(all_names):
        load_specs(paths)  # raises with every problem placed in its file
        raise SpecError(problems)  # pragma: no cover (load_specs finds at least as much)
    writer = _Writer(new, old)
    for folder in sorted(folders):
        writer.write(f"{folder}/config.xml", render_folder(folder).config_xml)
        produced.add(f"{folder}/config.xml")
    report.written += writer.written
    report.unchanged = len(produced) - len(report.written)
    report.jobs = sorted(n for n, _ in all_names)
    report.folders = sorted(folders, key=lambda p: (p.count("/"), p))
    if old is not None:
        report.stale = _carry_over(old, new, produced, prune)
        report.pruned = prune


def _carry_over(old: str, new: str, produced: set[str], prune: bool) -> list[str]:
    """One pass over the old tree: files no spec produced are linked into the new tree,
    except stale files of ours when pruning. Returns the stale files of ours."""
    stale: list[str] = []
    for dirpath, dirnames, filenames in os.walk(old):
        rel_dir = os.path.relpath(dirpath, old)
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        for d in list(dirnames):
            if os.path.islink(f"{dirpath}/{d}"):  # a link to a directory: carried as a link
                dirnames.remove(d)
                filenames.append(d)
            else:
                os.makedirs(f"{new}/{rel_dir}{d}", exist_ok=True)
        for f in filenames:
            rel = rel_dir + f
            if rel in produced:
                continue
            ours = _carries_marker(f"{old}/{rel}")
            if ours:
                stale.append(rel)
            if not (ours and prune) and not _link(f"{old}/{rel}", f"{new}/{rel}"):
                shutil.copy2(f"{old}/{rel}", f"{new}/{rel}", follow_symlinks=False)
    if prune:  # directories that held only stale files go too
        for dirpath, _dirs, _files in os.walk(new, topdown=False):
            if dirpath != new and not os.listdir(dirpath):
                os.rmdir(dirpath)
    return sorted(stale)


def _carries_marker(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return _MARKER in fh.read(4096)
    except OSError:
        return False
