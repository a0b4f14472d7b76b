"""Rules that rank their events, for engines without list aggregates (PostgreSQL, Spark).

A half-life with `limit > 1` or with `once_per` keeps only some of a contact's events: the
newest `limit`, one per window. Where the engine has list aggregates (DuckDB), the single
per-contact pass collects sorted lists instead (EventSide.rule_aggregates); elsewhere each such
rule gets a subquery of its own: the window's newest event, a rank, a sum.
"""

from __future__ import annotations

from sqlglot import exp

from leadscore.compiled.ir import RANKED, Aggregation
from leadscore.sql.build import alias, col, integer
from leadscore.sql.events import TS, EventSide


def ranked_aggregates(events: EventSide) -> list[tuple[str, exp.Select]]:
    """For engines without list aggregates: a subquery per ranked rule (window, rank, sum)."""
    if events.d.LIST_AGGREGATES:
        return []
    out: list[tuple[str, exp.Select]] = []
    for agg, name in events.plan.aggregates.items():
        if agg.aggregation not in RANKED:
            continue
        assert agg.half_life_us is not None
        flag = events.has(agg.filter)
        source: exp.Select
        if agg.once_per_us is not None:
            win = events.window_id(agg.once_per_us, col(TS))
            source = (
                exp.select(*events.keys(), alias(exp.Max(this=col(TS)), TS), copy=False)
                .from_("scope", copy=False)
                .where(flag, copy=False)
                .group_by(*events.keys(), win, copy=False)
            )
        else:
            source = (
                exp.select(*events.keys(), col(TS), copy=False)
                .from_("scope", copy=False)
                .where(flag, copy=False)
            )
        contribution = events.d.scaled(agg.points, events.weight(agg.half_life_us, col(TS)))
        if agg.aggregation is Aggregation.TOP_N:
            assert agg.limit is not None
            rank = exp.Window(
                this=exp.RowNumber(),
                partition_by=events.keys(),
                order=exp.Order(expressions=[exp.Ordered(this=col(TS), desc=True)]),
            )
            ranked = exp.select(*events.keys(), col(TS), alias(rank, "rn"), copy=False).from_(
                source.subquery("kept", copy=False), copy=False
            )
            query = (
                exp.select(*events.keys(), alias(exp.Sum(this=contribution), name), copy=False)
                .from_(ranked.subquery("ranked", copy=False), copy=False)
                .where(exp.LTE(this=col("rn"), expression=integer(agg.limit)), copy=False)
                .group_by(*events.keys(), copy=False)
            )
        else:
            query = (
                exp.select(*events.keys(), alias(exp.Sum(this=contribution), name), copy=False)
                .from_(source.subquery("kept", copy=False), copy=False)
                .group_by(*events.keys(), copy=False)
            )
        out.append((name, query))
        events.plan.ranked.append(name)
    return out
