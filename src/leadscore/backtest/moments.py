"""Evaluation moments (SPEC §3 item 10): every event's arrival and a scheduled tick.

For each contact: the daily (or `tick`-long) instants at 00:00 UTC from the start to the end of
the period, plus the instant of each of its events in the period. The live service and the
replay use the same moments, so they see the same transitions.
"""

from __future__ import annotations

from typing import Any

from leadscore.durations import MICROS_PER_DAY


def ticks(start_us: int, end_us: int, tick_us: int = MICROS_PER_DAY) -> list[int]:
    """Tick instants in [start, end], aligned to the Unix epoch (midnight UTC for 1d)."""
    first = -(-start_us // tick_us) * tick_us  # the first aligned instant at or after start
    return list(range(first, end_us + 1, tick_us))


def create_moments(
    ex: Any,
    start_us: int,
    end_us: int,
    tick_us: int,
    contacts: str = "contacts",
    events: str = "events",
    sample: int | None = None,
    out: str = "moments",
) -> int:
    """Make the relation `out(contact_id, moment)`; return its row count.

    `sample` keeps a deterministic subset of contacts (by a hash of the id), for large data.
    """
    first = -(-start_us // tick_us) * tick_us
    chosen = f"SELECT contact_id FROM {contacts}"
    if sample is not None:
        chosen = (
            f"SELECT contact_id FROM {contacts} ORDER BY hash(contact_id), contact_id LIMIT {int(sample)}"
        )
    ex.materialize(
        out,
        f"""SELECT c.contact_id, t.range AS moment
            FROM ({chosen}) c CROSS JOIN range({first}, {end_us + 1}, {tick_us}) t
            UNION
            SELECT e.contact_id, e.ts_us AS moment
            FROM {events} e JOIN ({chosen}) c ON c.contact_id = e.contact_id
            WHERE e.ts_us BETWEEN {start_us} AND {end_us}""",
    )
    return int(ex.rows(f"SELECT count(*) FROM {out}")[0][0])
