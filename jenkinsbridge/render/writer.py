"""Writing a render's files into its new tree, and carrying over what the old tree keeps.

A file whose bytes equal those of the old tree's file (size first, then the bytes) is not
written again: the old file is hard-linked into the new tree, so its inode and mtime stay.

When there is an old tree, writing starts *held back*: files equal to the old ones are
only noted, and nothing is made in the new tree. The first file that differs (or a pruned
stale file) means the new tree will replace the old one: the held-back files are linked
in then (``Writer.materialize``) and writing goes on as above. Several worker processes
share one flag (``Changed``), so the first that finds a difference makes the others stop
holding back as well. When no file differs, the new tree stays empty and the old one
stays where it is: a render of unchanged specs reads the old files and writes nothing.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
from typing import Protocol

from jenkinsbridge.render.core import MANAGED_MARKER

__all__ = ["Changed", "Writer", "carry_over", "new_flag"]

MODE = 0o644
_MARKER = MANAGED_MARKER.split(":")[0].encode()  # "Managed by jenkinsbridge" (every file we write)


class Changed(Protocol):
    """Whether some process of this render found a file that differs (a shared byte)."""

    value: int


def new_flag() -> Changed:
    """A flag that processes forked after this call share (shared memory, no lock: it only
    ever goes from 0 to 1)."""
    flag: Changed = multiprocessing.RawValue("b", 0)
    return flag


class Writer:
    """Writes files into the new tree, linking unchanged ones from the old tree; each
    directory is made once. With ``changed`` and an old tree, it holds back (see the
    module's comment) until a file differs."""

    def __init__(self, new: str, old: str | None, changed: Changed | None = None) -> None:
        self.new, self.old = new, old
        self.dirs: set[str] = {""}
        self.written: list[str] = []
        self.changed = changed
        # relative paths of unchanged files not yet linked; None once the tree is being built
        self.held: list[str] | None = [] if old is not None and changed is not None else None

    def _dir(self, rel: str) -> None:
        """Make directory ``rel`` of the new tree: one mkdir (its parent is known)."""
        parent = rel.rpartition("/")[0]
        if parent not in self.dirs:
            self._dir(parent)
        with contextlib.suppress(FileExistsError):  # made by another worker
            os.mkdir(f"{self.new}/{rel}")
        self.dirs.add(rel)

    def write(self, rel: str, text: str) -> None:
        data = text.encode("utf-8")
        same = self.old is not None and _same(f"{self.old}/{rel}", data)
        if self.held is not None:
            if same and not (self.changed and self.changed.value):
                self.held.append(rel)
                return
            self.materialize()
        parent = rel.rpartition("/")[0]
        if parent not in self.dirs:
            self._dir(parent)
        if same and link(f"{self.old}/{rel}", f"{self.new}/{rel}"):
            return
        fd = os.open(f"{self.new}/{rel}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, MODE)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
        self.written.append(rel)

    def materialize(self) -> None:
        """The new tree will replace the old one: link the held-back files into it."""
        held, self.held = self.held or [], None
        if self.changed is not None:
            self.changed.value = 1
        self.link_old(held)

    def link_old(self, rels: list[str]) -> None:
        """Link (or, without hard links, copy) these files of the old tree into the new."""
        for rel in rels:
            parent = rel.rpartition("/")[0]
            if parent not in self.dirs:
                self._dir(parent)
            if not link(f"{self.old}/{rel}", f"{self.new}/{rel}"):
                shutil.copy2(f"{self.old}/{rel}", f"{self.new}/{rel}", follow_symlinks=False)


def link(src: str, dst: str) -> bool:
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


def carry_over(old: str, new: str | None, produced: set[str], prune: bool) -> list[str]:
    """One pass over the old tree: files no spec produced are linked into the new tree
    (none when ``new`` is None: the old tree stays), except stale files of ours when
    pruning; so are empty directories. A directory is made in the new tree only for what
    it receives, so one that held only pruned files is gone. Returns the stale files of
    ours."""
    stale: list[str] = []
    writer = Writer(new, old) if new is not None else None
    pending = [""]
    while pending:
        rel_dir = pending.pop()
        with os.scandir(f"{old}/{rel_dir}" if rel_dir else old) as it:
            entries = list(it)
        if not entries and writer is not None and rel_dir:
            writer._dir(rel_dir)
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if entry.is_dir(follow_symlinks=False):  # a link to a directory is carried as a link
                pending.append(rel)
                continue
            if rel in produced:
                continue
            ours = _carries_marker(entry.path)
            if ours:
                stale.append(rel)
            if writer is not None and not (ours and prune):
                writer.link_old([rel])
    return sorted(stale)


def _carries_marker(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return _MARKER in fh.read(4096)
    except OSError:
        return False
