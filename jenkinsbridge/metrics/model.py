"""What the metrics are computed from: builds (with the commits they brought in),
deploy events, and the window they are counted over. Times are seconds since the epoch
(UTC); durations are seconds."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from jenkinsbridge.errors import UsageError

__all__ = ["DAY", "WEEK", "BuildRun", "Commit", "DeployEvent", "Window", "parse_since"]

DAY = 86400.0
WEEK = 7 * DAY
_SINCE = re.compile(r"^(\d+)([hdw])$")
_UNITS = {"h": 3600.0, "d": DAY, "w": WEEK}


@dataclass(frozen=True)
class Commit:
    id: str
    time: float  # the commit's timestamp as the SCM reports it


@dataclass(frozen=True)
class BuildRun:
    job: str  # full name, folder/name
    number: int
    result: str | None  # SUCCESS, UNSTABLE, FAILURE, ABORTED, NOT_BUILT; None while building
    started: float
    duration: float
    queue_id: int | None = None
    commits: tuple[Commit, ...] = ()


@dataclass(frozen=True)
class DeployEvent:
    job: str
    env: str
    action: str  # deploy | rollback | promote
    result: str  # success | failed | running
    started: float
    duration: float
    image: str
    build: int | None = None  # the build that produced the image, when known
    id: str = ""
    reason: str = ""

    @property
    def end(self) -> float:
        return self.started + self.duration


@dataclass(frozen=True)
class Window:
    """Events count when they end in [start, end). Weeks are Monday 00:00 UTC to the next
    Monday, clipped to the window."""

    start: float
    end: float

    @property
    def days(self) -> float:
        return (self.end - self.start) / DAY

    def __contains__(self, t: float) -> bool:
        return self.start <= t < self.end

    def weeks(self) -> list[Window]:
        first = datetime.fromtimestamp(self.start, UTC)
        monday = datetime(first.year, first.month, first.day, tzinfo=UTC).timestamp() - first.weekday() * DAY
        out = []
        t = monday
        while t < self.end:
            out.append(Window(max(t, self.start), min(t + WEEK, self.end)))
            t += WEEK
        return out


def parse_since(text: str, now: float | None = None) -> Window:
    """``30d``, ``12w``, ``48h`` back from now, or a date ``2026-11-01`` (UTC) up to now."""
    end = time.time() if now is None else now
    m = _SINCE.match(text.strip())
    if m:
        seconds = int(m.group(1)) * _UNITS[m.group(2)]
        if seconds <= 0:
            raise UsageError(f"--since {text}: the window must be longer than zero")
        return Window(end - seconds, end)
    try:
        start = datetime.strptime(text.strip(), "%Y-%m-%d").replace(tzinfo=UTC).timestamp()
    except ValueError:
        raise UsageError(f"--since {text!r}: give a length like 30d, 12w, 48h or a date like 2026-11-01") from None
    if start >= end:
        raise UsageError(f"--since {text}: the date is not in the past")
    return Window(start, end)
