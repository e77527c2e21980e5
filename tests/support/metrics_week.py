"""A hand-computed fixture week for the delivery metrics: job shop/api, production,
the window Monday 2026-11-02 00:00 UTC to Monday 2026-11-09 00:00 UTC.

The expected figures (tests/unit/metrics/test_week.py) are worked out by hand in the
comments there from the timeline below.
"""

from __future__ import annotations

from datetime import UTC, datetime

from jenkinsbridge.metrics.model import BuildRun, Commit, DeployEvent, Window

__all__ = ["BUILDS", "DEPLOYS", "JOB", "WINDOW", "at"]

JOB = "shop/api"
_DAYS = {"sun-": 1, "mon": 2, "tue": 3, "wed": 4, "thu": 5, "fri": 6, "sat": 7, "sun": 8}


def at(day: str, hhmm: str) -> float:
    """``at("tue", "10:05")``; ``sun-`` is the Sunday before the window (2026-11-01)."""
    h, m = hhmm.split(":")
    return datetime(2026, 11, _DAYS[day], int(h), int(m), tzinfo=UTC).timestamp()


WINDOW = Window(at("mon", "00:00"), at("mon", "00:00") + 7 * 86400)


def _b(number: int, result: str, day: str, hhmm: str, duration: float, *commits: tuple[str, str, str]) -> BuildRun:
    return BuildRun(JOB, number, result, at(day, hhmm), duration, queue_id=1000 + number,
                    commits=tuple(Commit(c, at(d, t)) for c, d, t in commits))


BUILDS = [
    _b(10, "SUCCESS", "sun-", "09:10", 300, ("c0", "sun-", "09:00")),
    _b(11, "SUCCESS", "mon", "10:30", 300, ("c1", "mon", "09:00"), ("c2", "mon", "10:00")),
    _b(12, "FAILURE", "mon", "13:10", 200, ("c3", "mon", "13:00")),
    _b(13, "SUCCESS", "mon", "14:05", 400, ("c4", "mon", "14:00")),
    _b(14, "SUCCESS", "tue", "09:10", 300, ("c5", "tue", "09:00")),
    _b(15, "SUCCESS", "wed", "08:05", 300, ("c6", "wed", "08:00")),
    _b(16, "SUCCESS", "wed", "08:40", 300, ("c7", "wed", "08:30")),
    _b(17, "SUCCESS", "thu", "10:10", 300, ("c8", "thu", "10:00")),
    _b(18, "SUCCESS", "thu", "11:15", 300, ("c9", "thu", "11:10")),
    _b(19, "SUCCESS", "fri", "11:05", 300, ("c10", "fri", "11:00")),
    _b(20, "SUCCESS", "sun", "20:05", 300, ("c11", "sun", "20:00")),
]


def _d(rid: str, action: str, result: str, day: str, hhmm: str, duration: float, build: int | None,
       env: str = "production") -> DeployEvent:
    return DeployEvent(JOB, env, action, result, at(day, hhmm), duration, f"reg/shop-api:{build}", build, rid)


DEPLOYS = [
    _d("b0", "deploy", "success", "sun-", "10:00", 60, 10),     # the baseline, before the window
    _d("s1", "deploy", "success", "mon", "11:00", 60, 11, "staging"),  # another environment
    _d("d1", "deploy", "success", "mon", "12:00", 120, 11),
    _d("d2", "deploy", "success", "mon", "15:00", 120, 13),
    _d("d3", "deploy", "failed", "tue", "10:00", 300, 14),      # failed health gate
    _d("d4", "deploy", "success", "tue", "11:00", 120, 14),
    _d("d5", "deploy", "success", "wed", "09:00", 120, 16),
    _d("r1", "rollback", "success", "wed", "09:30", 60, 14),    # d5 rolled back
    _d("d6", "deploy", "success", "thu", "11:00", 120, 17),
    _d("d7", "deploy", "success", "thu", "11:30", 120, 18),     # fix deploy 28 min after d6
    _d("d8", "deploy", "success", "fri", "14:00", 120, 19),
    _d("p1", "promote", "success", "fri", "15:00", 5, 19),      # not a deploy
    _d("d9", "deploy", "success", "sun", "23:59", 120, 20),     # ends after the window
]
