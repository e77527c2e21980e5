"""How figures read for people: durations, rates, dates."""

from __future__ import annotations

from datetime import UTC, datetime

from jenkinsbridge.metrics.compute import UNITS

__all__ = ["date", "duration", "figure_text", "iso", "per_day", "percent"]


def duration(seconds: float | None) -> str:
    """``45s``, ``12m``, ``3h05m``, ``2d04h``; ``-`` for none."""
    if seconds is None:
        return "-"
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        m, sec = divmod(s, 60)
        return f"{m}m{sec:02d}s" if sec and m < 10 else f"{m}m"
    if s < 86400:
        h, rest = divmod(s, 3600)
        return f"{h}h{rest // 60:02d}m"
    d, rest = divmod(s, 86400)
    return f"{d}d{rest // 3600:02d}h"


def percent(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio * 100:.1f}%"


def per_day(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 1 or value == 0:
        return f"{value:.2f}/day"
    return f"{value * 7:.2f}/week"


def figure_text(metric: str, value: float | None) -> str:
    unit = UNITS[metric]
    if unit == "per_day":
        return per_day(value)
    if unit == "ratio":
        return percent(value)
    return duration(value)


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def date(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d")
