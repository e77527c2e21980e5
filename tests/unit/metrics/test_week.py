"""Every number of the fixture week equals the hand computation (tests/support/metrics_week.py)."""

from __future__ import annotations

import pytest

from jenkinsbridge.metrics.compute import EnvMetrics, compute_env
from jenkinsbridge.metrics.health import build_health
from tests.support.metrics_week import BUILDS, DEPLOYS, JOB, WINDOW, at


@pytest.fixture(scope="module")
def week() -> EnvMetrics:
    return compute_env(JOB, "production", DEPLOYS, BUILDS, WINDOW)


def test_deployment_frequency(week: EnvMetrics) -> None:
    # production deploys ending in the window: d1 d2 d3 d4 d5 d6 d7 d8 (d9 ends Monday 00:01,
    # b0 before, s1 is staging, r1/p1 are no deploys); successful: all but d3 = 7 in 7 days
    f = week.figures["deployment_frequency"]
    assert (f.value, f.events, f.band, f.too_little_data) == (1.0, 7, "elite", None)


def test_change_failure_rate(week: EnvMetrics) -> None:
    # d3 failed; d5 rolled back by r1; d6 fixed by d7 28 minutes later (< 60); d2 -> d4 and
    # d7 -> d8 are more than an hour apart: 3 of 8
    f = week.figures["change_failure_rate"]
    assert (f.value, f.events, f.band) == (3 / 8, 8, "low")
    assert [(x.deploy_id, x.kind) for x in week.failures] == [
        ("d3", "failed"), ("d5", "rolled back"), ("d6", "fixed by next deploy")]


def test_time_to_restore(week: EnvMetrics) -> None:
    # d3 ends tue 10:05, d4 ends 11:02: 57 min; d5 ends wed 09:02, r1 ends 09:31: 29 min;
    # d6 ends thu 11:02, d7 ends 11:32: 30 min. Median 30 min.
    assert [x.restore_seconds for x in week.failures] == [57 * 60, 29 * 60, 30 * 60]
    f = week.figures["time_to_restore"]
    assert (f.value, f.events, f.band) == (30 * 60, 3, "elite")


def test_lead_time(week: EnvMetrics) -> None:
    # b0 (build 10) is the baseline. d1 (build 11, ends mon 12:02): c1 3h02 c2 2h02;
    # d2 (13, 15:02): c3 (build 12) 2h02, c4 1h02; d3 failed; d4 (14, tue 11:02): c5 2h02;
    # d5 (16, wed 09:02): c6 1h02, c7 0h32; d6 (17, thu 11:02): c8 1h02 (c6, c7 shipped by
    # d5 already); d7 (18, 11:32): c9 0h22; d8 (19, fri 14:02): c10 3h02; d9 outside.
    # sorted minutes: 22 32 62 62 62 122 122 122 182 182 -> median (62+122)/2 = 92 min;
    # p90 (inclusive): rank 0.9*9 = 8.1 -> 182 min
    f = week.figures["lead_time"]
    assert (f.value, f.p90, f.events, f.band) == (92 * 60, 182 * 60, 10, "high")


def test_one_week_bucket_matches_the_window(week: EnvMetrics) -> None:
    assert len(week.weeks) == 1
    w = week.weeks[0]
    assert (w["start"], w["deploys"], w["attempts"], w["change_failure_rate"]) == (at("mon", "00:00"), 7, 8, 3 / 8)
    assert (w["lead_time_median"], w["time_to_restore_median"]) == (92 * 60, 30 * 60)


def test_build_health() -> None:
    # builds 11..20 started in the window; 12 failed: 9/10; durations 200, 300 x8, 400:
    # p50 300, p95 rank 0.95*9 = 8.55 -> 300 + 0.55*100 = 355
    h = build_health(JOB, BUILDS, WINDOW, {1011: 4.0, 1012: 6.0, 1099: 100.0})
    assert (h.builds, h.counted, h.success_rate) == (10, 10, 0.9)
    assert h.duration_p50 == 300 and h.duration_p95 == pytest.approx(355)
    assert (h.queue_events, h.queue_p50) == (2, 5.0)
    assert h.results == {"FAILURE": 1, "SUCCESS": 9}


def test_too_little_data_is_said_not_printed() -> None:
    # the same job in staging: one deploy, history of a few hours before the window's end
    m = compute_env(JOB, "staging", DEPLOYS, BUILDS, WINDOW)
    assert m.figures["deployment_frequency"].too_little_data is not None
    assert m.figures["lead_time"].too_little_data == "0 events; needs 5"
    assert m.figures["change_failure_rate"].too_little_data == "1 events; needs 5"
    assert m.figures["time_to_restore"].too_little_data == "no failed changes to restore"
    assert all(f.band is None for f in m.figures.values())
    empty = compute_env("nobody", "production", DEPLOYS, BUILDS, WINDOW)
    assert empty.figures["deployment_frequency"].too_little_data == "no deploy history"


def test_weeks_split_a_window_from_wednesday() -> None:
    # Wednesday 00:00 to the next Wednesday: Wed-Mon and Mon-Wed. First: d5 d6 d7 d8 (4 of
    # 4 succeed; d5 rolled back, d6 fixed: 2/4); leads c6 62, c7 32, c8 62, c9 22, c10 182
    # -> median 62 min; restores 29 and 30 -> 29.5 min. Second: d9 ends Monday 00:01,
    # shipping c11 (sunday 20:00): 4h01.
    from jenkinsbridge.metrics.model import Window

    start = at("wed", "00:00")
    m = compute_env(JOB, "production", DEPLOYS, BUILDS, Window(start, start + 7 * 86400))
    first, second = m.weeks
    assert (first["deploys"], first["attempts"], first["change_failure_rate"]) == (4, 4, 0.5)
    assert (first["lead_time_median"], first["lead_time_events"]) == (62 * 60, 5)
    assert first["time_to_restore_median"] == 29.5 * 60
    assert first["deploys_per_day"] == 4 / 5  # Wednesday to Monday: 5 days
    assert (second["deploys"], second["lead_time_median"], second["change_failure_rate"]) == (1, 241 * 60, 0.0)
    assert second["time_to_restore_median"] is None
    assert m.figures["deployment_frequency"].value == 5 / 7


def test_a_commit_from_the_future_counts_as_zero() -> None:
    from dataclasses import replace

    from jenkinsbridge.metrics.compute import lead_times
    from jenkinsbridge.metrics.model import Commit

    skewed = [replace(b, commits=(Commit("late", at("mon", "13:00")),)) if b.number == 11 else b for b in BUILDS]
    leads, unlinked = lead_times([d for d in DEPLOYS if d.env == "production"], skewed)
    # d1 ends mon 12:02 and ships build 11, whose one commit claims 13:00: 0, not -58 min;
    # the others as in test_lead_time (d9 included here: no window)
    assert sorted(v for _, v in leads)[:2] == [0.0, 22 * 60]
    assert (len(leads), unlinked) == (10, 0)
