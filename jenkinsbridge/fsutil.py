"""Files written whole or not at all: a temporary file beside the target, then a rename
(atomic on one file system), so a reader, a crash or an interrupt never sees half a file.
Several files go into a directory together (commit_files): all are written first, then
renamed into place with interrupts held back, and a failure puts back what was there.
Directories are swapped in one step where the system can (Linux ``renameat2`` with
``RENAME_EXCHANGE``), so a reader never finds the path missing."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

__all__ = ["commit_files", "exchange", "staged_directory", "write_atomic"]


def write_atomic(path: Path, data: bytes | str, *, mode: int = 0o644, make_parents: bool = True) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` with permissions ``mode``; the file at
    ``path`` is the old one or the new one, never a mix. OSError when it cannot."""
    if make_parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def commit_files(out: Path, files: Mapping[str, bytes | str], *, mode: int = 0o644) -> list[Path]:
    """Write ``files`` (relative '/'-separated path -> content, text as UTF-8) into the
    directory ``out`` (made when missing), all of them or none: each is written into a
    temporary directory inside ``out`` first, then renamed over its target with SIGINT
    held back; when a rename fails, the files replaced so far are put back and the new
    ones removed. Returns the targets. OSError when it cannot (``out`` as it was)."""
    targets = [out / _relative(rel) for rel in files]
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".jb-commit-", dir=out))
    try:
        staged = []
        for i, data in enumerate(files.values()):
            path = staging / f"new-{i}"
            with open(path, "wb") as fh:
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            os.chmod(path, mode)
            staged.append(path)
        with _interrupts_held():
            _move_all(list(zip(staged, targets, strict=True)), out, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return targets


def _relative(rel: str) -> str:
    parts = rel.split("/")
    if rel.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"{rel!r} is not a relative path inside the directory")
    return rel


def _move_all(moves: list[tuple[Path, Path]], out: Path, staging: Path) -> None:
    """Rename each staged file over its target; on a failure undo the renames done."""
    done: list[tuple[Path, Path | None]] = []  # target, the old file kept aside (or None)
    made: list[Path] = []  # directories made for new targets
    try:
        for i, (src, target) in enumerate(moves):
            _make_parents(target, out, made)
            aside = _keep_aside(target, staging / f"old-{i}")
            os.replace(src, target)
            done.append((target, aside))
    except BaseException:
        for target, old in reversed(done):
            if old is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(old, target)
        for d in reversed(made):
            with contextlib.suppress(OSError):
                d.rmdir()
        raise


def _keep_aside(target: Path, aside: Path) -> Path | None:
    """A hard link to (or where there are none, a copy of) the file at ``target`` to put
    back later; None when there is no such file."""
    try:
        os.link(target, aside, follow_symlinks=False)
    except FileNotFoundError:
        return None
    except OSError:
        shutil.copy2(target, aside, follow_symlinks=False)
    return aside


def _make_parents(target: Path, out: Path, made: list[Path]) -> None:
    missing = []
    parent = target.parent
    while parent != out and not parent.is_dir():
        missing.append(parent)
        parent = parent.parent
    for d in reversed(missing):
        d.mkdir()
        made.append(d)


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """SIGINT waits until the block ends (it is delivered then); where signals cannot be
    masked (not the main thread, no signals on this system) the block runs as it is."""
    try:
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    except (AttributeError, ValueError, OSError):
        held = None
    try:
        yield
    finally:
        if held is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)


@contextlib.contextmanager
def staged_directory(out: Path) -> Iterator[Path]:
    """A directory beside ``out`` to fill; when the block ends without an error it
    becomes ``out`` in one rename (``out`` must be missing or empty), otherwise it goes."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        yield tmp
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2  # linux/fs.h
# the call or the file system cannot exchange: the caller falls back to two renames
# (EPERM too: a seccomp filter may refuse an unknown call so; a real permission
# problem shows again in the fallback's own rename)
_NO_EXCHANGE = frozenset({errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EPERM})


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28 and later
    except (OSError, AttributeError):
        return None
    fn.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    fn.restype = ctypes.c_int
    return fn


def exchange(a: str | Path, b: str | Path) -> bool:
    """Swap the entries at ``a`` and ``b`` (both must exist, on one file system) in one
    atomic step. False, with nothing changed, where the system or the file system cannot;
    OSError for any other failure."""
    fn = _renameat2()
    if fn is None:
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in _NO_EXCHANGE:
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))
