"""A contact's score curve as inline SVG: points over time, each dimension's points, the MQL
threshold, the events as ticks under the curve (coloured by the points their instant added) and
the outcomes as labelled vertical lines. No script, nothing to fetch."""

from __future__ import annotations

from html import escape

from leadscore.durations import MICROS_PER_DAY, format_instant, parse_instant
from leadscore.journeys.report import ContactJourney
from leadscore.review.charts import (
    ACCENT,
    BOTTOM,
    CONVERTERS,
    INK,
    LEFT,
    RIGHT,
    TOP,
    Frame,
    H,
    W,
    axes,
    open_svg,
    polyline,
    ticks,
)
from leadscore.review.report import Point

DIMENSION_COLOURS = ("#0f766e", "#a16207", "#7c3aed", "#be185d")
UP, DOWN, FLAT = "#15803d", "#b91c1c", "#94a3b8"


def _date_ticks(t0: int, t1: int, n: int = 5) -> list[tuple[float, str]]:
    """Midnights about evenly spread; none so near the right end that its label would be cut."""
    days = max(1, (t1 - t0) // MICROS_PER_DAY)
    step = max(1, -(-days // n)) * MICROS_PER_DAY
    first = -(-t0 // MICROS_PER_DAY) * MICROS_PER_DAY
    last = t1 - (t1 - t0) * 0.06
    return [(float(t), format_instant(t)[:10]) for t in range(first, t1 + 1, step) if t <= last or t == first]


def curve_svg(j: ContactJourney, dimensions: list[str], mql: float | None, index: int) -> str:
    chart = f"curve-{index}"
    title = f"{j.contact_id}: points over time"
    times = [parse_instant(p.at) for p in j.curve]
    values = [float(p.points) for p in j.curve]
    dims = {d: [p.dimensions.get(d, 0.0) for p in j.curve] for d in dimensions if len(dimensions) > 1}
    lo = min(0.0, *values, *(v for vs in dims.values() for v in vs))
    hi = max(*values, *(v for vs in dims.values() for v in vs), mql if mql is not None else values[0], lo + 1)
    f = Frame(float(times[0]), float(times[-1]), lo, hi * 1.08)
    description = (
        f"From {j.curve[0].at[:10]} to {j.curve[-1].at[:10]} the points went from {j.curve[0].points} "
        f"to {j.points}, with a peak of {j.peak_points} on {j.peak_at[:10]}."
    )
    parts = open_svg(chart, title, description)
    parts += axes(
        f,
        _date_ticks(times[0], times[-1]),
        [(v, f"{v:g}") for v in ticks(lo, hi)],
        "time (UTC)",
        "points",
    )
    for o in j.outcomes:
        if o.timestamp is None:
            continue
        x = f.x(float(parse_instant(o.timestamp)))
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP + 14}" y2="{H - BOTTOM}" stroke="{INK}" '
            f'stroke-dasharray="2 3" data-outcome="{escape(o.outcome)}"/>'
            f'<text x="{x + 3:.1f}" y="{TOP + 12}" font-size="10" fill="{INK}">{escape(o.outcome)}</text>'
        )
    if mql is not None:
        y = f.y(mql)
        parts.append(
            f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{CONVERTERS}" stroke-dasharray="6 4"/>'
        )
    for (name, vs), colour in zip(dims.items(), DIMENSION_COLOURS, strict=False):
        pts = [Point(float(t), v) for t, v in zip(times, vs, strict=True)]
        parts.append(
            polyline(f, pts, colour, width=1).replace(
                "<polyline", f'<polyline data-dimension="{escape(name)}"'
            )
        )
    pts = [Point(float(t), v) for t, v in zip(times, values, strict=True)]
    parts.append(polyline(f, pts, ACCENT, width=2).replace("<polyline", '<polyline data-series="points"'))
    base = H - BOTTOM
    for at, added in j.activity:
        x = f.x(float(parse_instant(at)))
        colour = UP if added > 0 else DOWN if added < 0 else FLAT
        tall = 10 if added else 5
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{base - tall}" y2="{base}" stroke="{colour}" stroke-width="1.5">'
            f"<title>{escape(at)} {added:+d}</title></line>"
        )
    return "\n".join([*parts, "</svg>"])


def legend_html(dimensions: list[str], mql: float | None) -> str:
    """The curves' legend as HTML above the chart (inside the plot it would hide the curve)."""
    items = [("points", ACCENT, "solid")]
    if len(dimensions) > 1:
        items += [(f"{d} points", c, "solid") for d, c in zip(dimensions, DIMENSION_COLOURS, strict=False)]
    if mql is not None:
        items.append((f"MQL threshold {mql:g}", CONVERTERS, "dashed"))
    items += [
        ("event added points", UP, "ticks"),
        ("took points away", DOWN, "ticks"),
        ("no change", FLAT, "ticks"),
    ]
    spans = "".join(
        f'<span class="key"><span class="swatch {style}" style="border-color:{colour}"></span>{escape(label)}</span>'
        for label, colour, style in items
    )
    return f'<p class="legend">{spans}</p>'
