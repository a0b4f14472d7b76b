"""The journeys report as one self-contained HTML file: inline CSS and SVG, no script, no fetch.

Per group (recent leads, won deals, lost deals) and per contact: a line of key facts, the score
curve, for a lost deal what it did last before the loss, then the events and the outcomes (each
table folded under a `<details>`, so a page of thirty contacts stays readable).
"""

from __future__ import annotations

from html import escape

from leadscore import __version__
from leadscore.journeys.chart import curve_svg, legend_html
from leadscore.journeys.report import ContactJourney, JourneyGroup, JourneysReport, TimelineEvent
from leadscore.journeys.text import change, day, properties, when
from leadscore.review.html import CSS, table
from leadscore.review.text import count

EXTRA_CSS = """
section.journey{background:#fff;border:1px solid #e2e8f0;border-radius:8px;margin:16px 0;padding:10px 16px}
section.journey h3{margin:.3em 0}.facts{font-size:.92rem;color:#334155}.cold{border-left:4px solid #b91c1c;
  padding:4px 12px;background:#fef2f2;margin:8px 0}.up{color:#15803d;font-weight:600}.down{color:#b91c1c;font-weight:600}
nav a{margin-right:1.2em}.legend{font-size:.82rem;margin:4px 0}.key{margin-right:1.1em;white-space:nowrap}
.swatch{display:inline-block;width:22px;height:0;border-top:3px solid;vertical-align:middle;margin-right:5px}
.swatch.dashed{border-top-style:dashed}.swatch.ticks{width:4px;height:10px;border-top:0;border-left:2px solid}
"""


def _e(x: object) -> str:
    return escape(str(x))


def _change(c: int | None) -> str:
    cls = "up" if c is not None and c > 0 else "down" if c is not None and c < 0 else ""
    return f'<span class="{cls}">{_e(change(c))}</span>' if cls else _e(change(c))


def _events(events: list[TimelineEvent]) -> str:
    rows = [[_e(when(e.timestamp)), _e(e.type), _e(", ".join(e.rules)), _e(properties(e)),
             _change(e.change), str(e.points_after)] for e in events]  # fmt: skip
    return table(["time (UTC)", "event", "rules", "properties", "change", "points"], rows, 4)


def _journey(j: ContactJourney, report: JourneysReport, index: int) -> str:
    state = j.matrix or j.band
    facts = [
        f"points <b>{j.points}</b>" + (f" ({_e(state)})" if state else ""),
        "MQL-eligible" if j.mql_eligible else "not MQL",
        f"peak {j.peak_points} on {_e(day(j.peak_at))}",
        f"first MQL-eligible on {_e(day(j.mql_since))}" if j.mql_since else "",
        f"created {_e(day(j.created_at))}",
        f"first event {_e(day(j.first_event))}",
        f"{count(j.events_total)} events",
    ]
    rules = ", ".join(f"{_e(r)} {v:+.1f}" for r, v in j.top_rules) or "none hold points"
    parts = [
        f'<section class="journey" id="{_e(j.group)}-{_e(j.contact_id)}" data-contact="{_e(j.contact_id)}">',
        f"<h3>{_e(j.contact_id)}</h3>",
        f'<p class="facts">{" · ".join(x for x in facts if x)}<br>top rules now: {rules}</p>',
        legend_html(report.dimensions, report.mql_threshold),
        curve_svg(j, report.dimensions, report.mql_threshold, index),
    ]
    if j.cold is not None:
        c = j.cold
        parts.append(
            f'<div class="cold"><p>Lost on <b>{_e(when(c.lost_at))}</b>{f" ({_e(c.reason)})" if c.reason else ""}, '
            f"{c.quiet}; points at the loss {c.points_at_loss}, peak before it {c.peak_points} on {_e(day(c.peak_at))}.</p>"
            + (f"<p>Its last actions before the loss:</p>{_events(c.last_actions)}" if c.last_actions else "")
            + "</div>"
        )
    more = f", the last {len(j.events)} shown" if j.events_total > len(j.events) else ""
    if j.events:
        parts.append(f"<details><summary>events (newest first{more})</summary>{_events(j.events)}</details>")
    oc = [[_e(o.timestamp or "(no timestamp)"), _e(o.outcome),
           _e(", ".join(x for x in (f"value {o.value:g}" if o.value is not None else "", o.reason or "") if x))]
          for o in j.outcomes]  # fmt: skip
    parts.append(table(["time (UTC)", "outcome", "value / reason"], oc, 3) if oc else "<p>no outcomes</p>")
    parts.append("</section>")
    return "\n".join(parts)


def _group(g: JourneyGroup, report: JourneysReport, first_index: int) -> str:
    head = f'<h2 id="{_e(g.key)}">{_e(g.title)}</h2><p class="sub">{len(g.journeys)} of {count(g.candidates)}: {_e(g.rule)}.</p>'
    if not g.journeys:
        return head + "<p>none</p>"
    return head + "\n".join(_journey(j, report, first_index + i) for i, j in enumerate(g.journeys))


def render_html(report: JourneysReport) -> str:
    notes = "".join(f"<li>{_e(n)}</li>" for n in report.notes)
    nav = "".join(f'<a href="#{_e(g.key)}">{_e(g.title)} ({len(g.journeys)})</a>' for g in report.groups)
    groups = []
    index = 0
    for g in report.groups:
        groups.append(_group(g, report, index))
        index += len(g.journeys)
    body = [
        f"<h1>Journeys: {_e(report.model)} (version {_e(report.model_version)}), program {_e(report.program)}</h1>",
        f'<p class="sub">As of <b>{_e(report.as_of)}</b>; the period is the {_e(report.period)} before it (from '
        f"{_e(report.period_start)}). Up to {report.sample} contacts per group, drawn with seed {report.seed}. "
        "<b>change</b> is what an event's instant added to the points (decay between events is not a change); "
        "<b>rules</b> are the behaviour rules the event passes. Ticks under each curve mark the events: green "
        "added points, red took some away, grey changed nothing.</p>",
        f'<ul class="notes">{notes}</ul>' if notes else "",
        f"<nav>{nav}</nav>",
        *groups,
        f"<footer>leadscore {_e(__version__)} · journeys · {report.seconds:.1f} s</footer>",
    ]
    title = f"Journeys of {report.model} v{report.model_version} as of {report.as_of}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{_e(title)}</title><style>{CSS}{EXTRA_CSS}</style></head>\n<body><main>\n"
        + "\n".join(body)
        + "\n</main></body></html>\n"
    )
