"""Bar charts as inline SVG, drawn here: no script, no library, no network. A chart
scales to its container (``viewBox`` and ``width: 100%``), so it reads on a phone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

__all__ = ["DURATION_TOPS", "bar_chart"]

W, H = 320.0, 150.0
LEFT, RIGHT, TOP, BOTTOM = 44.0, 8.0, 10.0, 24.0


# round axis tops for durations: minutes, hours, days
DURATION_TOPS = (60.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0, 4 * 3600.0, 8 * 3600.0, 12 * 3600.0, 86400.0,
                 2 * 86400.0, 7 * 86400.0, 14 * 86400.0, 30 * 86400.0, 90 * 86400.0, 182 * 86400.0, 365 * 86400.0)


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


def bar_chart(title: str, points: Sequence[tuple[str, float | None]], label: Callable[[float], str], *,
              color: str = "#3b6ea8", css_class: str = "chart", tops: Sequence[float] = ()) -> str:
    """One bar per point (label under it); a point without a value is drawn as a dashed
    gap marked "n/a". ``label`` formats axis values; ``tops`` are round axis maxima."""
    values = [v for _, v in points if v is not None]
    top = _nice(max(values, default=0.0), tops)
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    n = max(len(points), 1)
    slot = plot_w / n
    bar = max(min(slot * 0.6, 40.0), 2.0)
    out = [f'<svg class="{css_class}" viewBox="0 0 {W:.0f} {H:.0f}" role="img" '
           f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">',
           f"<title>{escape(title)}</title>"]
    for frac in (0.0, 0.5, 1.0):
        y = TOP + plot_h * (1 - frac)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" class="grid"/>')
        out.append(f'<text x="{LEFT - 4}" y="{y + 3:.1f}" class="axis" text-anchor="end">'
                   f"{escape(label(top * frac))}</text>")
    for i, (name, v) in enumerate(points):
        x = LEFT + slot * i + (slot - bar) / 2
        cx = x + bar / 2
        if v is None:
            out.append(f'<rect x="{x:.1f}" y="{TOP + plot_h - 12:.1f}" width="{bar:.1f}" height="12" class="gap"/>')
            out.append(f'<text x="{cx:.1f}" y="{TOP + plot_h - 15:.1f}" class="axis" text-anchor="middle">n/a</text>')
        else:
            h = plot_h * (v / top) if top else 0.0
            out.append(f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar:.1f}" height="{max(h, 0.5):.1f}" '
                       f'fill="{color}" class="bar"><title>{escape(name)}: {escape(label(v))}</title></rect>')
        if n <= 8 or i % ((n + 7) // 8) == 0:
            out.append(f'<text x="{cx:.1f}" y="{H - 8:.1f}" class="axis" text-anchor="middle">{escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)
