"""The evaluation report as text for a terminal: the figures first, the details after."""

from __future__ import annotations

from leadscore.review.report import Decile, EvaluationReport, Group, Journey, ProgramEvaluation

WIDTH = 96


def pct(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{100 * x:.{digits}f} %"


def num(x: float | None, digits: int = 2) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def times(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}×"


def count(x: float) -> str:
    return f"{x:,.0f}" if abs(x - round(x)) < 1e-9 else f"{x:,.1f}"


def table(headers: list[str], rows: list[list[str]], right: set[int] | None = None) -> list[str]:
    right = right if right is not None else set(range(1, len(headers)))
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return ["  " + line(headers), "  " + line(["-" * w for w in widths]), *("  " + line(r) for r in rows)]


def decile_rows(deciles: list[Decile]) -> list[list[str]]:
    """Ties across a decile's edge are shared out, so counts may hold a fraction: then every row
    shows one decimal (a whole `4` among `42.3` and `1.7` read as another kind of figure)."""
    shared = any(abs(x - round(x)) > 1e-9 for d in deciles for x in (d.contacts, d.converters))
    n = (lambda x: f"{x:,.1f}") if shared else count
    return [
        [str(d.decile), f"{d.min_points}…{d.max_points}", n(d.contacts), n(d.converters), pct(d.rate),
         times(d.lift), pct(d.cumulative_gain)]
        for d in deciles
    ]  # fmt: skip


def _groups(title: str, groups: list[Group]) -> list[str]:
    rows = [[g.label, f"{g.contacts:,}", f"{g.converters:,}", pct(g.rate), times(g.lift)] for g in groups]
    return [
        title,
        *table([title.split(" by ")[-1], "contacts", "converters", "conversion", "lift"], rows),
        "",
    ]


def _journey(j: Journey) -> list[str]:
    head = f"  {j.contact_id}  points {j.points}"
    if j.score != j.points:
        head += f" (score {j.score})"
    head += f"  {j.matrix or j.band or ''}  {'MQL' if j.mql_eligible else 'not MQL'}"
    rules = ", ".join(f"{r} {v:+.1f}" for r, v in j.top_rules) or "no rule fired"
    out = [head.rstrip(), f"      top rules: {rules}"]
    more = f" (the last {len(j.events)} shown)" if j.events_total > len(j.events) else ""
    out.append(f"      {j.events_total} events up to the cutoff{more}")
    for e in j.events:
        props = " ".join(f"{k}={v}" for k, v in e.properties.items())
        out.append(f"        {e.timestamp}  {e.type:<16} {props}".rstrip())
    for o in j.outcomes:
        extra = ", ".join(
            x for x in (f"value {o.value:g}" if o.value is not None else "", o.reason or "") if x
        )
        out.append(
            f"      outcome {o.outcome:<12} {o.timestamp or '(no timestamp)'}  [{o.when}]"
            + (f"  {extra}" if extra else "")
        )
    return out


def program_text(p: ProgramEvaluation, report: EvaluationReport) -> list[str]:
    pop = p.population
    out = [f"program {p.program}", "=" * (8 + len(p.program))]
    left = []
    if pop.created_after_cutoff:
        left.append(f"{pop.created_after_cutoff:,} created after the cutoff")
    if pop.already_converted:
        left.append(f"{pop.already_converted:,} already converted")
    out.append(
        f"contacts evaluated: {pop.evaluated:,} of {pop.scored:,} scored"
        + (f" (left out: {'; '.join(left)})" if left else "")
    )
    out.append(
        f"converters: {pop.converters:,} ({pct(pop.rate)})"
        + (
            f", {pop.label_only_converters:,} of them by a label-only outcome"
            if pop.label_only_converters
            else ""
        )
    )
    a = p.averages
    out.append(
        f"average points: converters {num(a.converters_points, 1)}, non-converters {num(a.non_converters_points, 1)}"
    )
    if p.encoded:
        out.append(
            f"average displayed (encoded) score: converters {num(a.converters_score, 1)}, "
            f"non-converters {num(a.non_converters_score, 1)}"
        )
    out.append(f"ROC AUC: {num(p.auc, 3)}  (0.5 = no better than chance, 1 = perfect ranking)")
    for t in p.top:
        out.append(
            f"top {100 * t.share:.0f} % by score ({count(t.contacts)} contacts, points ≥ {t.min_points}): "
            f"{count(t.converters)} converters = {pct(t.gain)} of all (gain), lift {times(t.lift)}"
        )
    out.append("")
    out.append("conversion by decile of score (decile 1 = the best-scored tenth)")
    out += table(
        ["decile", "points", "contacts", "converters", "conversion", "lift", "cumulative gain"],
        decile_rows(p.deciles),
    )
    out.append("")
    for b in p.bandings:
        out += _groups(f"conversion by {b.title}", b.groups)
    if p.matrix:
        out += _groups("conversion by matrix cell", p.matrix)
    out.append(
        f"funnel in the horizon (MQL threshold {num(p.mql_threshold, 0)}; a stage counts those before it)"
    )
    rows = [
        [s.stage, f"{s.mql:,}", pct(s.mql_from_previous), pct(s.mql_from_start), f"{s.other:,}"]
        for s in p.funnel
    ]
    out += table(["stage", "MQLs", "from previous", "from MQL", "not MQL"], rows)
    out.append("")
    acc = p.acceptance
    if not acc.given:
        out.append("sales acceptance: no feedback given (--feedback)")
    else:
        out.append(
            f"sales acceptance of the {acc.mqls:,} MQLs: {acc.accepted:,} accepted, {acc.rejected:,} rejected, "
            f"{acc.without_feedback:,} without feedback; acceptance {pct(acc.rate)} of those with a verdict"
        )
        if acc.other_accepted or acc.other_rejected:
            out.append(
                f"  verdicts on contacts that were not MQLs: {acc.other_accepted:,} accepted, {acc.other_rejected:,} rejected"
            )
        for r in acc.reasons:
            out.append(f"  {r.contacts:>6,}  {r.verdict:<9} {r.reason}")
    out.append("")
    th = report.thresholds
    out.append(
        f"rules (fired = value ≠ 0 at the cutoff; lift = conversion when fired ÷ overall; "
        f"fewer than {th.min_fired} firings, or fewer than {th.min_expected_converters:g} converters "
        "expected among them: too few to judge)"
    )
    rows = [
        [r.rule, f"{r.points:+g}", f"{r.fired:,}", pct(r.fired_share), pct(r.rate_fired), pct(r.rate_not_fired),
         times(r.lift), r.suggestion]
        for r in p.rules
    ]  # fmt: skip
    out += table(
        ["rule", "points", "fired", "of all", "conv. fired", "conv. not", "lift", "suggestion"],
        rows,
        right={1, 2, 3, 4, 5, 6},
    )
    out.append("")
    out.append("low-scored leads that converted")
    for j in p.low_scored_converters:
        out += _journey(j)
    if not p.low_scored_converters:
        out.append("  (none)")
    out.append("")
    out.append("high-scored leads that did not convert")
    for j in p.high_scored_non_converters:
        out += _journey(j)
    if not p.high_scored_non_converters:
        out.append("  (none)")
    return out


def render(report: EvaluationReport) -> str:
    out = [
        f"evaluation of model {report.model} version {report.model_version}",
        f"scored as of the cutoff {report.cutoff}; converted = reached {', '.join(report.positive)} "
        f"in the horizon of {report.horizon} (until {report.horizon_end})",
    ]
    o = report.outcomes
    out.append(
        f"outcomes: {o.rows:,} read; {o.before_cutoff:,} before the cutoff, {o.in_horizon:,} in the horizon, "
        f"{o.after_horizon:,} after it, {o.without_timestamp:,} without timestamp"
    )
    for note in report.notes:
        out.append(f"note: {note}")
    out.append("")
    for p in report.programs:
        out += program_text(p, report)
        out.append("")
    return "\n".join(out).rstrip() + "\n"
