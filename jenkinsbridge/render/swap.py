"""The temporary trees of a render beside its output, and the swap that puts the new
tree in the output's place.

A render builds ``.OUT.jb-new-PID`` beside OUT. On Linux it and OUT trade places in one
step (fsutil.exchange: renameat2 with RENAME_EXCHANGE), so a reader always finds OUT,
old or new; where the system or the file system cannot, OUT goes aside as
``.OUT.jb-old-PID`` and the new tree is renamed in, a moment without OUT. Then the caller
removes the old tree. A render that was killed leaves these trees behind: the next render
into the same OUT removes those whose process is gone (remove_leftovers).
"""

from __future__ import annotations

import logging
import os
import re
import shutil

from jenkinsbridge.fsutil import exchange

__all__ = ["remove_leftovers", "swap_in", "temporary_tree"]

log = logging.getLogger(__name__)


def temporary_tree(root: str, kind: str, pid: int) -> str:
    """Where a render builds its tree (``new``) or puts the old one while removing it
    (``old``): beside the output, named after it and the process."""
    return f"{os.path.dirname(root)}/.{os.path.basename(root)}.jb-{kind}-{pid}"


def remove_leftovers(root: str) -> list[str]:
    """Remove the temporary trees that renders into ``root`` left when they were killed:
    directories named like ours (see _temporary) whose process is no longer running
    (this process's own id too: it has no render under way). Returns what went."""
    parent, base = os.path.split(root)
    ours = re.compile(rf"\.{re.escape(base)}\.jb-(?:new|old)-([0-9]+)")
    removed: list[str] = []
    try:
        names = os.listdir(parent or ".")
    except OSError:
        return removed
    for name in names:
        m = ours.fullmatch(name)
        if m is None or not _gone(int(m.group(1))):
            continue
        path = os.path.join(parent, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
            log.info("removed %s, left by an interrupted render", path)
            removed.append(path)
    return removed


def _gone(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # EPERM: it runs under another user
        return False
    return False


def swap_in(new: str, root: str) -> str | None:
    """Put the new tree in the output's place. Returns where the old tree is now, for the
    caller to remove (None: there was none)."""
    if not os.path.lexists(root):
        os.rename(new, root)
        return None
    os.chmod(new, os.stat(root).st_mode & 0o7777)
    if exchange(new, root):  # `new` holds the old tree now
        return new
    if _empty_dir(root):  # rename replaces an empty directory in one step
        os.rename(new, root)
        return None
    aside = temporary_tree(root, "old", os.getpid())
    os.rename(root, aside)
    try:
        os.rename(new, root)
    except BaseException:
        os.rename(aside, root)
        raise
    return aside


def _empty_dir(path: str) -> bool:
    try:
        return os.path.isdir(path) and not os.path.islink(path) and not os.listdir(path)
    except OSError:
        return False
