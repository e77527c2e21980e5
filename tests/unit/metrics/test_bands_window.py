from __future__ import annotations

import pytest

from jenkinsbridge.errors import UsageError
from jenkinsbridge.metrics.bands import band
from jenkinsbridge.metrics.model import DAY, Window, parse_since

HOUR = 3600.0


@pytest.mark.parametrize(("metric", "value", "expected"), [
    ("deployment_frequency", 3.0, "elite"), ("deployment_frequency", 1.0, "elite"),
    ("deployment_frequency", 1 / 7, "high"), ("deployment_frequency", 1 / 60, "medium"),
    ("deployment_frequency", 1 / 365, "low"), ("deployment_frequency", 0.0, "low"),
    ("lead_time", 59 * 60, "elite"), ("lead_time", HOUR, "high"), ("lead_time", 7 * DAY, "high"),
    ("lead_time", 14 * DAY, "medium"), ("lead_time", 200 * DAY, "low"),
    ("change_failure_rate", 0.0, "elite"), ("change_failure_rate", 0.15, "elite"),
    ("change_failure_rate", 0.2, "high"), ("change_failure_rate", 0.31, "low"),
    ("time_to_restore", 30 * 60, "elite"), ("time_to_restore", 2 * HOUR, "high"),
    ("time_to_restore", 3 * DAY, "medium"), ("time_to_restore", 8 * DAY, "low"),
    ("lead_time", None, None),
])
def test_bands(metric: str, value: float | None, expected: str | None) -> None:
    assert band(metric, value) == expected


def test_since() -> None:
    now = 1_800_000_000.0
    assert parse_since("30d", now) == Window(now - 30 * DAY, now)
    assert parse_since("2w", now).days == 14
    assert parse_since("48h", now).days == 2
    assert parse_since("2026-11-01", now).start == 1_793_491_200.0
    for bad in ("30", "0d", "-1d", "soon", "2999-01-01"):
        with pytest.raises(UsageError):
            parse_since(bad, now)


def test_weeks_are_clipped_mondays() -> None:
    # Wednesday 2026-11-04 to Wednesday 2026-11-18: Wed-Mon, Mon-Mon, Mon-Wed
    start = 1_793_750_400.0
    weeks = Window(start, start + 14 * DAY).weeks()
    assert [round(w.days, 3) for w in weeks] == [5, 7, 2]
    assert weeks[0].start == start and weeks[-1].end == start + 14 * DAY
