"""DORA performance bands (elite / high / medium / low) for the four numbers.

Source: the Accelerate State of DevOps Report 2021 (DORA, Google Cloud), table
"Software delivery performance". The report's ranges leave gaps (lead time: elite under
an hour, high one day to one week, medium one month to six months); a value in a gap
gets the band just above the gap's upper edge, e.g. a lead time of 5 hours is "high"
and one of two weeks "medium". Time to restore between a week and six months (the
report's low begins at six months) is "low". The report gives high, medium and low the
same change failure range (16-30%); we call 16-30% "high" and above 30% "low".
"""

from __future__ import annotations

from jenkinsbridge.metrics.model import DAY

__all__ = ["BANDS", "THRESHOLDS", "band"]

HOUR = 3600.0
BANDS = ("elite", "high", "medium", "low")

# metric -> ((band, limit), ...) checked in order; "higher" metrics need value >= limit,
# "lower" ones value <= limit (elite lead time and restore: strictly below an hour).
THRESHOLDS: dict[str, tuple[str, tuple[tuple[str, float], ...]]] = {
    # deploys per day: on demand (daily or more) / at least monthly / at least every six months
    "deployment_frequency": ("higher", (("elite", 1.0), ("high", 1 / 30), ("medium", 1 / 182))),
    # seconds, median
    "lead_time": ("lower", (("elite", HOUR - 1e-9), ("high", 7 * DAY), ("medium", 182 * DAY))),
    # fraction of production deploys
    "change_failure_rate": ("lower", (("elite", 0.15), ("high", 0.30))),
    # seconds, median
    "time_to_restore": ("lower", (("elite", HOUR - 1e-9), ("high", DAY - 1e-9), ("medium", 7 * DAY))),
}


def band(metric: str, value: float | None) -> str | None:
    """The band of a value; None when there is no value."""
    if value is None:
        return None
    direction, limits = THRESHOLDS[metric]
    for name, limit in limits:
        if (value >= limit) if direction == "higher" else (value <= limit):
            return name
    return "low"
