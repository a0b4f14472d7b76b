"""Repeated event_ids dropped inside the scoring query, among the events the rules read.

Of events sharing an event_id the first in input order counts (SPEC §3). Grouping every row by
event_id to find the copies is the costliest step of a run; here only the events some rule
reads are put in a hash table, and one scan of every row's (event_id, position) looks them up.
"""

from __future__ import annotations

from sqlglot import exp

from leadscore.sql.build import alias, case, col
from leadscore.sql.events import CID, ORDER, TS, EventSide

READ = "read"  # the events some rule reads, copies of repeated event_ids included
LATER = "later_copies"  # the positions of those that repeat an event_id seen earlier


def scope_with_copies(events: EventSide, events_relation: exp.Expr, ids: str) -> list[tuple[str, exp.Expr]]:
    """The scope as three CTEs, for events that still hold the later copies of repeated
    event_ids: `read` (the events some rule reads, with event_id and position), `later_copies`
    (the positions in `read` of rows whose event_id an earlier row of `ids` has, found by
    looking up `read`'s ids while scanning `ids`: a hash table of the events read, not a
    grouping of every row) and `scope`, where those rows' contact is NULL, so that the
    per-contact aggregate gathers them in one row that no contact joins, whose event count
    is the number of duplicates dropped. The first row of an event_id counts even when no
    rule reads it (then none of its copies counts either)."""
    assert not events.many, "one moment only"
    read = events.scope(events_relation, carry_ids=True)
    earlier = exp.and_(
        exp.EQ(this=col("event_id", "i"), expression=col("event_id", "r")),
        exp.LT(this=col(ORDER, "i"), expression=col(ORDER, "r")),
        copy=False,
    )
    later = (
        exp.select(col(ORDER, "r"), copy=False)
        .distinct()
        .from_(exp.alias_(exp.to_table(ids, quoted=True), "i", table=True, copy=False), copy=False)
        .join(
            exp.alias_(exp.to_table(READ), "r", table=True, copy=False),
            on=earlier,
            join_type="inner",
            copy=False,
        )
    )
    repeated = exp.Not(this=exp.Is(this=col(ORDER, LATER), expression=exp.Null()))
    contact = case((repeated, exp.Null()), default=col(CID, READ))
    scope = (
        exp.select(
            alias(contact, CID), col(TS, READ), *(col(m, READ) for m in events.mask_columns), copy=False
        )
        .from_(exp.to_table(READ), copy=False)
        .join(
            exp.to_table(LATER),
            on=exp.EQ(this=col(ORDER, READ), expression=col(ORDER, LATER)),
            join_type="left",
            copy=False,
        )
    )
    return [(READ, read), (LATER, later), ("scope", scope)]
