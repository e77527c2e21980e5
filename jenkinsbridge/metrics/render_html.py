"""The report as one self-contained HTML page, written by
job_templates/metrics/report.html.j2 (the one jinja environment, autoescaped): inline
CSS and SVG charts (one per number over the weeks of the window), a table per job, no
script, nothing loaded from the network; one column on a phone, a grid on a wider screen.

This module only turns the report into display strings and chart geometry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jenkinsbridge.metrics.bands import THRESHOLDS
from jenkinsbridge.metrics.compute import METRICS, MIN_EVENTS
from jenkinsbridge.metrics.fmt import date, duration, figure_text, iso, percent
from jenkinsbridge.metrics.render_text import LABELS
from jenkinsbridge.metrics.report import BANDS_SOURCE, JobReport, Report
from jenkinsbridge.metrics.svg import DURATION_TOPS, chart

__all__ = ["TEMPLATE", "render_html"]

TEMPLATE = "metrics/report.html.j2"
_WEEK_KEYS = {"deployment_frequency": "deploys_per_day", "lead_time": "lead_time_median",
              "change_failure_rate": "change_failure_rate", "time_to_restore": "time_to_restore_median"}


def _axis(metric: str) -> Callable[[float], str]:
    if metric == "deployment_frequency":
        return lambda v: f"{v:.3g}/d"
    if metric == "change_failure_rate":
        return lambda v: f"{v * 100:.0f}%"
    return duration


def _card(metric: str, j: JobReport) -> dict[str, Any]:
    f = j.metrics.figures[metric]
    key = _WEEK_KEYS[metric]
    points = [(date(w["start"])[5:], None if w[key] is None else float(w[key])) for w in j.metrics.weeks]
    tops = DURATION_TOPS if metric in ("lead_time", "time_to_restore") else ()
    return {"label": LABELS[metric], "too_little_data": f.too_little_data, "value": figure_text(metric, f.value),
            "band": f.band, "p90": duration(f.p90) if f.p90 is not None else None, "how": f.how, "events": f.events,
            "chart": chart(f"{LABELS[metric]} per week, {j.job}", points, _axis(metric),
                           css_class=f"chart chart-{metric}", tops=tops)}


def _flaky(stages: list[dict[str, Any]]) -> str:
    return ", ".join(f"{s['stage']} ({s['failed']}/{s['runs']} failed, {s['flips']} flips)" for s in stages) or "none"


def _failure(f: Any) -> str:
    text = f"{iso(f.at)} {f.kind}: {f.image}"
    if f.reason:
        text += f" ({f.reason[:200]})"
    restored = f.restore_seconds
    return text + (f"; restored after {duration(restored)}" if restored is not None else "; not restored")


def _job(j: JobReport) -> dict[str, Any]:
    h = j.health
    return {
        "name": j.job, "env": j.metrics.env, "notes": j.metrics.notes,
        "cards": [_card(m, j) for m in METRICS],
        "weeks": [[date(w["start"]), w["deploys"], w["attempts"], duration(w["lead_time_median"]),
                   percent(w["change_failure_rate"]), duration(w["time_to_restore_median"])]
                  for w in j.metrics.weeks],
        "health": [h.builds, percent(h.success_rate), f"{duration(h.duration_p50)} / {duration(h.duration_p95)}",
                   f"{duration(h.queue_p50)} / {duration(h.queue_p95)}" if h.queue_events else "not recorded",
                   ", ".join(f"{k} {v}" for k, v in h.results.items()) or "-",
                   _flaky(h.flaky_stages) if h.stage_data else "no stage data"],
        "failures": [_failure(f) for f in j.metrics.failures],
    }


def _summary(j: JobReport) -> list[dict[str, Any]]:
    """One cell per number for the overview table: the value and band, or "too little data"."""
    out = []
    for m in METRICS:
        f = j.metrics.figures[m]
        out.append({"text": "too little data" if f.too_little_data else figure_text(m, f.value),
                    "band": None if f.too_little_data else f.band})
    return out


def _footer(report: Report) -> str:
    limits = "; ".join(
        f"{LABELS[m]}: " + ", ".join(f"{name} {'≥' if d == 'higher' else '≤'} {figure_text(m, v)}"
                                     for name, v in lim) + ", else low"
        for m, (d, lim) in THRESHOLDS.items())
    mins = ", ".join(f"{LABELS[m]} {n}" for m, n in MIN_EVENTS.items())
    return (f"Bands: {limits} ({BANDS_SOURCE}). A figure rests on at least: {mins} (days of history for the "
            f"frequency). A deploy followed by a rollback, or by another successful deploy within "
            f"{duration(report.fix_window)}, counts as a failed change. Definitions: docs/metrics.md.")


def render_html(report: Report) -> str:
    from jenkinsbridge.render.environment import environment

    w = report.window
    return environment().get_template(TEMPLATE).render(
        title=f"Delivery metrics: {report.env}",
        subtitle=f"{date(w.start)} to {date(w.end)} ({w.days:.1f} days), generated {iso(report.generated)}",
        notes=report.notes, jobs=[_job(j) for j in report.jobs], footer=_footer(report),
        labels=[LABELS[m] for m in METRICS], overview=[(j.job, _summary(j)) for j in report.jobs])
