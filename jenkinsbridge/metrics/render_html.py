"""The report as one self-contained HTML file: inline CSS, inline SVG charts (one per
number over the weeks of the window), a table per job; no script and nothing loaded
from the network. The layout is one column on a phone, a grid on a wider screen."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from jenkinsbridge.metrics.bands import THRESHOLDS
from jenkinsbridge.metrics.compute import METRICS, MIN_EVENTS
from jenkinsbridge.metrics.fmt import date, duration, figure_text, iso, percent
from jenkinsbridge.metrics.render_text import LABELS
from jenkinsbridge.metrics.report import BANDS_SOURCE, JobReport, Report
from jenkinsbridge.metrics.svg import DURATION_TOPS, bar_chart

__all__ = ["render_html"]

BAND_COLORS = {"elite": "#1a7f37", "high": "#2f81a7", "medium": "#b08800", "low": "#c0392b"}
CSS = """
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;
color:#1f2328;background:#f6f8fa}main{max-width:1100px;margin:0 auto;padding:12px}
h1{font-size:1.4em;margin:.4em 0}h2{font-size:1.15em;margin:1.2em 0 .4em;word-break:break-all}
.sub{color:#57606a;font-size:.9em}.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(230px,1fr));gap:10px}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:10px}
.card h3{font-size:.95em;margin:0 0 4px}.value{font-size:1.5em;font-weight:600}
.band{display:inline-block;color:#fff;border-radius:10px;padding:0 8px;font-size:.8em;margin-left:6px;
vertical-align:middle}
.how{color:#57606a;font-size:.82em}.nodata{color:#8250df;font-size:.85em}
svg.chart{width:100%;height:auto;display:block;margin-top:6px}
svg .grid{stroke:#d0d7de;stroke-width:.6}svg .axis{font-size:9px;fill:#57606a}
svg .gap{fill:none;stroke:#8c959f;stroke-dasharray:2 2}
.table{overflow-x:auto}table{border-collapse:collapse;width:100%;background:#fff;font-size:.88em;margin-top:8px}
th,td{border:1px solid #d0d7de;padding:4px 6px;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
ul{padding-left:1.2em}footer{color:#57606a;font-size:.82em;margin:2em 0}
"""


def _card(metric: str, j: JobReport, weeks: list[dict[str, Any]]) -> str:
    f = j.metrics.figures[metric]
    if f.too_little_data:
        value = '<span class="value">-</span>'
        rated = f'<div class="nodata">too little data: {escape(f.too_little_data)}</div>'
    else:
        value = f'<span class="value">{escape(figure_text(metric, f.value))}</span>'
        if f.band:
            value += f'<span class="band" style="background:{BAND_COLORS[f.band]}">{f.band}</span>'
        if f.p90 is not None:
            value += f' <span class="how">p90 {escape(duration(f.p90))}</span>'
        rated = ""
    tops = DURATION_TOPS if metric in ("lead_time", "time_to_restore") else ()
    chart = bar_chart(f"{LABELS[metric]} per week, {j.job}", _series(metric, weeks), _axis(metric),
                      css_class=f"chart chart-{metric}", tops=tops)
    return (f'<div class="card"><h3>{escape(LABELS[metric])}</h3>{value}{rated}'
            f'<div class="how">{escape(f.how)}; {f.events} events</div>{chart}</div>')


def _series(metric: str, weeks: list[dict[str, Any]]) -> list[tuple[str, float | None]]:
    key = {"deployment_frequency": "deploys", "lead_time": "lead_time_median",
           "change_failure_rate": "change_failure_rate", "time_to_restore": "time_to_restore_median"}[metric]
    return [(date(w["start"])[5:], None if w[key] is None else float(w[key])) for w in weeks]


def _axis(metric: str) -> Callable[[float], str]:
    if metric == "deployment_frequency":
        return lambda v: f"{v:g}"
    if metric == "change_failure_rate":
        return lambda v: f"{v * 100:.0f}%"
    return duration


def _weeks_table(j: JobReport) -> str:
    rows = "".join(
        f"<tr><td>{date(w['start'])}</td><td>{w['deploys']}</td><td>{w['attempts']}</td>"
        f"<td>{duration(w['lead_time_median'])}</td><td>{percent(w['change_failure_rate'])}</td>"
        f"<td>{duration(w['time_to_restore_median'])}</td></tr>" for w in j.metrics.weeks)
    return ('<div class="table"><table><tr><th>week from</th><th>deploys</th><th>attempts</th>'
            f"<th>lead time</th><th>failure rate</th><th>restore</th></tr>{rows}</table></div>")


def _health_table(j: JobReport) -> str:
    h = j.health
    results = ", ".join(f"{k} {v}" for k, v in h.results.items()) or "-"
    queue = f"{duration(h.queue_p50)} / {duration(h.queue_p95)}" if h.queue_events else "not recorded"
    return ('<div class="table"><table><tr><th>builds</th><th>success</th><th>duration p50 / p95</th>'
            f"<th>queue wait p50 / p95</th><th>results</th></tr><tr><td>{h.builds}</td>"
            f"<td>{percent(h.success_rate)}</td><td>{duration(h.duration_p50)} / {duration(h.duration_p95)}</td>"
            f"<td>{queue}</td><td>{escape(results)}</td></tr></table></div>")


def _failures(j: JobReport) -> str:
    if not j.metrics.failures:
        return ""
    items = "".join(
        f"<li>{iso(f.at)} {escape(f.kind)}: {escape(f.image)}"
        + (f" ({escape(f.reason[:200])})" if f.reason else "")
        + (f"; restored after {duration(f.restore_seconds)}" if f.restore_seconds is not None else "; not restored")
        + "</li>" for f in j.metrics.failures)
    return f"<h3>Failed changes</h3><ul>{items}</ul>"


def _job(j: JobReport, env: str) -> str:
    weeks = j.metrics.weeks
    cards = "".join(_card(m, j, weeks) for m in METRICS)
    notes = "".join(f'<p class="nodata">{escape(n)}</p>' for n in j.metrics.notes)
    return (f'<section class="job"><h2>{escape(j.job)} <span class="sub">({escape(env)})</span></h2>{notes}'
            f'<div class="cards">{cards}</div>{_weeks_table(j)}<h3>Build health</h3>{_health_table(j)}'
            f"{_failures(j)}</section>")


def _footer(report: Report) -> str:
    limits = "; ".join(
        f"{LABELS[m]}: " + ", ".join(f"{name} {'≥' if d == 'higher' else '≤'} {figure_text(m, v)}"
                                     for name, v in lim) + ", else low"
        for m, (d, lim) in THRESHOLDS.items())
    mins = ", ".join(f"{LABELS[m]} {n}" for m, n in MIN_EVENTS.items())
    return (f"<footer><p>Bands: {escape(limits)} ({escape(BANDS_SOURCE)}). A figure rests on at least: "
            f"{escape(mins)} (days of history for the frequency). A deploy followed by a rollback, or by "
            f"another successful deploy within {escape(duration(report.fix_window))}, counts as a failed "
            "change. Definitions: docs/metrics.md.</p></footer>")


def render_html(report: Report) -> str:
    w = report.window
    title = f"Delivery metrics: {report.env}"
    jobs = "".join(_job(j, report.env) for j in report.jobs)
    notes = "".join(f'<p class="nodata">{escape(n)}</p>' for n in report.notes)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body><main>"
            f"<h1>{escape(title)}</h1><p class=\"sub\">{date(w.start)} to {date(w.end)} ({w.days:.1f} days), "
            f"generated {iso(report.generated)}</p>{notes}{jobs}{_footer(report)}</main></body></html>\n")
