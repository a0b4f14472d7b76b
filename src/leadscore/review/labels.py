"""Labels: who converted in the horizon, and who is evaluated at all.

The window is (cutoff, cutoff + horizon]. A contact **converts** when it reaches one of the
positive outcomes in the window; an outcome without a timestamp (label-only data) counts as a
label whatever the window. A contact that already reached a positive outcome at or before the
cutoff is **left out** (it was no longer a lead to score), and so is a contact created after the
cutoff (its `created_at` is later: it did not exist yet). Outcomes after the window do not count.

Everything runs in SQL over the canonical `outcomes` and the `scores` at the cutoff; the result
is the relation `eval_pop`: the program's score rows of the evaluated contacts, with `y` (1 for a
converter), `reached` (the furthest funnel stage reached in the window: 0 none, 1 sal, 2 sql,
3 opportunity, 4 won) and `label_only`.
"""

from __future__ import annotations

from dataclasses import dataclass

from leadscore.data.created import created_us
from leadscore.data.normalize import Executor
from leadscore.durations import Duration
from leadscore.review.report import OutcomeCounts, Population

FUNNEL = ("sal", "sql", "opportunity", "won")  # each step implies the ones before it
POPULATION = "eval_pop"
LABELS = "eval_labels"


@dataclass(frozen=True)
class Window:
    cutoff: int  # UTC microseconds
    horizon: Duration
    positive: tuple[str, ...]

    @property
    def end(self) -> int:
        return self.cutoff + self.horizon.micros

    def inside(self, ts: str = "ts_us") -> str:
        """SQL: the outcome counts in the window (a label-only outcome always does)."""
        return f"({ts} IS NULL OR ({ts} > {self.cutoff} AND {ts} <= {self.end}))"


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


def label_contacts(ex: Executor, window: Window) -> None:
    """`eval_labels`: per contact with outcomes, whether it converted, before or in the window."""
    pos = f"outcome IN {_in(window.positive)}"
    stage = " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(FUNNEL, start=1))
    ex.materialize(
        LABELS,
        f"""SELECT contact_id,
                bool_or({pos} AND ts_us IS NOT NULL AND ts_us <= {window.cutoff}) AS before_cutoff,
                bool_or({pos} AND {window.inside()}) AS converted,
                bool_or({pos} AND coalesce(ts_us > {window.cutoff} AND ts_us <= {window.end}, false)) AS dated,
                max(CASE WHEN {window.inside()} THEN CASE outcome {stage} ELSE 0 END END) AS reached
            FROM outcomes GROUP BY contact_id""",
    )


def outcome_counts(ex: Executor, window: Window) -> OutcomeCounts:
    c, e = window.cutoff, window.end
    row = ex.rows(
        f"""SELECT count(*), count(*) FILTER (WHERE ts_us <= {c}),
                   count(*) FILTER (WHERE ts_us > {c} AND ts_us <= {e}),
                   count(*) FILTER (WHERE ts_us > {e}), count(*) FILTER (WHERE ts_us IS NULL)
            FROM outcomes"""
    )[0]
    by = dict(ex.rows("SELECT outcome, count(*) FROM outcomes GROUP BY 1 ORDER BY 1"))
    rows, before, inside, after, undated = (int(x) for x in row)
    return OutcomeCounts(rows, before, inside, after, undated, {str(k): int(v) for k, v in by.items()})


def unknown_contacts(ex: Executor) -> int:
    """Outcomes of contacts that are not in the contacts file (they are ignored)."""
    return int(
        ex.rows(
            "SELECT count(*) FROM outcomes o WHERE NOT EXISTS "
            "(SELECT 1 FROM contacts c WHERE c.contact_id = o.contact_id)"
        )[0][0]
    )


def build_population(ex: Executor, program: str, window: Window, created_at: bool) -> Population:
    """`eval_pop` for one program, and who was left out and why."""
    created = f"coalesce(({created_us('c.created_at')}) > {window.cutoff}, false)" if created_at else "false"
    joined = f"""SELECT s.*, {created} AS _created_after,
                    coalesce(l.before_cutoff, false) AS _before,
                    CAST(coalesce(l.converted, false) AS INTEGER) AS y,
                    coalesce(l.converted AND NOT l.dated, false) AS label_only,
                    coalesce(l.reached, 0) AS reached
                 FROM scores s LEFT JOIN {LABELS} l ON l.contact_id = s.contact_id
                 {"LEFT JOIN contacts c ON c.contact_id = s.contact_id" if created_at else ""}
                 WHERE s.program = '{program.replace("'", "''")}'"""
    ex.stage("eval_scored", joined)  # a view: read twice, stored never
    scored, after, before = ex.rows(
        "SELECT count(*), count(*) FILTER (WHERE _created_after), "
        "count(*) FILTER (WHERE _before AND NOT _created_after) FROM eval_scored"
    )[0]
    ex.materialize(
        POPULATION,
        "SELECT * EXCLUDE (_created_after, _before) FROM eval_scored WHERE NOT _created_after AND NOT _before",
    )
    ex.execute("DROP VIEW IF EXISTS eval_scored")
    evaluated, converters, label_only = ex.rows(
        f"SELECT count(*), coalesce(sum(y), 0), count(*) FILTER (WHERE label_only) FROM {POPULATION}"
    )[0]
    return Population(
        scored=int(scored),
        created_after_cutoff=int(after),
        already_converted=int(before),
        evaluated=int(evaluated),
        converters=int(converters),
        label_only_converters=int(label_only),
    )
