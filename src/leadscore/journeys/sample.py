"""Which contacts a journeys report shows: the groups, and a reproducible sample of each.

All as of the report's moment T and over its period (T − period, T]; nothing after T is read.

- **recent leads**: contacts created in the period (their `created_at`; without that column,
  their first event) that have not been won, lost or disqualified by T;
- **won deals**: contacts with a `won` outcome in the period;
- **lost deals**: contacts with a `lost` outcome in the period and no `won` by T.

From each group, `sample` contacts are drawn by the MD5 of `"<seed>:<contact_id>"`: the same
seed shows the same contacts on every run and every machine, and a different seed another draw.
A group is shown newest first (creation, or the outcome's instant).
"""

from __future__ import annotations

from dataclasses import dataclass

from leadscore.data.created import created_us
from leadscore.data.normalize import Executor
from leadscore.diagnostics import LeadscoreError

CHOSEN = "jr_chosen"
CLOSING = ("won", "lost", "disqualified")


@dataclass(frozen=True)
class Picked:
    contact_id: str
    group: str
    at: int | None  # created (recent), the outcome's instant (won, lost)


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def created_expr(created_at: bool, as_of: int, alias: str = "c") -> str:
    """SQL: a contact's creation instant in UTC microseconds (its first event without created_at)."""
    if created_at:
        return f"({created_us(alias + '.created_at')})"
    return (
        f"(SELECT min(e.ts_us) FROM events e WHERE e.contact_id = {alias}.contact_id AND e.ts_us <= {as_of})"
    )


def group_queries(as_of: int, start: int, created_at: bool) -> dict[str, str]:
    """SQL per group: the candidates as (contact_id, at_us)."""
    created = created_expr(created_at, as_of)
    closing = ", ".join(_lit(x) for x in CLOSING)
    return {
        "recent": f"""SELECT c.contact_id, {created} AS at_us FROM contacts c
            WHERE {created} > {start} AND {created} <= {as_of}
              AND NOT EXISTS (SELECT 1 FROM outcomes o WHERE o.contact_id = c.contact_id
                              AND o.outcome IN ({closing}) AND (o.ts_us IS NULL OR o.ts_us <= {as_of}))""",
        "won": f"""SELECT o.contact_id, max(o.ts_us) AS at_us FROM outcomes o
            WHERE o.outcome = 'won' AND o.ts_us > {start} AND o.ts_us <= {as_of}
              AND EXISTS (SELECT 1 FROM contacts c WHERE c.contact_id = o.contact_id)
            GROUP BY o.contact_id""",
        "lost": f"""SELECT o.contact_id, max(o.ts_us) AS at_us FROM outcomes o
            WHERE o.outcome = 'lost' AND o.ts_us > {start} AND o.ts_us <= {as_of}
              AND EXISTS (SELECT 1 FROM contacts c WHERE c.contact_id = o.contact_id)
              AND NOT EXISTS (SELECT 1 FROM outcomes w WHERE w.contact_id = o.contact_id
                              AND w.outcome = 'won' AND (w.ts_us IS NULL OR w.ts_us <= {as_of}))
            GROUP BY o.contact_id""",
    }


def pick(
    ex: Executor, as_of: int, start: int, created_at: bool, sample: int, seed: int
) -> tuple[dict[str, int], list[Picked]]:
    """(candidates per group, the sampled contacts in display order)."""
    counts: dict[str, int] = {}
    picked: list[Picked] = []
    for key, query in group_queries(as_of, start, created_at).items():
        counts[key] = int(ex.rows(f"SELECT count(*) FROM ({query}) g")[0][0])
        rows = ex.rows(
            f"""SELECT contact_id, at_us FROM (
                    SELECT * FROM ({query}) g ORDER BY md5({_lit(str(seed))} || ':' || contact_id), contact_id
                    LIMIT {int(sample)}) s
                ORDER BY at_us DESC NULLS LAST, contact_id"""
        )
        picked += [Picked(str(cid), key, None if at is None else int(at)) for cid, at in rows]
    return counts, picked


def chosen(ex: Executor, ids: tuple[str, ...]) -> list[Picked]:
    """The contacts asked for by id, in the order given; an unknown id is an error."""
    wanted = list(dict.fromkeys(ids))
    found = {
        str(r[0])
        for r in ex.rows(
            f"SELECT contact_id FROM contacts WHERE contact_id IN ({', '.join(_lit(i) for i in wanted)})"
        )
    }
    missing = [i for i in wanted if i not in found]
    if missing:
        raise LeadscoreError.simple(
            "X001",
            f"no contact {', '.join(repr(m) for m in missing[:5])}{' …' if len(missing) > 5 else ''} in the contacts",
            "check the contact_id (--contact takes the id as written in the contacts file)",
        )
    return [Picked(i, "chosen", None) for i in wanted]


def store(ex: Executor, picked: list[Picked]) -> None:
    """The relation `jr_chosen(contact_id)` of every contact shown."""
    ids = list(dict.fromkeys(p.contact_id for p in picked))
    values = ", ".join(f"({_lit(i)})" for i in ids) or "(NULL)"
    ex.materialize(CHOSEN, f"SELECT * FROM (VALUES {values}) v(contact_id) WHERE contact_id IS NOT NULL")
