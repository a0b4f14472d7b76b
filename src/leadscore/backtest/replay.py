"""The stage state machine (SPEC §3 item 10), replayed over scores at many moments.

A `lead` becomes an `mql` at the first moment it is eligible. It returns to `lead` when its
score falls below `recycle_below` (hysteresis), or, without `recycle_below`, when it is no
longer eligible; with `sticky: true` it stays an MQL. Stages set by outcomes (sal, sql,
opportunity, won, lost, disqualified) take precedence from the outcome's instant on.

Because the MQL threshold is at or above `recycle_below`, the conditions that set and reset the
state cannot hold at once; so a contact is an MQL at a moment exactly when the last moment that
set it is later than the last that reset it. That makes the replay two running maxima per
contact (window functions), not a loop.

The replay starts at the first moment of the period, `--from` itself: a contact eligible then
starts as an MQL and is not counted as a new one; history before the period is not replayed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from leadscore.data.loading import scalar
from leadscore.model.program import Program


@dataclass(frozen=True)
class Transitions:
    per_month: dict[str, int]  # 'YYYY-MM' → new MQLs
    total: int
    initial_mqls: int  # MQLs at the first moment, --from (not counted as new)


def reset_condition(program: Program) -> str:
    mql = program.stages.mql if program.stages else None
    if mql is None:
        return "FALSE"
    if mql.sticky:
        return "FALSE"
    if mql.recycle_below is not None:
        return f"threshold_value < {float(mql.recycle_below)!r}"
    return "NOT mql_eligible"


def threshold_value(program: Program) -> str:
    """What thresholds compare: the points, or gates × 100 + clamp(points) on encoded programs."""
    return "score % 1000" if program.encoded is not None else "points"


def replay_sql(program: Program, scores: str, outcomes: str | None) -> str:
    """Per (contact, moment) of one program: is_mql, and became_mql (a new MQL at that moment)."""
    first_outcome = "CAST(NULL AS BIGINT)"
    join = ""
    if outcomes is not None:
        first_outcome = "o.first_outcome"
        join = f" LEFT JOIN {outcomes} o ON o.contact_id = s.contact_id"
    pid = program.id.replace("'", "''")
    return f"""
    WITH s AS (
        SELECT s.contact_id, s.moment, s.mql_eligible, {threshold_value(program)} AS threshold_value,
               {first_outcome} AS first_outcome
        FROM {scores} s{join}
        WHERE s.program = '{pid}'
    ), flags AS (
        SELECT *, CASE WHEN mql_eligible THEN moment END AS set_at,
                  CASE WHEN {reset_condition(program)} THEN moment END AS reset_at
        FROM s
    ), state AS (
        SELECT *,
            max(set_at) OVER w AS last_set, max(reset_at) OVER w AS last_reset,
            row_number() OVER w AS step
        FROM flags
        WINDOW w AS (PARTITION BY contact_id ORDER BY moment ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
    ), staged AS (
        SELECT *,
            (first_outcome IS NULL OR moment < first_outcome)
              AND last_set IS NOT NULL AND (last_reset IS NULL OR last_set > last_reset) AS is_mql
        FROM state
    )
    SELECT contact_id, moment, step, is_mql,
        is_mql AND step > 1 AND NOT coalesce(lag(is_mql) OVER (PARTITION BY contact_id ORDER BY moment), FALSE) AS became_mql
    FROM staged"""


def transitions(con: Any, program: Program, scores: str, outcomes: str | None) -> Transitions:
    sql = replay_sql(program, scores, outcomes)
    rows = con.execute(
        f"""SELECT strftime(make_timestamp(moment), '%Y-%m') AS month, count(*) FILTER (WHERE became_mql)
            FROM ({sql}) r GROUP BY 1 ORDER BY 1"""
    ).fetchall()
    initial = scalar(con, f"SELECT count(*) FROM ({sql}) r WHERE step = 1 AND is_mql")
    per_month = {m: int(n) for m, n in rows}
    return Transitions(per_month, sum(per_month.values()), int(initial))


def final_states(
    con: Any, program: Program, scores: str, outcomes: str | None, outcome_stage: str | None
) -> str:
    """SQL: the stage of each contact at its last moment, --to (an outcome's, else mql or lead)."""
    sql = replay_sql(program, scores, outcomes)
    stage = "CASE WHEN r.is_mql THEN 'mql' ELSE 'lead' END"
    if outcome_stage is not None:
        stage = f"coalesce(os.stage, {stage})"
        return (
            f"SELECT r.contact_id, {stage} AS stage FROM ({sql}) r LEFT JOIN {outcome_stage} os ON os.contact_id = r.contact_id "
            "QUALIFY row_number() OVER (PARTITION BY r.contact_id ORDER BY r.moment DESC) = 1"
        )
    return f"SELECT r.contact_id, {stage} AS stage FROM ({sql}) r QUALIFY row_number() OVER (PARTITION BY r.contact_id ORDER BY r.moment DESC) = 1"
