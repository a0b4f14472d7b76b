"""The backtest report for a terminal."""

from __future__ import annotations

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
        lines.append(
            "  " + "at start".ljust(9) + at_start + "   (MQLs already at the first moment, not counted)"
        )
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
    for note in report.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines).rstrip() + "\n"
