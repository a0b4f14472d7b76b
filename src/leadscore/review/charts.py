"""Charts as inline SVG: no JavaScript, no fonts or files to fetch, readable without colour.

Each function returns one `<svg>` element with a `<title>` (read by screen readers and shown
on hover), axis labels and a legend. Coordinates are in a fixed viewBox; the page scales it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from leadscore.review.report import Bin, Group, Point

W, H = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 40, 56
CONVERTERS = "#c2410c"  # dark orange
OTHERS = "#64748b"  # slate
ACCENT = "#1d4ed8"  # blue
GRID = "#e2e8f0"
INK = "#1e293b"

Fmt = Callable[[float], str]


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _f(x: float) -> str:
    return f"{x:.1f}"


@dataclass(frozen=True)
class Frame:
    """The plotting area and the data ranges it maps."""

    x0: float
    x1: float
    y0: float
    y1: float

    def x(self, v: float) -> float:
        span = (self.x1 - self.x0) or 1.0
        return LEFT + (v - self.x0) / span * (W - LEFT - RIGHT)

    def y(self, v: float) -> float:
        span = (self.y1 - self.y0) or 1.0
        return H - BOTTOM - (v - self.y0) / span * (H - TOP - BOTTOM)


def open_svg(chart: str, title: str, description: str) -> list[str]:
    return [
        f'<svg class="chart" data-chart="{chart}" viewBox="0 0 {W} {H}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="{chart}-title {chart}-desc">',
        f'<title id="{chart}-title">{escape(title)}</title>',
        f'<desc id="{chart}-desc">{escape(description)}</desc>',
        f'<text x="{LEFT}" y="22" font-size="15" font-weight="600" fill="{INK}">{escape(title)}</text>',
    ]


def axes(f: Frame, x_ticks: Sequence[tuple[float, str]], y_ticks: Sequence[tuple[float, str]],
          x_label: str, y_label: str) -> list[str]:  # fmt: skip
    out = []
    for v, label in y_ticks:
        y = f.y(v)
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        out.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="{INK}">{escape(label)}</text>'
        )
    for v, label in x_ticks:
        x = f.x(v)
        out.append(
            f'<text x="{x:.1f}" y="{H - BOTTOM + 16}" font-size="11" text-anchor="middle" fill="{INK}">{escape(label)}</text>'
        )
    out.append(
        f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{H - BOTTOM}" y2="{H - BOTTOM}" stroke="{INK}"/>'
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{H - BOTTOM}" stroke="{INK}"/>'
    )
    out.append(
        f'<text x="{(LEFT + W - RIGHT) / 2:.0f}" y="{H - 14}" font-size="12" text-anchor="middle" fill="{INK}">{escape(x_label)}</text>'
    )
    cy = (TOP + H - BOTTOM) / 2
    out.append(
        f'<text x="16" y="{cy:.0f}" font-size="12" text-anchor="middle" fill="{INK}" '
        f'transform="rotate(-90 16 {cy:.0f})">{escape(y_label)}</text>'
    )
    return out


def legend(items: Sequence[tuple[str, str, bool]], bottom: bool = False) -> list[str]:
    """(label, colour, dashed) in the top right corner (or the bottom right one)."""
    out = []
    x = W - RIGHT - 190
    first = H - BOTTOM - 12 - 18 * (len(items) - 1) if bottom else TOP + 8
    for i, (label, colour, dashed) in enumerate(items):
        y = first + 18 * i
        dash = ' stroke-dasharray="5 4"' if dashed else ""
        out.append(
            f'<line x1="{x}" x2="{x + 22}" y1="{y}" y2="{y}" stroke="{colour}" stroke-width="3"{dash}/>'
        )
        out.append(f'<text x="{x + 28}" y="{y + 4}" font-size="11" fill="{INK}">{escape(label)}</text>')
    return out


def empty(chart: str, title: str, why: str) -> str:
    parts = open_svg(chart, title, why)
    parts.append(
        f'<text x="{W / 2}" y="{H / 2}" font-size="13" text-anchor="middle" fill="{INK}">{escape(why)}</text>'
    )
    return "\n".join([*parts, "</svg>"])


def ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / n
    step = next(s for s in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 1e4, 1e5)
                if s >= raw)  # fmt: skip
    first = (lo // step) * step
    out = []
    v = first
    while v <= hi + 1e-9:
        if v >= lo - 1e-9:
            out.append(round(v, 6))
        v += step
    return out


def distribution(bins: Sequence[Bin]) -> str:
    """Score distributions: each bin's share of converters and of non-converters, side by side."""
    title = "Score distribution: converters vs non-converters"
    usable = [b for b in bins if b.converters_share is not None or b.non_converters_share is not None]
    if not usable:
        return empty("distribution", title, "no contacts to show")
    top = max(max(b.converters_share or 0, b.non_converters_share or 0) for b in bins) or 1.0
    f = Frame(0, len(bins), 0, top * 1.1)
    parts = open_svg(
        "distribution",
        title,
        "For each range of points, the share of all converters and the share of all non-converters "
        "that fall in it. A good model puts the converters to the right.",
    )
    y_ticks = [(v, _pct(v)) for v in ticks(0, top * 1.1)]
    every = max(1, len(bins) // 8)
    x_ticks = [(i + 0.5, f"{b.lo}") for i, b in enumerate(bins) if i % every == 0]
    parts += axes(f, x_ticks, y_ticks, "points at the cutoff (start of each range)", "share of the group")
    slot = f.x(1) - f.x(0)
    bar = slot * 0.4
    for i, b in enumerate(bins):
        for j, (share, colour, who, n) in enumerate(
            ((b.non_converters_share, OTHERS, "non-converters", b.non_converters),
             (b.converters_share, CONVERTERS, "converters", b.converters))
        ):  # fmt: skip
            if not share:
                continue
            x = f.x(i) + slot * 0.1 + j * bar
            y = f.y(share)
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{f.y(0) - y:.1f}" fill="{colour}">'
                f"<title>{b.lo}…{b.hi} points: {n:,} {who} ({100 * share:.1f}% of them)</title></rect>"
            )
    parts += legend([("non-converters", OTHERS, False), ("converters", CONVERTERS, False)])
    return "\n".join([*parts, "</svg>"])


