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
stay; when no file changed at all, nothing is written and the old tree stays (writer.py).
Files of the old tree that no spec produces any more are *stale*: those that carry our
marker are reported (and left out with ``prune_stale``); files without the marker are
not ours and are always carried over.
"""

from __future__ import annotations

import contextlib
import functools
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
from jenkinsbridge.render.core import render_folder, render_job
from jenkinsbridge.render.swap import remove_leftovers, swap_in, temporary_tree
from jenkinsbridge.render.writer import Changed, Writer, carry_over, new_flag
from jenkinsbridge.spec.loader import load_spec_file, load_specs, names_clash
from jenkinsbridge.spec.models import Job

__all__ = ["RenderReport", "default_workers", "render_files"]

log = logging.getLogger(__name__)


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
    held: list[str] = field(default_factory=list)  # unchanged files not linked into the new tree yet


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


# whether a file of this render differs from the old tree's: set before workers are forked
_CHANGED: Changed | None = None


def _render_jobs(jobs: Sequence[Job], new: str, old: str | None) -> _Part:
    """Render ``jobs`` and write their files into the new tree."""
    part = _Part()
    writer = Writer(new, old, _CHANGED)
    with _collector_paused():
        for job in jobs:
            rendered = render_job(job)
            writer.write(f"{rendered.path}/config.xml", rendered.config_xml)
            writer.write(f"{rendered.path}/Jenkinsfile", rendered.jenkinsfile)
            part.files += (f"{rendered.path}/config.xml", f"{rendered.path}/Jenkinsfile")
            if job.folder:
                parts = job.folder.split("/")
                part.folders.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    part.written, part.held = writer.written, writer.held or []
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
                part.held += chunk.held
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


def _link_chunk(rels: list[str], new: str, old: str) -> None:
    Writer(new, old).link_old(rels)


def _link_held(held: list[str], new: str, old: str, workers: int) -> None:
    """Link the files that workers held back (unchanged, found before the first change)
    into the new tree; across the workers when there are many."""
    if workers <= 1 or len(held) < 2 * CHUNK_MIN:
        _link_chunk(held, new, old)
        return
    size = -(-len(held) // (2 * workers))  # slices in the order rendered: mostly whole folders each
    chunks = [held[i:i + size] for i in range(0, len(held), size)]
    with _pool(workers) as pool:
        list(pool.map(_link_chunk, chunks, [new] * len(chunks), [old] * len(chunks)))


def _remove_tree(path: str, workers: int) -> None:
    """Remove the old tree once it is out of the output's place; its top directories are
    shared out among the workers when there are several (removing a directory costs the
    kernel as much as making one)."""
    try:
        tops = [e.path for e in os.scandir(path) if e.is_dir(follow_symlinks=False)]
    except OSError:
        tops = []
    if workers > 1 and len(tops) > 1:
        with _pool(workers) as pool:
            list(pool.map(functools.partial(shutil.rmtree, ignore_errors=True), tops))
    shutil.rmtree(path, ignore_errors=True)


def default_workers() -> int:
    """Worker processes worth starting: one per core."""
    return len(os.sched_getaffinity(0))


def render_files(paths: Sequence[str | Path], out: Path, *, workers: int | None = None,
                 prune_stale: bool = False) -> RenderReport:
    """Render every spec file into ``out`` (see the module's comment)."""
    global _CHANGED
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
    _CHANGED = new_flag()  # before any worker is forked
    try:
        if _fill(names, new, old, workers or default_workers(), prune_stale, report):
            try:
                gone = swap_in(new, root)
            except OSError as e:  # e.g. OUT is a mount point: it cannot be renamed
                raise OutputError(f"cannot put the rendered tree in place of {out}: {e.strerror or e}",
                                  path=str(out)) from e
            if gone is not None:
                _remove_tree(gone, workers or default_workers())
        else:  # nothing changed: the old tree stays, the new one is still empty
            os.rmdir(new)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    finally:
        _CHANGED = None
    log.debug("wrote %d files, %d unchanged, %d stale under %s", len(report.written), report.unchanged,
              len(report.stale), out)
    return report


def _fill(paths: list[str], new: str, old: str | None, workers: int, prune: bool,
          report: RenderReport) -> bool:
    """Render into the new tree; whether it is to replace the old one (False: no file changed)."""
    problems: list[Problem] = []
    all_names: list[tuple[str, str | None]] = []
    folders: set[str] = set()
    produced: set[str] = set()
    held: list[str] = []
    try:
        for part in _parts(paths, new, old, workers):
            problems += part.problems
            all_names += part.names
            folders |= part.folders
            produced.update(part.files)
            report.written += part.written
            held += part.held
    except OSError as e:
        raise OutputError(f"cannot write {e.filename or new}: {e.strerror or e}", path=str(e.filename)) from e
    if problems or names_clash(all_names):
        load_specs(paths)  # raises with every problem placed in its file
        raise SpecError(problems)  # pragma: no cover (load_specs finds at least as much)
    writer = Writer(new, old, _CHANGED)
    for folder in sorted(folders):
        writer.write(f"{folder}/config.xml", render_folder(folder).config_xml)
        produced.add(f"{folder}/config.xml")
    report.written += writer.written
    report.unchanged = len(produced) - len(report.written)
    report.jobs = sorted(n for n, _ in all_names)
    report.folders = sorted(folders, key=lambda p: (p.count("/"), p))
    if old is None:
        return True
    report.pruned = prune
    if not (_CHANGED and _CHANGED.value):  # no file differs: the old tree stays unless stale files are to go
        report.stale = carry_over(old, None, produced, prune)
        if not (prune and report.stale):
            return False
    writer.materialize()
    _link_held(held, new, old, workers)
    report.stale = carry_over(old, new, produced, prune)
    return True
