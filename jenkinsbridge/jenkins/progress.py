"""Progress of a long sync, for people: a bar on a terminal, periodic lines otherwise."""

from __future__ import annotations

import threading
import time
from typing import TextIO

from jenkinsbridge.jenkins.plan import Action

__all__ = ["Progress"]

_RESULT = {"create": "created", "update": "updated", "delete": "deleted"}


class Progress:
    """Call with (done, total, action). Quiet below ``threshold`` writes."""

    def __init__(self, stream: TextIO, *, tty: bool | None = None, threshold: int = 20,
                 every: float = 2.0, width: int = 30) -> None:
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.threshold = threshold
        self.every = every
        self.width = width
        self._last: float | None = None
        self._lock = threading.Lock()

    def __call__(self, done: int, total: int, action: Action) -> None:
        if total < self.threshold:
            return
        with self._lock:
            now = time.monotonic()
            if self.tty:
                filled = int(self.width * done / total)
                bar = "#" * filled + "-" * (self.width - filled)
                self.stream.write(f"\r[{bar}] {done}/{total} {_RESULT.get(action.op, action.op)} "
                                  f"{action.key[:40]:40}")
                if done == total:
                    self.stream.write("\n")
                self.stream.flush()
            elif done == total or self._last is None or now - self._last >= self.every:
                self._last = now
                self.stream.write(f"sync: {done}/{total} written ({100 * done // total}%)\n")
                self.stream.flush()
