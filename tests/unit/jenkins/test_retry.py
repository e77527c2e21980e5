"""The one retry helper: backoff, jitter, Retry-After, the outage window, no real sleep."""

from __future__ import annotations

import pytest

from jenkinsbridge.retry import Retry, retry, retry_after_seconds


class Flaky(Exception):
    pass


def test_backoff_grows_and_is_capped() -> None:
    policy = Retry(attempts=6, delay=0.5, factor=2, max_delay=3)
    assert [policy.wait(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3, 3]


def test_jitter_scales_each_wait_down_at_most_by_its_fraction() -> None:
    policy = Retry(delay=4, jitter=0.5)
    assert policy.wait(1, rand=lambda lo, hi: lo) == 2.0
    assert policy.wait(1, rand=lambda lo, hi: hi) == 4.0


def test_retry_after_wins_when_longer_up_to_the_cap() -> None:
    policy = Retry(delay=1, retry_after_cap=30)
    assert policy.wait(1, "7") == 7
    assert policy.wait(1, "0") == 1
    assert policy.wait(1, "600") == 30
    assert policy.wait(1, "soon") == 1


def test_retry_after_as_an_http_date() -> None:
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", now=lambda: 1445412480.0) == 10.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=lambda: 1445412490.0) == 0.0
    assert retry_after_seconds(None) is None


def test_retries_transient_errors_only_then_raises_the_last() -> None:
    waits: list[float] = []
    calls: list[int] = []

    def action() -> str:
        calls.append(1)
        raise Flaky(f"try {len(calls)}")

    with pytest.raises(Flaky, match="try 3"):
        retry(action, Retry(attempts=3, delay=1), transient=lambda e: isinstance(e, Flaky), what="x",
              sleep=waits.append)
    assert waits == [1, 2]
    with pytest.raises(ValueError):
        retry(lambda: int("x"), Retry(attempts=3), transient=lambda e: isinstance(e, Flaky), what="x",
              sleep=waits.append)
    assert waits == [1, 2]


def test_longer_keeps_going_past_the_attempts_while_it_says_so() -> None:
    seen: list[int] = []
    notes: list[str] = []

    def action() -> str:
        if len(seen) < 5:
            seen.append(1)
            raise Flaky("restarting")
        return "up"

    got = retry(action, Retry(attempts=2, delay=0), transient=lambda e: True, what="GET /",
                longer=lambda e, attempt, spent: attempt < 10, on_retry=notes.append, sleep=lambda s: None)
    assert got == "up" and len(notes) == 5
    assert notes[0] == "GET /: restarting; retrying in 0s (attempt 2/2)"
