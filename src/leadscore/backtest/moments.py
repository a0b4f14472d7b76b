"""Evaluation moments (SPEC §3 item 10): every event's arrival and a scheduled tick.

For each contact: the daily (or `tick`-long) instants at 00:00 UTC from the start to the end of
the period, plus the instant of each of its events in the period. The live service and the
replay use the same moments, so they see the same transitions. The period's two ends are
moments too: the state at the start (MQLs then are "at start", not new) and at the end (what
the versions are compared on) are the states at `--from` and `--to` themselves, not at the
first and last tick or event inside the period.
"""

from __future__ import annotations

from typing import Any

from leadscore.durations import MICROS_PER_DAY


def ticks(start_us: int, end_us: int, tick_us: int = MICROS_PER_DAY) -> list[int]:
    """Tick instants in [start, end], aligned to the Unix epoch (midnight UTC for 1d; a 7d tick
    falls on Thursdays, as 1970-01-01 did)."""
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
        f"""SELECT c.contact_id, t.moment
            FROM ({chosen}) c CROSS JOIN (
                SELECT range AS moment FROM range({first}, {end_us + 1}, {tick_us})
                UNION SELECT {start_us} UNION SELECT {end_us}
            ) t
            UNION
            SELECT e.contact_id, e.ts_us AS moment
            FROM {events} e JOIN ({chosen}) c ON c.contact_id = e.contact_id
            WHERE e.ts_us BETWEEN {start_us} AND {end_us}""",
    )
    return int(ex.rows(f"SELECT count(*) FROM {out}")[0][0])
