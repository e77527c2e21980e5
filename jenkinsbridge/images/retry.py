"""Retries with exponential backoff for transient registry errors."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

from jenkinsbridge.errors import RegistryUnreachableError, UsageError

__all__ = ["Retry", "retry_from_env", "with_retries"]

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Retry:
    """``attempts`` tries in all; waits ``delay``, ``delay*factor``, ... up to ``max_delay``."""

    attempts: int = 4
    delay: float = 1.0
    factor: float = 2.0
    max_delay: float = 20.0

    def delays(self) -> Iterator[float]:
        wait = self.delay
        for _ in range(self.attempts - 1):
            yield min(wait, self.max_delay)
            wait *= self.factor


def retry_from_env(env: Mapping[str, str]) -> Retry:
    """JB_REGISTRY_RETRIES (tries in all, 1-10) and JB_REGISTRY_RETRY_DELAY (first wait, s)."""
    try:
        attempts = int(env.get("JB_REGISTRY_RETRIES", "4"))
        delay = float(env.get("JB_REGISTRY_RETRY_DELAY", "1"))
    except ValueError as e:
        raise UsageError(f"JB_REGISTRY_RETRIES / JB_REGISTRY_RETRY_DELAY: {e}; give numbers") from e
    if not 1 <= attempts <= 10 or not 0 <= delay <= 60:
        raise UsageError("JB_REGISTRY_RETRIES is 1-10 and JB_REGISTRY_RETRY_DELAY 0-60 seconds")
    return Retry(attempts=attempts, delay=delay)


def with_retries(action: Callable[[], T], retry: Retry, *, what: str,
                 on_retry: Callable[[str], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> T:
    """Run ``action``; on RegistryUnreachableError wait and try again, then give up clearly."""
    delays = retry.delays()
    attempt = 1
    started = time.monotonic()
    while True:
        try:
            return action()
        except RegistryUnreachableError as e:
            wait = next(delays, None)
            if wait is None:
                spent = time.monotonic() - started
                raise RegistryUnreachableError(
                    f"{e} (gave up after {attempt} attempt(s) in {spent:.0f}s)",
                    registry=e.registry) from e
            text = f"{what}: {e}; retrying in {wait:g}s (attempt {attempt + 1}/{retry.attempts})"
            log.info(text)
            if on_retry is not None:
                on_retry(text)
            sleep(wait)
            attempt += 1
