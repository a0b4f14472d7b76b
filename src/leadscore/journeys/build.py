"""`journeys`: the timelines and score curves of a sample of recent leads, won and lost deals.

The steps, on the session's DuckDB connection: read the outcomes (bad rows reported as for
`evaluate`); draw the sample (:mod:`sample`); make the evaluation moments of the chosen contacts
(daily ticks at 00:00 UTC, each event's instant and the microsecond before it, each outcome's
instant, and T); score them all in one query, the same many-moments query `backtest` replays
(equal to the reference evaluator on every engine); then assemble each contact's timeline.

A curve starts a week before the contact's first event, or at its creation when that is later
(without events: at its creation, or the period's start), and never more than two years before T.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leadscore.data.created import check_created_at
from leadscore.data.outcomes import load_outcomes
from leadscore.durations import MICROS_PER_DAY, Duration, format_instant
from leadscore.journeys import sample
from leadscore.journeys.report import (
    GROUPS,
    Cold,
    ContactJourney,
    CurvePoint,
    JourneyGroup,
    JourneysReport,
    OutcomeMark,
    TimelineEvent,
)
from leadscore.model.program import Program
from leadscore.model.rules import BehaviourRule
from leadscore.output.columns import layout
from leadscore.records import Event
from leadscore.reference.evaluator import passes_step_a
from leadscore.review.evaluate import choose_programs
from leadscore.session import Session
from leadscore.sql.query import Relations, build_score_query

Step = Callable[[str], None]
MOMENTS = "jr_moments"
LEAD_IN = 7 * MICROS_PER_DAY  # the curve starts this long before the first event
LONGEST = 730 * MICROS_PER_DAY  # and never more than this before T
LAST_ACTIONS = 5
TOP_RULES = 3

RULES_OF_GROUP = {
    "recent": "created in the period and not won, lost or disqualified by the as-of",
    "won": "a won outcome in the period",
    "lost": "a lost outcome in the period and no won by the as-of",
    "chosen": "asked for with --contact",
}


@dataclass(frozen=True)
class JourneysRequest:
    as_of: int  # UTC microseconds
    period: Duration
    outcomes: Path | None = None
    sample: int = 10
    seed: int = 1
    contacts: tuple[str, ...] = ()  # show these instead of a sample
    program: str | None = None
    events_shown: int = 30
    strict: bool = False


def _empty_outcomes(ex: Any) -> None:
    ex.materialize(
        "outcomes",
        "SELECT NULL::VARCHAR AS contact_id, NULL::VARCHAR AS outcome, NULL::BIGINT AS ts_us, "
        "NULL::DOUBLE AS value, NULL::VARCHAR AS reason, NULL::BIGINT AS _order WHERE false",
    )


def _behaviour_rules(program: Program) -> list[BehaviourRule]:
    return [
        r
        for d in program.dimensions.values()
        for c in d.categories.values()
        for r in c.rules
        if isinstance(r, BehaviourRule)
    ]


def _make_moments(ex: Any, as_of: int, created_at: bool, period_start: int) -> int:
    created = sample.created_expr(created_at, as_of)
    chosen = f"SELECT contact_id FROM {sample.CHOSEN}"
    events = f"SELECT contact_id, ts_us FROM events WHERE contact_id IN ({chosen}) AND ts_us <= {as_of}"
    start = f"""greatest({as_of - LONGEST}, least({as_of}, CASE
                    WHEN f.first_event IS NULL THEN coalesce(s.created, {period_start})
                    ELSE greatest(f.first_event - {LEAD_IN}, coalesce(s.created, f.first_event - {LEAD_IN})) END))"""
    ex.materialize(
        MOMENTS,
        f"""WITH s AS (SELECT c.contact_id, {created} AS created FROM contacts c WHERE c.contact_id IN ({chosen})),
                 f AS (SELECT contact_id, min(ts_us) AS first_event FROM ({events}) e GROUP BY contact_id),
                 span AS (SELECT s.contact_id, {start} AS first FROM s LEFT JOIN f USING (contact_id))
            SELECT contact_id, unnest(range(CAST(ceil(first / {MICROS_PER_DAY}) AS BIGINT) * {MICROS_PER_DAY},
                                            {as_of} + 1, {MICROS_PER_DAY})) AS moment FROM span
            UNION SELECT contact_id, ts_us FROM ({events}) e
            UNION SELECT contact_id, ts_us - 1 FROM ({events}) e
            UNION SELECT contact_id, ts_us FROM outcomes
                  WHERE contact_id IN ({chosen}) AND ts_us IS NOT NULL AND ts_us <= {as_of}
            UNION SELECT contact_id, {as_of} FROM ({chosen}) c""",
    )
    return int(ex.rows(f"SELECT count(*) FROM {MOMENTS}")[0][0])


def _scores(session: Session, program: Program) -> dict[str, list[dict[str, Any]]]:
    """Per contact, its score rows for the program at every moment, oldest first."""
    d = session.engine.dialect
    relations = Relations(events_have_micros=True, moments=MOMENTS)
    sql = d.render(
        build_score_query(session.compiled, layout(session.model, rules=True), None, d, relations),
        pretty=False,
    )
    rows = session.engine.fetch_dicts(sql)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r["program"] == program.id:
            out[str(r["contact_id"])].append(r)
    for series in out.values():
        series.sort(key=lambda r: int(r["moment"]))
    return out


def _events(session: Session, as_of: int) -> dict[str, list[Event]]:
    """The chosen contacts' events up to T, newest first (ties by event_id, as `explain`)."""
    props = session.compiled.event_properties
    t = session.engine.executor.typing
    cols = ", ".join(["event_id", "contact_id", "type", "ts_us", *(t.q(p) for p in props)])
    out: dict[str, list[Event]] = defaultdict(list)
    for row in session.engine.fetch_dicts(
        f"SELECT {cols} FROM events WHERE contact_id IN (SELECT contact_id FROM {sample.CHOSEN}) AND ts_us <= {as_of}"
    ):
        cid = str(row["contact_id"])
        out[cid].append(
            Event(str(row["event_id"]), cid, str(row["type"]), int(row["ts_us"]), {p: row[p] for p in props})
        )
    for evs in out.values():
        evs.sort(key=lambda e: (-e.ts, e.event_id))
    return out


