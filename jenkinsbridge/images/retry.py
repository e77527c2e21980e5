"""Retries of registry requests: the shared backoff (:mod:`jenkinsbridge.retry`) on
RegistryUnreachableError, with the settings users give in the environment."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TypeVar

from jenkinsbridge.errors import RegistryUnreachableError, UsageError
from jenkinsbridge.retry import Retry, retry

__all__ = ["Retry", "retry_from_env", "with_retries"]

T = TypeVar("T")


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


def with_retries(action: Callable[[], T], policy: Retry, *, what: str,
                 on_retry: Callable[[str], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> T:
    """Run ``action``; on RegistryUnreachableError wait and try again, then give up clearly."""
    started = time.monotonic()
    tries = [0]

    def counted() -> T:
        tries[0] += 1
        return action()

    try:
        return retry(counted, policy, transient=lambda e: isinstance(e, RegistryUnreachableError),
                     what=what, on_retry=on_retry, sleep=sleep,
                     retry_after=lambda e: e.retry_after if isinstance(e, RegistryUnreachableError) else None)
    except RegistryUnreachableError as e:
        spent = time.monotonic() - started
        raise RegistryUnreachableError(f"{e} (gave up after {tries[0]} attempt(s) in {spent:.0f}s)",
                                       registry=e.registry) from e
