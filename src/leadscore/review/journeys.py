"""The leads the score got most wrong, with their journeys.

The **low-scored converters** (the lowest scores among the converters) and the **high-scored
non-converters** (the highest scores among the rest), a handful each, ties broken by
contact_id. Each comes with the rules that moved its score most at the cutoff, its most recent
events up to the cutoff (what the model saw: type, time and the properties the model reads) and
all its outcomes, each placed relative to the window.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from leadscore.data.normalize import Executor
from leadscore.durations import format_instant
from leadscore.review.labels import POPULATION, Window
from leadscore.review.report import Journey, JourneyEvent, JourneyOutcome

SHOWN = 5  # leads per list
EVENTS_SHOWN = 12  # most recent events per lead
TOP_RULES = 3


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _top_rules(row: dict[str, Any]) -> list[tuple[str, float]]:
    values = [(k.removeprefix("rule:"), float(v)) for k, v in row.items() if k.startswith("rule:") and v]
    values.sort(key=lambda kv: (-abs(kv[1]), kv[0]))
    return values[:TOP_RULES]


def _when(ts: int | None, window: Window) -> str:
    if ts is None:
        return "no timestamp"
    if ts <= window.cutoff:
        return "before the cutoff"
    return "in the horizon" if ts <= window.end else "after the horizon"


def surprising(
    ex: Executor,
    window: Window,
    properties: tuple[str, ...],
    events_of: Callable[[str], str],
    shown: int = SHOWN,
) -> tuple[list[Journey], list[Journey]]:
    """(low-scored converters, high-scored non-converters), each with its journey; `events_of`
    gives the canonical events meeting a condition, as a subquery (Session.events_of)."""
    cols = [r[0] for r in ex.rows(f"DESCRIBE SELECT * FROM {POPULATION}")]
    picked: list[tuple[str, dict[str, Any]]] = []
    for which, where, order in (("low", "y = 1", "ASC"), ("high", "y = 0", "DESC")):
        rows = ex.rows(
            f"SELECT * FROM {POPULATION} WHERE {where} ORDER BY points {order}, contact_id LIMIT {int(shown)}"
        )
        picked += [(which, dict(zip(cols, r, strict=True))) for r in rows]
    if not picked:
        return [], []
    ids = ", ".join(_lit(str(row["contact_id"])) for _, row in picked)
    props = [p for p in properties if p != "is_bot"]
    prop_cols = "".join(f", {_q(p)}" for p in props)
    events: dict[str, list[JourneyEvent]] = defaultdict(list)
    totals: dict[str, int] = defaultdict(int)
    for cid, etype, ts, n, *values in ex.rows(
        f"""SELECT contact_id, type, ts_us, _n{prop_cols} FROM (
                SELECT *, row_number() OVER (PARTITION BY contact_id ORDER BY ts_us DESC, event_id DESC) AS _k,
                       count(*) OVER (PARTITION BY contact_id) AS _n
                FROM {events_of(f"contact_id IN ({ids}) AND ts_us <= {window.cutoff}")} chosen_events) e
            WHERE _k <= {EVENTS_SHOWN} ORDER BY contact_id, ts_us DESC, event_id DESC"""
    ):
        shown_props = {p: str(v) for p, v in zip(props, values, strict=True) if v is not None}
        events[str(cid)].append(JourneyEvent(format_instant(int(ts)), str(etype), shown_props))
        totals[str(cid)] = int(n)
    outcomes: dict[str, list[JourneyOutcome]] = defaultdict(list)
    for cid, outcome, ts, value, reason in ex.rows(
        f"SELECT contact_id, outcome, ts_us, value, reason FROM outcomes WHERE contact_id IN ({ids}) "
        "ORDER BY contact_id, ts_us NULLS LAST, _order"
    ):
        outcomes[str(cid)].append(
            JourneyOutcome(
                timestamp=None if ts is None else format_instant(int(ts)),
                outcome=str(outcome),
                value=None if value is None else float(value),
                reason=None if reason is None else str(reason),
                when=_when(None if ts is None else int(ts), window),
            )
        )
    low: list[Journey] = []
    high: list[Journey] = []
    for which, row in picked:
        cid = str(row["contact_id"])
        journey = Journey(
            contact_id=cid,
            points=int(row["points"]),
            score=int(row["score"]),
            band=row.get("band"),
            matrix=row.get("matrix"),
            mql_eligible=bool(row.get("mql_eligible")),
            converted=bool(row["y"]),
            top_rules=_top_rules(row),
            events_total=totals.get(cid, 0),
            events=events.get(cid, []),
            outcomes=outcomes.get(cid, []),
        )
        (low if which == "low" else high).append(journey)
    return low, high
