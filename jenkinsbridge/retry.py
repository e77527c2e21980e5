"""One way to try again: exponential backoff with optional jitter, a server's
Retry-After honoured (up to a cap), and an injectable sleep so tests wait for nothing.
Used by the registry client, the Jenkins wire layer and sync; what counts as transient
is the caller's to say."""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

__all__ = ["Retry", "retry", "retry_after_seconds"]

log = logging.getLogger(__name__)
T = TypeVar("T")


def retry_after_seconds(value: str | None, *, now: Callable[[], float] = time.time) -> float | None:
    """A Retry-After header as seconds: delta-seconds or an HTTP-date (RFC 9110 10.2.3);
    None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now())


@dataclass(frozen=True)
class Retry:
    """``attempts`` tries in all; waits ``delay``, ``delay*factor``, ... up to ``max_delay``,
    each scaled by a random factor in [1 - jitter, 1] (so many clients that failed together
    do not come back together); a Retry-After longer than that wins, up to ``retry_after_cap``."""

    attempts: int = 4
    delay: float = 1.0
    factor: float = 2.0
    max_delay: float = 20.0
    jitter: float = 0.0
    retry_after_cap: float = 30.0

    def wait(self, attempt: int, retry_after: str | None = None, *,
             rand: Callable[[float, float], float] = random.uniform) -> float:
        """Seconds to wait after failed try number ``attempt`` (from 1)."""
        wait = min(self.delay * self.factor ** (attempt - 1), self.max_delay)
        if self.jitter:
            wait *= rand(1.0 - self.jitter, 1.0)
        after = retry_after_seconds(retry_after)
        if after is not None:
            wait = min(max(wait, after), self.retry_after_cap)
        return wait


def retry(action: Callable[[], T], policy: Retry, *, transient: Callable[[BaseException], bool],
          what: str, retry_after: Callable[[BaseException], str | None] = lambda e: None,
          longer: Callable[[BaseException, int, float], bool] = lambda e, attempt, spent: False,
          on_retry: Callable[[str], None] | None = None,
          sleep: Callable[[float], None] = time.sleep) -> T:
    """Run ``action``; when it raises an error ``transient`` accepts, wait and try again,
    ``policy.attempts`` tries in all, and beyond that while ``longer(error, tries, seconds
    spent)`` says so (an outage window). The last error is raised as it is."""
    attempt = 1
    started = time.monotonic()
    while True:
        try:
            return action()
        except Exception as e:  # what is transient is decided by the caller
            if not transient(e):
                raise
            if attempt >= policy.attempts and not longer(e, attempt, time.monotonic() - started):
                raise
            wait = policy.wait(attempt, retry_after(e))
            text = f"{what}: {e}; retrying in {wait:g}s (attempt {attempt + 1}/{policy.attempts})"
            log.info(text)
            if on_retry is not None:
                on_retry(text)
            sleep(wait)
            attempt += 1
