"""The report as a terminal table."""

from __future__ import annotations

from jenkinsbridge.metrics.compute import METRICS
from jenkinsbridge.metrics.fmt import date, duration, figure_text, percent
from jenkinsbridge.metrics.report import Report

__all__ = ["LABELS", "render_text"]

LABELS = {"deployment_frequency": "deployment frequency", "lead_time": "lead time for changes",
          "change_failure_rate": "change failure rate", "time_to_restore": "time to restore"}


def render_text(report: Report) -> str:
    w = report.window
    lines = [f"Delivery metrics for {report.env}, {date(w.start)} to {date(w.end)} ({w.days:.1f} days)"]
    for j in report.jobs:
        lines += ["", f"{j.job} ({report.env})"]
        for metric in METRICS:
            f = j.metrics.figures[metric]
            if f.too_little_data:
                value, rated = "-", f"too little data: {f.too_little_data}"
            else:
                value = figure_text(metric, f.value)
                if f.p90 is not None:
                    value += f" (p90 {duration(f.p90)})"
                rated = f"{f.band or '-':<6}  {f.how}"
            lines.append(f"  {LABELS[metric]:<22} {value:<22} {rated}")
        h = j.health
        queue = (f", queue wait p50 {duration(h.queue_p50)} p95 {duration(h.queue_p95)}"
                 if h.queue_events else "")
        lines.append(f"  {'builds':<22} {h.builds} finished, success {percent(h.success_rate)}, "
                     f"duration p50 {duration(h.duration_p50)} p95 {duration(h.duration_p95)}{queue}")
        if h.stage_data:
            flaky = ", ".join(f"{s['stage']} ({s['failed']} of {s['runs']} failed, {s['flips']} flips)"
                              for s in h.flaky_stages) or "none"
            lines.append(f"  {'flakiest stages':<22} {flaky}")
        lines += [f"  note: {n}" for n in j.metrics.notes]
    lines += [f"note: {n}" for n in report.notes]
    return "\n".join(lines)
