"""The evaluation report as one self-contained HTML file: inline CSS and SVG, no script, no fetch.

Written for a marketing-ops reader: the key figures first with a sentence on how to read each,
the four charts (score distributions, conversion by band, gains, ROC), then the tables (deciles,
bands, matrix, funnel, acceptance, rules with suggestions) and the leads the score got wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from leadscore import __version__
from leadscore.review import charts
from leadscore.review.metrics import NO_VALUE
from leadscore.review.report import EvaluationReport, Group, Journey, ProgramEvaluation
from leadscore.review.text import count, num, pct, times

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1e293b;
  margin:0;background:#f8fafc;line-height:1.45}
main{max-width:1080px;margin:0 auto;padding:24px}
h1{font-size:1.6rem;margin:.2em 0}h2{font-size:1.3rem;margin-top:2em;border-bottom:2px solid #e2e8f0}
h3{font-size:1.05rem;margin-top:1.6em}
.sub{color:#475569}.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:12px 16px;min-width:150px;flex:1}
.card .v{font-size:1.5rem;font-weight:650}.card .l{font-size:.85rem;color:#475569}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:16px}
figure{background:#fff;border:1px solid #e2e8f0;border-radius:8px;margin:0;padding:8px}
figcaption{font-size:.88rem;color:#334155;padding:4px 8px 8px}svg.chart{width:100%;height:auto}
table{border-collapse:collapse;background:#fff;margin:8px 0;font-size:.9rem}
th,td{border:1px solid #e2e8f0;padding:4px 8px;text-align:right}th{background:#f1f5f9}
td.t,th.t{text-align:left}.explain{font-size:.9rem;color:#334155;max-width:820px}
.s-raise,.s-make-positive{color:#15803d;font-weight:600}.s-keep{color:#1e293b}
.s-lower,.s-remove,.s-make-negative{color:#b91c1c;font-weight:600}.s-too-few-to-judge{color:#64748b}
details{background:#fff;border:1px solid #e2e8f0;border-radius:6px;margin:6px 0;padding:6px 10px}
summary{cursor:pointer;font-weight:600}.notes li{margin:4px 0}code{font-size:.9em}
footer{color:#64748b;font-size:.8rem;margin-top:3em}
"""


