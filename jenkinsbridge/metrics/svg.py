"""Bar chart geometry: where each bar, gap, grid line and label goes in a 320 x 150
box. The markup is written by job_templates/metrics/report.html.j2 (inline SVG that
scales to its container with ``viewBox``): no script, no library, no network."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

__all__ = ["DURATION_TOPS", "Chart", "chart"]

W, H = 320.0, 150.0
LEFT, RIGHT, TOP, BOTTOM = 44.0, 8.0, 10.0, 24.0
# round axis tops for durations: minutes, hours, days
DURATION_TOPS = (60.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0, 4 * 3600.0, 8 * 3600.0, 12 * 3600.0, 86400.0,
                 2 * 86400.0, 7 * 86400.0, 14 * 86400.0, 30 * 86400.0, 90 * 86400.0, 182 * 86400.0, 365 * 86400.0)


@dataclass
class Chart:
    title: str
    css_class: str
    width: float = W
    height: float = H
    grid: list[dict[str, object]] = field(default_factory=list)  # y, x1, x2, label, label_x
    bars: list[dict[str, object]] = field(default_factory=list)  # x, y, w, h, tip
    gaps: list[dict[str, object]] = field(default_factory=list)  # x, y, w, h, cx
    labels: list[dict[str, object]] = field(default_factory=list)  # x, y, text


def _nice(top: float, tops: Sequence[float] = ()) -> float:
    """A round upper bound for the axis: the first of ``tops`` that holds ``top``, else
    1, 2 or 5 times a power of ten."""
    if top <= 0:
        return tops[0] if tops else 1.0
    for t in tops:
        if t >= top:
            return t
    power = 1.0
    while power * 10 <= top:
        power *= 10
    while power > top:
        power /= 10
    for step in (1, 2, 5, 10):
        if step * power >= top:
            return step * power
    return 10 * power


def _r(v: float) -> float:
    return round(v, 1)


def chart(title: str, points: Sequence[tuple[str, float | None]], label: Callable[[float], str], *,
          css_class: str = "chart", tops: Sequence[float] = ()) -> Chart:
    """One bar per point (its name under it); a point without a value is a dashed gap
    marked "n/a". ``label`` formats axis values; ``tops`` are round axis maxima."""
    values = [v for _, v in points if v is not None]
    top = _nice(max(values, default=0.0), tops)
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    n = max(len(points), 1)
    slot = plot_w / n
    bar = max(min(slot * 0.6, 40.0), 2.0)
    c = Chart(title, css_class)
    for frac in (0.0, 0.5, 1.0):
        y = TOP + plot_h * (1 - frac)
        c.grid.append({"y": _r(y), "x1": LEFT, "x2": W - RIGHT, "label": label(top * frac),
                       "label_x": LEFT - 4, "label_y": _r(y + 3)})
    every = 1 if n <= 8 else (n + 7) // 8
    for i, (name, v) in enumerate(points):
        x = LEFT + slot * i + (slot - bar) / 2
        cx = x + bar / 2
        if v is None:
            c.gaps.append({"x": _r(x), "y": _r(TOP + plot_h - 12), "w": _r(bar), "h": 12, "cx": _r(cx),
                           "ty": _r(TOP + plot_h - 15)})
        else:
            h = plot_h * (v / top) if top else 0.0
            c.bars.append({"x": _r(x), "y": _r(TOP + plot_h - h), "w": _r(bar), "h": _r(max(h, 0.5)),
                           "tip": f"{name}: {label(v)}"})
        if i % every == 0:
            c.labels.append({"x": _r(cx), "y": H - 8, "text": name})
    return c
