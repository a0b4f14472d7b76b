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
    return f"{x:.3f}" if abs(x) < 10 else f"{x:,.1f}"


def _top(p: Any, share: float, what: str) -> float | None:
    t = p.top_share(share)
    return None if t is None else float(getattr(t, what))


METRICS: list[tuple[str, Callable[[Any], float | None], str]] = [
    ("contacts evaluated", lambda p: p.population.evaluated, "count"),
    ("conversion rate", lambda p: p.population.rate, "pct"),
    ("ROC AUC", lambda p: p.auc, "num"),
    ("avg points, converters", lambda p: p.averages.converters_points, "num"),
    ("avg points, others", lambda p: p.averages.non_converters_points, "num"),
    ("lift in the top 10%", lambda p: _top(p, 0.1, "lift"), "num"),
    ("gain in the top 10%", lambda p: _top(p, 0.1, "gain"), "pct"),
    ("lift in the top 20%", lambda p: _top(p, 0.2, "lift"), "num"),
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
    width = max(12, *(len(x) for x in labels))
    for i, program in enumerate(first.programs):
        progs = [e.programs[i] if i < len(e.programs) else None for e in evals]
        lines.append(
            f"  program {program.program}".ljust(30) + "".join(label.rjust(width + 2) for label in labels)
        )
        for title, get, kind in METRICS:
            cells = [_fmt(get(p), kind) if p is not None else "-" for p in progs]
            lines.append("    " + title.ljust(26) + "".join(c.rjust(width + 2) for c in cells))
        if program.bandings:
            lines.append("    conversion by " + program.bandings[0].title.lower())
            bands = sorted(
                {g.label for p in progs if p is not None for b in p.bandings[:1] for g in b.groups}
            )
            for band in bands:
                cells = []
                for p in progs:
                    g = next(
                        (g for b in (p.bandings[:1] if p else []) for g in b.groups if g.label == band), None
                    )
                    cells.append(f"{_fmt(g.rate, 'pct')} of {g.contacts:,}" if g else "-")
                lines.append("      " + band.ljust(24) + "".join(c.rjust(width + 2) for c in cells))
    lines.append("")
    return lines