def _e(x: object) -> str:
    return escape(str(x))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], text_cols: int = 1, cls: str = "") -> str:
    head = "".join(
        f'<th class="t">{_e(h)}</th>' if i < text_cols else f"<th>{_e(h)}</th>" for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(f'<td class="t">{c}</td>' if i < text_cols else f"<td>{c}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _cards(p: ProgramEvaluation) -> str:
    pop, a = p.population, p.averages
    top10, top20 = p.top_share(0.1), p.top_share(0.2)
    items = [
        (f"{pop.evaluated:,}", "contacts evaluated"),
        (f"{pop.converters:,} ({pct(pop.rate)})", "converted in the horizon"),
        (num(p.auc, 3), "ROC AUC (0.5 = chance, 1 = perfect)"),
        (times(top10.lift if top10 else None), "lift in the top 10 %"),
        (pct(top20.gain if top20 else None, 0), "of converters in the top 20 %"),
        (
            f"{num(a.converters_points, 1)} vs {num(a.non_converters_points, 1)}",
            "average points: converters vs others",
        ),
    ]
    return '<div class="cards">' + "".join(
        f'<div class="card"><div class="v">{_e(v)}</div><div class="l">{_e(label)}</div></div>' for v, label in items
    ) + "</div>"  # fmt: skip


def _groups(groups: Sequence[Group], what: str) -> str:
    rows = [[_e(g.label), f"{g.contacts:,}", f"{g.converters:,}", pct(g.rate), times(g.lift)] for g in groups]
    return table([what, "contacts", "converters", "conversion", "lift"], rows)


def _matrix(p: ProgramEvaluation) -> str:
    if not p.matrix:
        return ""
    cells = {g.label: g for g in p.matrix}
    dims = [b for b in p.bandings if b.name != "band"]
    if len(dims) < 2:
        return _groups(p.matrix, "matrix cell")
    # a value below every band has no band, so no cell: those contacts are listed under the grid
    rows_l = [g.label for g in dims[0].groups if g.label != NO_VALUE]
    cols_l = [g.label for g in dims[1].groups if g.label != NO_VALUE]
    in_grid = {r + c for r in rows_l for c in cols_l}
    outside = [g for g in p.matrix if g.label not in in_grid]
    top = max((g.rate or 0) for g in p.matrix) or 1.0
    body = []
    for r in rows_l:
        tds = []
        for c in cols_l:
            g = cells.get(r + c)
            if g is None:
                tds.append('<td style="color:#94a3b8">–</td>')
                continue
            alpha = 0.08 + 0.6 * (g.rate or 0) / top
            tds.append(
                f'<td style="background:rgba(29,78,216,{alpha:.2f})" title="{_e(g.label)}: {g.converters} of {g.contacts}">'
                f"<b>{pct(g.rate, 0)}</b><br><small>{g.converters:,}/{g.contacts:,}</small></td>"
            )
        body.append(f'<tr><th class="t">{_e(dims[0].title)} {_e(r)}</th>{"".join(tds)}</tr>')
    head = "".join(f"<th>{_e(dims[1].title)} {_e(c)}</th>" for c in cols_l)
    grid = f"<table><thead><tr><th></th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    return grid + (_groups(outside, "outside the grid") if outside else "")


def _journey(j: Journey) -> str:
    rules = ", ".join(f"{_e(r)} {v:+.1f}" for r, v in j.top_rules) or "no rule fired"
    head = (
        f"{_e(j.contact_id)} — points {j.points}" + (f" (score {j.score})" if j.score != j.points else "")
        + f", {_e(j.matrix or j.band or '')} {'MQL' if j.mql_eligible else 'not MQL'}; top rules: {rules}"
    )  # fmt: skip
    ev = [
        [_e(e.timestamp), _e(e.type), _e(" ".join(f"{k}={v}" for k, v in e.properties.items()))]
        for e in j.events
    ]
    more = f" (the last {len(j.events)} shown)" if j.events_total > len(j.events) else ""
    oc = [
        [_e(o.timestamp or "(no timestamp)"), _e(o.outcome), _e(o.when),
         _e(", ".join(x for x in (f"value {o.value:g}" if o.value is not None else "", o.reason or "") if x))]
        for o in j.outcomes
    ]  # fmt: skip
    return (
        f"<details><summary>{head}</summary>"
        f"<p>{j.events_total} events up to the cutoff{more}:</p>"
        + (table(["time (UTC)", "event", "properties"], ev, 3) if ev else "<p>no events</p>")
        + "<p>outcomes:</p>"
        + table(["time (UTC)", "outcome", "when", "value / reason"], oc, 4)
        + "</details>"
    )


def _rules(p: ProgramEvaluation, report: EvaluationReport) -> str:
    t = report.thresholds
    rows = [
        [_e(r.rule), _e(f"{r.dimension} / {r.category}"), f"{r.points:+g}", f"{r.fired:,}", pct(r.fired_share),
         pct(r.rate_fired), pct(r.rate_not_fired), times(r.lift),
         f'<span class="s-{r.suggestion.replace(" ", "-")}">{_e(r.suggestion)}</span>', _e(r.why)]
        for r in p.rules
    ]  # fmt: skip
    explain = (
        "A rule <b>fired</b> for a contact when it gave it points (value ≠ 0) at the cutoff. "
        "<b>Lift</b> = the conversion rate of those contacts ÷ the conversion rate of everyone: 2× means "
        f"they converted twice as often. Suggestions for rules that add points: lift ≥ {t.raise_at:g} raise, "
        f"≥ {t.keep_at:g} keep, ≥ {t.lower_at:g} lower, ≥ {t.remove_at:g} remove, below make negative. "
        f"For rules that subtract points: lift below {t.negative_keep_below:g} keep, below "
        f"{t.negative_remove_below:g} remove, else make positive. A rule that fired for fewer than "
        f"{t.min_fired} contacts, or with fewer than {t.min_expected_converters:g} converters expected among "
        "them, is <i>too few to judge</i>. Treat a suggestion as a question to look into: a rule's lift "
        "also reflects the rules it fires together with."
    )
    rules_table = table(
        ["rule", "dimension / category", "points", "fired", "of all", "conversion when fired",
         "conversion otherwise", "lift", "suggestion", "why"],
        rows, 2, "rules",
    )  # fmt: skip
    return f'<p class="explain">{explain}</p>{rules_table}'


def _program(p: ProgramEvaluation, report: EvaluationReport, several: bool) -> str:
    pop = p.population
    out = [f"<section><h2>Program {_e(p.program)}</h2>" if several else "<section>", _cards(p)]
    left = []
    if pop.created_after_cutoff:
        left.append(f"{pop.created_after_cutoff:,} created after the cutoff")
    if pop.already_converted:
        left.append(f"{pop.already_converted:,} that had already converted")
    out.append(
        f'<p class="explain">{pop.evaluated:,} of the {pop.scored:,} contacts scored were evaluated'
        + (f" (left out: {_e('; '.join(left))})" if left else "")
        + ". Scores use only what was known at the cutoff; conversions are what happened in the horizon after it.</p>"
    )
    bands = p.bandings[0] if p.bandings else None
    band_chart = (
        charts.conversion_bars(bands.groups, pop.rate, bands.title)
        if bands
        else charts.conversion_bars(
            [Group(str(d.decile), round(d.contacts), round(d.converters), d.rate, d.lift) for d in p.deciles],
            pop.rate, "decile of score (the program has no bands)",
        )
    )  # fmt: skip
    top = [(t.share, t.gain, t.lift) for t in p.top if t.gain is not None]
    figures = [
        (charts.distribution(p.histogram), "Converters should sit further right than the rest; the more the two groups overlap, the less the score tells them apart."),
        (band_chart, "Each bar is the share of that band's contacts that converted. Bands should get better from the lowest to the highest."),
        (charts.gains(p.gains, top), "If sales called leads in score order, this is how many of the converters they would reach. Lift = converters found ÷ what random calling would find."),
        (charts.roc(p.roc, p.auc), "AUC is the chance that a converter scores above a non-converter (ties count half). Above 0.7 is useful, above 0.8 good."),
    ]  # fmt: skip
    out.append(
        '<div class="charts">'
        + "".join(f"<figure>{svg}<figcaption>{_e(cap)}</figcaption></figure>" for svg, cap in figures)
        + "</div>"
    )
    out.append("<h3>Conversion by decile of score</h3>")
    out.append('<p class="explain">Decile 1 is the best-scored tenth of the contacts. Contacts sharing a score across a boundary are split in proportion, so counts can have a decimal.</p>')  # fmt: skip
    out.append(table(
        ["decile", "points", "contacts", "converters", "conversion", "lift", "cumulative gain"],
        [[str(d.decile), f"{d.min_points}…{d.max_points}", count(d.contacts), count(d.converters), pct(d.rate),
          times(d.lift), pct(d.cumulative_gain)] for d in p.deciles],
    ))  # fmt: skip
    for b in p.bandings:
        out.append(f"<h3>Conversion by {_e(b.title)}</h3>{_groups(b.groups, b.title)}")
    if p.matrix:
        out.append(f"<h3>Conversion by matrix cell</h3>{_matrix(p)}")
    out.append("<h3>Sales funnel of the MQLs</h3>")
    out.append(
        f'<p class="explain">Contacts that were MQL-eligible at the cutoff (threshold {num(p.mql_threshold, 0)}) and how far '
        "they got in the horizon; a stage counts every stage before it. The last column shows the same for the contacts "
        "below the threshold: converters there are leads the threshold missed.</p>"
    )
    out.append(table(
        ["stage", "MQLs", "from the previous stage", "from MQL", "not MQL"],
        [[_e(s.stage), f"{s.mql:,}", pct(s.mql_from_previous), pct(s.mql_from_start), f"{s.other:,}"] for s in p.funnel],
    ))  # fmt: skip
    acc = p.acceptance
    out.append("<h3>Sales acceptance of MQLs</h3>")
    if not acc.given:
        out.append('<p class="explain">No sales feedback was given (<code>--feedback</code>).</p>')
    else:
        out.append(
            f'<p class="explain">Of the {acc.mqls:,} MQLs, sales accepted {acc.accepted:,} and rejected {acc.rejected:,} '
            f"(acceptance {pct(acc.rate)}); {acc.without_feedback:,} got no verdict in the horizon. "
            f"Verdicts on contacts below the threshold: {acc.other_accepted:,} accepted, {acc.other_rejected:,} rejected.</p>"
        )
        out.append(table(["verdict", "reason", "MQLs"], [[_e(r.verdict), _e(r.reason), f"{r.contacts:,}"] for r in acc.reasons], 2))  # fmt: skip
    out.append(f"<h3>Rules</h3>{_rules(p, report)}")
    out.append("<h3>Low-scored leads that converted</h3>")
    out.append("".join(_journey(j) for j in p.low_scored_converters) or "<p>none</p>")
    out.append("<h3>High-scored leads that did not convert</h3>")
    out.append("".join(_journey(j) for j in p.high_scored_non_converters) or "<p>none</p>")
    out.append("</section>")
    return "\n".join(out)


def _inputs(report: EvaluationReport) -> str:
    rows = [
        [
            _e(f["kind"]),
            _e(f["file"]),
            f"{f['rows']:,}",
            f"{f['loaded']:,}",
            f"{f['bad_rows']:,}",
            f"{f['duplicates']:,}",
        ]
        for f in report.inputs.get("files", [])
    ]
    diags = "".join(f"<li><code>{_e(d.render())}</code></li>" for d in report.diagnostics)
    return table(["input", "file", "rows", "used", "bad rows", "duplicates"], rows, 2) + (
        f'<ul class="notes">{diags}</ul>' if diags else ""
    )


def render_html(report: EvaluationReport) -> str:
    several = len(report.programs) > 1
    notes = "".join(f"<li>{_e(n)}</li>" for n in report.notes)
    o = report.outcomes
    body = [
        f"<h1>Evaluation of {_e(report.model)} (version {_e(report.model_version)})</h1>",
        f'<p class="sub">Scored as of the cutoff <b>{_e(report.cutoff)}</b> with only the events up to it. '
        f"A contact <b>converted</b> when it reached {_e(', '.join(report.positive))} in the {_e(report.horizon)} "
        f"after the cutoff (until {_e(report.horizon_end)}). Outcomes read: {o.rows:,} ({o.before_cutoff:,} before the "
        f"cutoff, {o.in_horizon:,} in the horizon, {o.after_horizon:,} after it, {o.without_timestamp:,} without a timestamp).</p>",
        f'<ul class="notes">{notes}</ul>' if notes else "",
        *(_program(p, report, several) for p in report.programs),
        f"<h2>Input data</h2>{_inputs(report)}",
        f"<footer>leadscore {_e(__version__)} · evaluate · {report.seconds:.1f} s</footer>",
    ]
    title = f"Evaluation of {report.model} v{report.model_version} at {report.cutoff}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{_e(title)}</title><style>{CSS}</style></head>\n<body><main>\n"
        + "\n".join(body)
        + "\n</main></body></html>\n"
    )
