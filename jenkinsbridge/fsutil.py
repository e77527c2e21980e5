"""Files written whole or not at all: a temporary file beside the target, then a rename
(atomic on one file system), so a reader, a crash or an interrupt never sees half a file."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["staged_directory", "write_atomic"]


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
