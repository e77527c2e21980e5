"""poll(until, timeout): the one wait loop, on a fake clock."""

from __future__ import annotations

import pytest

from jenkinsbridge.waiting import poll


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_returns_the_first_truthy_answer() -> None:
    clock = Clock()
    answers = iter([None, "", "done", "later"])
    assert poll(lambda: next(answers), 10, interval=1, sleep=clock.sleep, clock=clock) == "done"
    assert clock.sleeps == [1, 1]


def test_gives_up_after_the_timeout() -> None:
    clock = Clock()
    calls: list[float] = []

    def never() -> bool:
        calls.append(clock.now)
        return False

    assert poll(never, 2, interval=0.5, sleep=clock.sleep, clock=clock) is None
    assert calls == [0, 0.5, 1.0, 1.5, 2.0]


def test_timeout_zero_asks_exactly_once() -> None:
    clock = Clock()
    calls = []
    assert poll(lambda: calls.append(1), 0, sleep=clock.sleep, clock=clock) is None
    assert calls == [1] and clock.sleeps == []


def test_an_exception_stops_the_wait() -> None:
    def broken() -> bool:
        raise RuntimeError("gone")

    with pytest.raises(RuntimeError, match="gone"):
        poll(broken, 5, sleep=lambda s: None)