def _outcomes(session: Session, as_of: int) -> dict[str, list[OutcomeMark]]:
    out: dict[str, list[OutcomeMark]] = defaultdict(list)
    for cid, outcome, ts, value, reason in session.engine.executor.rows(
        f"""SELECT contact_id, outcome, ts_us, value, reason FROM outcomes
            WHERE contact_id IN (SELECT contact_id FROM {sample.CHOSEN}) AND (ts_us IS NULL OR ts_us <= {as_of})
            ORDER BY contact_id, ts_us NULLS LAST, _order"""
    ):
        out[str(cid)].append(
            OutcomeMark(
                None if ts is None else format_instant(int(ts)),
                str(outcome),
                None if value is None else float(value),
                None if reason is None else str(reason),
            )
        )
    return out


def _shown_properties(e: Event) -> dict[str, str]:
    return {k: str(v) for k, v in e.props.items() if v is not None and not (k == "is_bot" and not e.is_bot)}


class _Assembler:
    """Builds each contact's journey from its score series, events and outcomes."""

    def __init__(self, program: Program, request: JourneysRequest, dimensions: list[str]) -> None:
        self.program = program
        self.request = request
        self.dimensions = dimensions
        self.rules = _behaviour_rules(program)

    def timeline(self, events: list[Event], at: dict[int, int]) -> list[TimelineEvent]:
        """Newest first. An instant's change is shown once: on its first event that passes a
        rule (the one that moved the score, if any did), else on its first event."""
        matched = [[r.id for r in self.rules if passes_step_a(r, e, e.ts)] for e in events]
        carrier: dict[int, int] = {}
        for i, e in enumerate(events):
            if e.ts not in carrier or (matched[i] and not matched[carrier[e.ts]]):
                carrier[e.ts] = i
        return [
            TimelineEvent(
                timestamp=format_instant(e.ts),
                type=e.type,
                properties=_shown_properties(e),
                rules=matched[i],
                change=at[e.ts] - at[e.ts - 1] if carrier[e.ts] == i else None,
                points_after=at[e.ts],
            )
            for i, e in enumerate(events)
        ]

    def journey(
        self,
        picked: sample.Picked,
        series: list[dict[str, Any]],
        events: list[Event],
        outcomes: list[OutcomeMark],
        created: int | None,
    ) -> ContactJourney:
        at = {int(r["moment"]): int(r["points"]) for r in series}
        timeline = self.timeline(events, at)
        now = series[-1]
        peak = max(series, key=lambda r: (int(r["points"]), -int(r["moment"])))
        mql = next((r for r in series if r["mql_eligible"]), None)
        rule_values = [
            (k.removeprefix("rule:"), float(v)) for k, v in now.items() if k.startswith("rule:") and v
        ]
        rule_values.sort(key=lambda kv: (-abs(kv[1]), kv[0]))
        cold = None
        if picked.group == "lost" and picked.at is not None:
            cold = self.cold(picked.at, series, events, timeline, outcomes)
        return ContactJourney(
            contact_id=picked.contact_id,
            group=picked.group,
            created_at=None if created is None else format_instant(created),
            first_event=format_instant(events[-1].ts) if events else None,
            events_total=len(events),
            events=timeline[: self.request.events_shown],
            outcomes=outcomes,
            curve=[self.point(r) for r in series],
            points=int(now["points"]),
            band=now.get("band"),
            matrix=now.get("matrix"),
            mql_eligible=bool(now["mql_eligible"]),
            peak_points=int(peak["points"]),
            peak_at=format_instant(int(peak["moment"])),
            mql_since=None if mql is None else format_instant(int(mql["moment"])),
            top_rules=rule_values[:TOP_RULES],
            activity=[(format_instant(ts), at[ts] - at[ts - 1]) for ts in sorted({e.ts for e in events})],
            cold=cold,
        )

    def point(self, r: dict[str, Any]) -> CurvePoint:
        return CurvePoint(
            at=format_instant(int(r["moment"])),
            points=int(r["points"]),
            dimensions={d: float(r[f"{d}_points"] or 0) for d in self.dimensions},
            band=r.get("band"),
            mql_eligible=bool(r["mql_eligible"]),
        )

    def cold(
        self,
        lost: int,
        series: list[dict[str, Any]],
        events: list[Event],
        timeline: list[TimelineEvent],
        outcomes: list[OutcomeMark],
    ) -> Cold:
        before = [(e, t) for e, t in zip(events, timeline, strict=True) if e.ts <= lost]
        upto = [r for r in series if int(r["moment"]) <= lost]
        peak = max(upto, key=lambda r: (int(r["points"]), -int(r["moment"])))
        lost_at = format_instant(lost)
        reason = next((o.reason for o in outcomes if o.outcome == "lost" and o.timestamp == lost_at), None)
        return Cold(
            lost_at=lost_at,
            reason=reason,
            last_actions=[t for _, t in before[:LAST_ACTIONS]],
            quiet_days=(lost - before[0][0].ts) / MICROS_PER_DAY if before else None,
            points_at_loss=int(upto[-1]["points"]),
            peak_points=int(peak["points"]),
            peak_at=format_instant(int(peak["moment"])),
        )


