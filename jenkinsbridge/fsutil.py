"""Files written whole or not at all: a temporary file beside the target, then a rename
(atomic on one file system), so a reader, a crash or an interrupt never sees half a file.
Directories are swapped in one step where the system can (Linux ``renameat2`` with
``RENAME_EXCHANGE``), so a reader never finds the path missing."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["exchange", "staged_directory", "write_atomic"]


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
