"""The journeys report as text for a terminal: per contact a summary, a score sparkline, the
top rules, the events (newest first, with the points each instant added) and the outcomes; for
lost deals, the last actions before the loss."""

from __future__ import annotations

from leadscore.durations import parse_instant
from leadscore.journeys.report import ContactJourney, CurvePoint, JourneyGroup, JourneysReport, TimelineEvent
from leadscore.review.text import count, table

SPARKS = "▁▂▃▄▅▆▇█"
SPARK_WIDTH = 48
VALUE_WIDTH = 60


def day(instant: str | None) -> str:
    return "—" if instant is None else instant[:10]


def when(instant: str) -> str:
    return instant.replace("T", " ").removesuffix("Z")[:19]


def sparkline(curve: list[CurvePoint], width: int = SPARK_WIDTH) -> str:
    """The points over time in `width` characters: each shows the points at the end of its slice."""
    if not curve:
        return ""
    times = [parse_instant(p.at) for p in curve]
    lo_t, hi_t = times[0], times[-1]
    values = [p.points for p in curve]
    lo, hi = min(values), max(values)
    out = []
    i = 0
    for k in range(1, width + 1):
        end = lo_t + (hi_t - lo_t) * k / width
        while i + 1 < len(times) and times[i + 1] <= end:
            i += 1
        v = values[i]
        out.append(SPARKS[0] if hi == lo else SPARKS[round((v - lo) / (hi - lo) * (len(SPARKS) - 1))])
    return "".join(out)


def _value(v: str) -> str:
    return v if len(v) <= VALUE_WIDTH else v[: VALUE_WIDTH - 1] + "…"


def properties(e: TimelineEvent) -> str:
    return " ".join(f"{k}={_value(v)}" for k, v in e.properties.items())


def change(c: int | None) -> str:
    return "" if c is None else f"{c:+d}" if c else "0"


def _events(events: list[TimelineEvent]) -> list[str]:
    rows = [[when(e.timestamp), e.type, change(e.change), str(e.points_after), ", ".join(e.rules), properties(e)]
            for e in events]  # fmt: skip
    return [
        "  " + line
        for line in table(["when (UTC)", "event", "change", "points", "rules", "properties"], rows, {2, 3})
    ]


def journey_text(j: ContactJourney, mql: float | None) -> list[str]:
    state = j.matrix or j.band
    out = [
        f"{j.contact_id}  points {j.points}{f' ({state})' if state else ''}, {'MQL-eligible' if j.mql_eligible else 'not MQL'}; "
        f"peak {j.peak_points} on {day(j.peak_at)}"
        + (f"; first MQL-eligible on {day(j.mql_since)}" if j.mql_since else ""),
        f"  created {day(j.created_at)}, first event {day(j.first_event)}, {count(j.events_total)} events",
    ]
    if j.curve:
        lo, hi = min(p.points for p in j.curve), max(p.points for p in j.curve)
        line = f"  curve {day(j.curve[0].at)} {sparkline(j.curve)} {day(j.curve[-1].at)}  ({lo} … {hi} points"
        out.append(line + (f"; MQL at {mql:g})" if mql is not None else ")"))
    rules = ", ".join(f"{r} {v:+.1f}" for r, v in j.top_rules)
    out.append(f"  top rules now: {rules or 'none hold points'}")
    if j.cold is not None:
        c = j.cold
        out.append(
            f"  lost {when(c.lost_at)}{f' ({c.reason})' if c.reason else ''}, {c.quiet}; "
            f"points at the loss {c.points_at_loss}, peak before it {c.peak_points} on {day(c.peak_at)}"
        )
        if c.last_actions:
            out.append("  last actions before it was lost:")
            out += _events(c.last_actions)
    if j.events:
        more = f", the last {len(j.events)} shown" if j.events_total > len(j.events) else ""
        out.append(f"  events (newest first{more}):")
        out += _events(j.events)
    marks = [f"{o.outcome} {day(o.timestamp) if o.timestamp else '(no timestamp)'}" + (f" ({o.reason})" if o.reason else "")
             for o in j.outcomes]  # fmt: skip
    out.append(f"  outcomes: {', '.join(marks) if marks else 'none'}")
    return out


def _group(g: JourneyGroup, report: JourneysReport) -> list[str]:
    title = f"{g.title}: {len(g.journeys)} of {count(g.candidates)} ({g.rule})"
    out = ["", title, "=" * len(title)]
    if not g.journeys:
        out.append("none")
    for j in g.journeys:
        out += ["", *journey_text(j, report.mql_threshold)]
    return out


def render(report: JourneysReport) -> str:
    out = [
        f"journeys of model {report.model} version {report.model_version}, program {report.program}",
        f"as of {report.as_of}; the period is the {report.period} before it (from {report.period_start}); "
        f"up to {report.sample} contact{'s' if report.sample != 1 else ''} per group, drawn with seed {report.seed}",
        "change = the points an event's instant added (decay between events is not a change); "
        "rules = the behaviour rules the event passes",
    ]
    out += [f"note: {n}" for n in report.notes]
    for g in report.groups:
        out += _group(g, report)
    return "\n".join(out).rstrip() + "\n"