def journeys(session: Session, request: JourneysRequest, step: Step) -> JourneysReport:
    """The whole report on an open session (its contacts and events loaded, DuckDB)."""
    started = time.perf_counter()
    program = choose_programs(session, request.program)[0]
    ex = session.engine.executor
    con = ex.con  # type: ignore[attr-defined]  # journeys run on DuckDB
    if request.outcomes is not None:
        step(f"reading outcomes from {request.outcomes}")
        session.report.files.append(load_outcomes(con, request.outcomes))
    else:
        _empty_outcomes(ex)
    created_at = check_created_at(ex, session.report.files[0])
    if request.strict:
        session.report.check_strict()
    as_of, start = request.as_of, request.as_of - request.period.micros
    step("choosing the contacts")
    if request.contacts:
        counts: dict[str, int] = {"chosen": len(set(request.contacts))}
        picked = sample.chosen(ex, request.contacts)
    else:
        counts, picked = sample.pick(ex, as_of, start, created_at, request.sample, request.seed)
    sample.store(ex, picked)
    n = _make_moments(ex, as_of, created_at, start)
    step(f"scoring {len({p.contact_id for p in picked}):,} contacts at {n:,} moments")
    scores = _scores(session, program)
    events = _events(session, as_of)
    outcomes = _outcomes(session, as_of)
    created = {
        str(cid): None if c is None else int(c)
        for cid, c in ex.rows(
            f"SELECT c.contact_id, {sample.created_expr(created_at, as_of)} FROM contacts c "
            f"WHERE c.contact_id IN (SELECT contact_id FROM {sample.CHOSEN})"
        )
    }
    dimensions = list(program.dimensions)
    assembler = _Assembler(program, request, dimensions)
    groups: list[JourneyGroup] = []
    notes: list[str] = []
    for key in dict.fromkeys(p.group for p in picked) if request.contacts else ("recent", "won", "lost"):
        shown = []
        for p in picked:
            if p.group != key:
                continue
            series = scores.get(p.contact_id)
            if not series:  # the program does not apply to this contact (applies_to)
                notes.append(f"{p.contact_id} is not scored by program {program.id} (applies_to)")
                continue
            shown.append(
                assembler.journey(
                    p,
                    series,
                    events.get(p.contact_id, []),
                    outcomes.get(p.contact_id, []),
                    created.get(p.contact_id),
                )
            )
        groups.append(JourneyGroup(key, GROUPS[key], counts.get(key, 0), shown, RULES_OF_GROUP[key]))
    if request.outcomes is None and not request.contacts:
        notes.append("no outcomes were given (--outcomes): there are no won or lost deals to show")
    if not created_at and not request.contacts:
        notes.append(
            "the contacts have no created_at column: a recent lead is one whose first event is in the period"
        )
    if len(session.model.programs) > 1 and request.program is None:
        notes.append(
            f"the model has {len(session.model.programs)} programs; showing {program.id} (choose with --program)"
        )
    mql = program.stages.mql.min if program.stages and program.stages.mql else None
    report = JourneysReport(
        model=session.model.model,
        model_version=session.model.version_label,
        program=program.id,
        as_of=format_instant(as_of),
        period=str(request.period),
        period_start=format_instant(start),
        sample=request.sample,
        seed=request.seed,
        events_shown=request.events_shown,
        mql_threshold=None if mql is None else float(mql),
        dimensions=dimensions,
        groups=groups,
        inputs=session.report.to_json(),
        diagnostics=session.report.diagnostics(),
        notes=notes,
    )
    report.seconds = time.perf_counter() - started
    return report
