"""Counters and latencies of the provisioner, and the metric lines it logs.

Two latencies per build, both from the moment the build entered the queue:
``queue_to_container`` (the agent container was started) and ``queue_to_build`` (the
build began on the agent, from the build's own start time when Jenkins reports it).
"""

from __future__ import annotations

import re
import statistics
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["QUEUE_TO_BUILD", "Stats", "parse_queue_to_build", "percentile"]


# the log line of one build's queue-to-start time (a format for logging and its parser)
QUEUE_TO_BUILD = "metric queue_to_build_seconds=%.3f node=%s item=%s"
_QUEUE_TO_BUILD = re.compile(r"metric queue_to_build_seconds=([0-9.]+) node=\S+ item=(\d+)")


def parse_queue_to_build(lines: Iterable[str]) -> dict[int, float]:
    """Queue item id -> seconds to the build's start, from provisioner log lines."""
    out: dict[int, float] = {}
    for line in lines:
        m = _QUEUE_TO_BUILD.search(line)
        if m:
            out[int(m.group(2))] = float(m.group(1))
    return out


def percentile(values: list[float], p: int) -> float | None:
    """The p-th percentile (inclusive method); None without values."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(sorted(values), n=100, method="inclusive")[p - 1]


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


@dataclass
class Stats:
    launched: int = 0
    finished: int = 0
    failed: int = 0
    to_container: list[float] = field(default_factory=list)  # queue entry -> container started
    to_build: list[float] = field(default_factory=list)  # queue entry -> build running
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def container_started(self, seconds: float) -> None:
        with self._lock:
            self.to_container.append(seconds)

    def build_started(self, seconds: float) -> None:
        with self._lock:
            self.to_build.append(seconds)

    def summary(self) -> dict[str, Any]:
        with self._lock:
            c, b = list(self.to_container), list(self.to_build)
        return {
            "launched": self.launched, "finished": self.finished, "failed": self.failed,
            "queue_to_container_p50": percentile(c, 50), "queue_to_container_p95": percentile(c, 95),
            "queue_to_build_p50": percentile(b, 50), "queue_to_build_p95": percentile(b, 95),
        }

    def line(self, active: int) -> str:
        """One `metric` log line: counters and latency percentiles so far."""
        s = self.summary()
        return (f"metric agents_active={active} launched={s['launched']} finished={s['finished']} "
                f"failed={s['failed']} queue_to_container_p50={_fmt(s['queue_to_container_p50'])} "
                f"queue_to_container_p95={_fmt(s['queue_to_container_p95'])} "
                f"queue_to_build_p50={_fmt(s['queue_to_build_p50'])} "
                f"queue_to_build_p95={_fmt(s['queue_to_build_p95'])}")
