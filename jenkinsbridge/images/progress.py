"""Progress of builds and pushes, for people: what the library reports through
:class:`Progress` and one display that writes it to a stream (the CLI gives stderr).

On a terminal the display is compact (one line for the build step, one per layer of a
push, redrawn in place); otherwise it writes lines (each build step, each layer's
state change); verbose shows the whole build log and every push status.
"""

from __future__ import annotations

import collections
import shutil
import time
from typing import Protocol, TextIO

__all__ = ["NullProgress", "Progress", "StreamProgress"]


class Progress(Protocol):
    def step(self, text: str) -> None:
        """A build step starts ("Step 2/5 : RUN make")."""

    def output(self, line: str, *, noise: bool = False) -> None:
        """A line of build output; ``noise``: the builder's own bookkeeping."""

    def layer(self, layer_id: str, status: str, current: int | None, total: int | None) -> None:
        """A layer's state during a push (Preparing, Pushing, Pushed, Layer already exists)."""

    def note(self, text: str) -> None:
        """A line worth showing (retry, tag pushed)."""

    def failed(self) -> None:
        """The operation failed: show what helps to understand why."""

    def close(self) -> None:
        """The operation ended: leave the terminal clean."""


class NullProgress:
    def step(self, text: str) -> None:
        pass

    def output(self, line: str, *, noise: bool = False) -> None:
        pass

    def layer(self, layer_id: str, status: str, current: int | None, total: int | None) -> None:
        pass

    def note(self, text: str) -> None:
        pass

    def failed(self) -> None:
        pass

    def close(self) -> None:
        pass


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f}{unit}" if unit == "B" else f"{value:.1f}{unit}"
        value /= 1000
    return f"{n}B"  # pragma: no cover


class StreamProgress:
    """Writes progress to ``out``; ``tty`` redraws in place, ``verbose`` shows everything."""

    TAIL = 15  # output lines of the failing step shown on failure
    REDRAW = 0.1  # seconds between redraws on a terminal

    def __init__(self, out: TextIO, *, tty: bool | None = None, verbose: bool = False) -> None:
        self.out = out
        self.tty = out.isatty() if tty is None else tty
        self.verbose = verbose
        self._tail: collections.deque[str] = collections.deque(maxlen=self.TAIL)
        self._layers: dict[str, str] = {}
        self._drawn = 0  # lines currently drawn by the compact display
        self._last_draw = 0.0

    # --- build ---------------------------------------------------------------------
    def step(self, text: str) -> None:
        self._tail.clear()
        if self.tty and not self.verbose:
            self._draw([text], force=True)
        else:
            self._write(text)

    def output(self, line: str, *, noise: bool = False) -> None:
        if not noise:
            self._tail.append(line)
        if self.verbose:
            self._write(line)

    # --- push ----------------------------------------------------------------------
    def layer(self, layer_id: str, status: str, current: int | None, total: int | None) -> None:
        shown = status
        if status == "Pushing" and current is not None:
            shown = f"Pushing {_size(current)}" + (f"/{_size(total)}" if total else "")
        before = self._layers.get(layer_id, "")
        self._layers[layer_id] = shown
        if self.verbose:
            self._write(f"{layer_id}: {shown}")
        elif self.tty:
            self._draw([f"{k}: {v}" for k, v in self._layers.items()],
                       force=not before.startswith(status))
        elif status != "Pushing" or not before.startswith("Pushing"):
            self._write(f"{layer_id}: {status}" + (f" {_size(total)}" if status == "Pushing" and total
                                                   else ""))

    def note(self, text: str) -> None:
        self._forget()
        self._write(text)

    def failed(self) -> None:
        self._forget()
        if self._tail and not self.verbose:
            for line in self._tail:
                self._write(f"  | {line}")

    def close(self) -> None:
        self._forget()
        self._layers.clear()

    # --- drawing -------------------------------------------------------------------------
    def _write(self, line: str) -> None:
        self.out.write(line.rstrip("\n") + "\n")
        self.out.flush()

    def _draw(self, lines: list[str], *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_draw < self.REDRAW:
            return
        self._last_draw = now
        width = max(20, shutil.get_terminal_size((100, 20)).columns - 1)
        text = "\x1b[1A" * max(0, self._drawn - 1) + "\r" if self._drawn else ""
        text += "\n".join(f"\x1b[2K{line[:width]}" for line in lines)
        self.out.write(text)
        self.out.flush()
        self._drawn = len(lines)

    def _forget(self) -> None:
        """Leave the compact display's lines on screen and continue below them."""
        if self._drawn:
            self.out.write("\n")
            self.out.flush()
            self._drawn = 0
