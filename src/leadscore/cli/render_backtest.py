"""The backtest report for a terminal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from leadscore.backtest.run import BacktestReport
from leadscore.durations import format_instant


def render(report: BacktestReport) -> str:
    lines = [
        f"backtest {format_instant(report.start)} → {format_instant(report.end)}, "
        f"{report.contacts:,} contacts{' (a sample)' if report.sampled else ''}, a tick every {report.tick_us / 3_600_000_000:g} h",
        "",
    ]
    programs = sorted({p for v in report.versions for p in v.new_mqls})
    months = report.months()
    labels = [v.label for v in report.versions]
    width = max(12, *(len(x) for x in labels))
    for program in programs:
        lines.append(f"new MQLs per month — program {program}")
        lines.append("  " + "month".ljust(9) + "".join(label.rjust(width + 2) for label in labels))
        for month in months:
            cells = "".join(
                str(v.new_mqls[program].per_month.get(month, 0) if program in v.new_mqls else "-").rjust(
                    width + 2
                )
                for v in report.versions
            )
            lines.append("  " + month.ljust(9) + cells)
        totals = "".join(
            str(v.new_mqls[program].total if program in v.new_mqls else "-").rjust(width + 2)
            for v in report.versions
        )
        at_start = "".join(
            str(v.new_mqls[program].initial_mqls if program in v.new_mqls else "-").rjust(width + 2)
            for v in report.versions
        )
        lines.append("  " + "total".ljust(9) + totals)
        lines.append("  " + "at start".ljust(9) + at_start + "   (MQLs already at --from, not counted)")
        lines.append("")
    for c in report.comparisons:
        moved = ", ".join(f"{n:,} {what}" for what, n in c.moved.items())
        lines.append(
            f"{c.before} → {c.after}: of {c.contacts:,} contacts at the end of the period, moved: {moved}"
        )
        for m in c.moves:
            lines.append(
                f"  {m.program} {m.what}: {m.before or '-'} → {m.after or '-'}  {m.contacts:,} contacts"
            )
        if c.examples:
            ids = ", ".join(e["contact_id"] for e in c.examples[:6])
            lines.append(f"  for example: {ids} (leadscore explain shows why, under each version)")
        lines.append("")
    if report.evaluations:
        lines += _evaluations(report)
    for note in report.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines).rstrip() + "\n"


def _fmt(x: float | None, kind: str = "num") -> str:
    if x is None:
        return "-"
    if kind == "pct":
        return f"{x:.1%}"
    if kind == "count":
        return f"{round(x):,}"
    if kind == "lift":
        return f"{x:.2f}×"
    if kind == "points":
        return f"{x:,.1f}"
    return f"{x:.3f}"


def _top(p: Any, share: float, what: str) -> float | None:
    t = p.top_share(share)
    return None if t is None else float(getattr(t, what))


METRICS: list[tuple[str, Callable[[Any], float | None], str]] = [
    ("contacts evaluated", lambda p: p.population.evaluated, "count"),
    ("conversion rate", lambda p: p.population.rate, "pct"),
    ("ROC AUC", lambda p: p.auc, "num"),
    ("avg points, converters", lambda p: p.averages.converters_points, "points"),
    ("avg points, others", lambda p: p.averages.non_converters_points, "points"),
    ("lift in the top 10%", lambda p: _top(p, 0.1, "lift"), "lift"),
    ("gain in the top 10%", lambda p: _top(p, 0.1, "gain"), "pct"),
    ("lift in the top 20%", lambda p: _top(p, 0.2, "lift"), "lift"),
    ("gain in the top 20%", lambda p: _top(p, 0.2, "gain"), "pct"),
    ("MQLs at the cutoff", lambda p: p.funnel[0].mql if p.funnel else None, "count"),
]


def _evaluations(report: BacktestReport) -> list[str]:
    """Each version's evaluation at the cutoff, one column per version."""
    evals = report.evaluations
    first = evals[0]
    lines = [
        f"evaluation as of {first.cutoff}, conversions within {first.horizon} ({', '.join(first.positive)}), side by side"
    ]
    labels = [v.label for v in report.versions]
    for i, program in enumerate(first.programs):
        progs = [e.programs[i] if i < len(e.programs) else None for e in evals]
        metrics = [
            (title, [_fmt(get(p), kind) if p is not None else "-" for p in progs])
            for title, get, kind in METRICS
        ]
        # conversion by each banding (the total's bands, each banded dimension, the matrix)
        bandings = [(b.title, _band_rows(progs, k)) for k, b in enumerate(program.bandings)]
        cells = [c for _, row in metrics for c in row] + [
            c for _, rows in bandings for _, row in rows for c in row
        ]
        width = max(12, *(len(x) for x in labels), *(len(c) for c in cells))
        lines.append(f"  program {program.program}".ljust(30) + "".join(x.rjust(width + 2) for x in labels))
        lines += [
            "    " + title.ljust(26) + "".join(c.rjust(width + 2) for c in row) for title, row in metrics
        ]
        for title, bands in bandings:
            if bands:
                lines.append("    conversion by " + title.lower())
                lines += [
                    "      " + band.ljust(24) + "".join(c.rjust(width + 2) for c in row)
                    for band, row in bands
                ]
    lines.append("")
    return lines


def _band_rows(progs: list[Any], k: int = 0) -> list[tuple[str, list[str]]]:
    """Conversion per band of the k-th banding, a row per band in band order (the first
    version's, then bands only later versions have), a cell per version."""
    groups = [
        {g.label: g for b in p.bandings[k : k + 1] for g in b.groups} if p is not None else {} for p in progs
    ]
    bands = list(dict.fromkeys(label for g in groups for label in g))
    return [
        (band, [f"{_fmt(g[band].rate, 'pct')} of {g[band].contacts:,}" if band in g else "-" for g in groups])
        for band in bands
    ]