def conversion_bars(groups: Sequence[Group], rate: float | None, what: str) -> str:
    """Conversion rate per band (or decile), with the average as a dashed line."""
    title = f"Conversion by {what}"
    rated = [g for g in groups if g.rate is not None]
    if not rated:
        return empty("bands", title, "no contacts to show")
    top = max(max(g.rate or 0 for g in rated), rate or 0) or 1.0
    f = Frame(0, len(rated), 0, top * 1.15)
    parts = open_svg(
        "bands",
        title,
        f"The share of contacts in each {what} that converted in the horizon; the dashed line is the "
        "average of all contacts. Better bands should convert more.",
    )
    parts += axes(
        f,
        [(i + 0.5, g.label) for i, g in enumerate(rated)],
        [(v, _pct(v)) for v in ticks(0, top * 1.15)],
        what,
        "conversion rate",
    )
    slot = f.x(1) - f.x(0)
    for i, g in enumerate(rated):
        assert g.rate is not None
        x, y = f.x(i) + slot * 0.2, f.y(g.rate)
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.6:.1f}" height="{f.y(0) - y:.1f}" fill="{ACCENT}">'
            f"<title>{escape(g.label)}: {g.converters:,} of {g.contacts:,} converted ({100 * g.rate:.1f}%)</title></rect>"
        )
        parts.append(
            f'<text x="{x + slot * 0.3:.1f}" y="{y - 4:.1f}" font-size="10" text-anchor="middle" fill="{INK}">'
            f"{100 * g.rate:.1f}%</text>"
        )
    if rate is not None:
        y = f.y(rate)
        parts.append(
            f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{CONVERTERS}" stroke-dasharray="5 4"/>'
        )
        parts += legend([(f"average {100 * rate:.1f}%", CONVERTERS, True)])
    return "\n".join([*parts, "</svg>"])


def polyline(f: Frame, pts: Sequence[Point], colour: str, dashed: bool = False, width: int = 3) -> str:
    coords = " ".join(f"{f.x(p.x):.1f},{f.y(p.y):.1f}" for p in pts)
    dash = ' stroke-dasharray="5 4"' if dashed else ""
    return f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="{width}"{dash}/>'


def _unit_axes(f: Frame, x_label: str, y_label: str) -> list[str]:
    ticks = [(v, _pct(v)) for v in (0, 0.2, 0.4, 0.6, 0.8, 1.0)]
    return axes(f, ticks, ticks, x_label, y_label)


def gains(curve: Sequence[Point], marks: Sequence[tuple[float, float, float | None]]) -> str:
    """Cumulative gains: calling the best-scored x % finds y % of the converters.

    `marks` are (share, gain, lift) points to label, such as the top 10 % and 20 %."""
    title = "Gains: converters found by calling the best-scored leads first"
    if not curve:
        return empty("gains", title, "no converters: gains are not defined")
    f = Frame(0, 1, 0, 1)
    parts = open_svg(
        "gains",
        title,
        "Follow the curve: calling the best-scored x% of contacts finds y% of all converters. "
        "The dashed diagonal is calling at random; lift is how many times better the model does.",
    )
    parts += _unit_axes(f, "contacts called, best score first", "converters found (gain)")
    parts.append(polyline(f, [Point(0, 0), Point(1, 1)], OTHERS, dashed=True, width=2))
    parts.append(polyline(f, curve, ACCENT))
    for share, gain, lift in marks:
        x, y = f.x(share), f.y(gain)
        label = f"top {100 * share:.0f}%: {100 * gain:.0f}% found" + (f", lift {lift:.1f}×" if lift else "")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{CONVERTERS}"><title>{escape(label)}</title></circle>'
        )
        parts.append(
            f'<text x="{x + 8:.1f}" y="{y + 14:.1f}" font-size="11" fill="{INK}">{escape(label)}</text>'
        )
    parts += legend([("the model", ACCENT, False), ("at random", OTHERS, True)], bottom=True)
    return "\n".join([*parts, "</svg>"])


def roc(curve: Sequence[Point], auc: float | None) -> str:
    title = "ROC curve" + (f" (AUC {auc:.3f})" if auc is not None else "")
    if not curve:
        return empty("roc", title, "needs converters and non-converters")
    f = Frame(0, 1, 0, 1)
    parts = open_svg(
        "roc",
        title,
        "Each point is a score threshold: the share of converters above it (up) against the share "
        "of non-converters above it (right). The area under the curve (AUC) is the chance that a "
        "random converter outscores a random non-converter: 0.5 is a coin toss, 1 is perfect.",
    )
    parts += _unit_axes(f, "non-converters above the threshold (false positive rate)",
                        "converters above it (true positive rate)")  # fmt: skip
    parts.append(polyline(f, [Point(0, 0), Point(1, 1)], OTHERS, dashed=True, width=2))
    parts.append(polyline(f, curve, ACCENT))
    parts += legend([("the model", ACCENT, False), ("a coin toss (AUC 0.5)", OTHERS, True)], bottom=True)
    return "\n".join([*parts, "</svg>"])
