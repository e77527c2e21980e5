"""Waiting for something to happen: one ``poll(until, timeout)`` for every "check, sleep,
check again until a deadline" loop, so the deadline arithmetic lives in one place."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

__all__ = ["poll"]

T = TypeVar("T")


def poll(until: Callable[[], T], timeout: float, *, interval: float = 0.3,
         sleep: Callable[[float], None] = time.sleep,
         clock: Callable[[], float] = time.monotonic) -> T | None:
    """Call ``until`` until it returns something truthy and return that; ``None`` once
    ``timeout`` seconds passed without. ``until`` is called at least once (``timeout=0``:
    exactly once) and may raise to stop the wait early."""
    deadline = clock() + timeout
    while True:
        got = until()
        if got:
            return got
        if clock() >= deadline:
            return None
        sleep(interval)
