"""The sales funnel of the MQLs at the cutoff, and sales' acceptance of them.

**Funnel.** Among the contacts that were MQL-eligible at the cutoff: how many reached `sal`,
`sql`, `opportunity` and `won` in the horizon. Reaching a stage counts every stage before it (a
`won` contact also reached `sql`), so label-only data with nothing but `won` still fills the
funnel. The same counts for the contacts that were not MQL-eligible show what the threshold let
through and what it missed.

**Acceptance.** From the feedback file: each contact's latest verdict in the horizon (or one
without a timestamp), for the MQLs at the cutoff; rejected and accepted reasons counted.
"""

from __future__ import annotations

from leadscore.data.normalize import Executor
from leadscore.review.labels import FUNNEL, POPULATION, Window
from leadscore.review.report import Acceptance, FunnelStep, Reason

MAX_REASONS = 10


def funnel(ex: Executor) -> list[FunnelStep]:
    parts = ["count(*) FILTER (WHERE mql_eligible)", "count(*) FILTER (WHERE NOT mql_eligible)"]
    for i in range(1, len(FUNNEL) + 1):
        parts += [
            f"count(*) FILTER (WHERE mql_eligible AND reached >= {i})",
            f"count(*) FILTER (WHERE NOT mql_eligible AND reached >= {i})",
        ]
    row = [int(x) for x in ex.rows(f"SELECT {', '.join(parts)} FROM {POPULATION}")[0]]
    steps = []
    start = row[0]
    previous = row[0]
    for i, stage in enumerate(("mql", *FUNNEL)):
        mql, other = row[2 * i], row[2 * i + 1]
        steps.append(
            FunnelStep(
                stage=stage,
                mql=mql,
                mql_from_previous=mql / previous if i and previous else None,
                mql_from_start=mql / start if i and start else None,
                other=other,
            )
        )
        previous = mql
    return steps


def acceptance(ex: Executor, window: Window, given: bool) -> Acceptance:
    mqls = int(ex.rows(f"SELECT count(*) FILTER (WHERE mql_eligible) FROM {POPULATION}")[0][0])
    if not given:
        return Acceptance(False, mqls, 0, 0, mqls, None, 0, 0)
    ex.materialize(
        "eval_verdicts",
        f"""SELECT p.contact_id, p.mql_eligible, f.verdict, coalesce(f.reason, '(no reason given)') AS reason
            FROM (SELECT *, row_number() OVER (PARTITION BY contact_id ORDER BY ts_us DESC NULLS LAST, _order DESC) AS _k
                  FROM feedback WHERE {window.inside()}) f
            JOIN {POPULATION} p ON p.contact_id = f.contact_id
            WHERE f._k = 1""",
    )
    counts = {
        (bool(m), str(v)): int(n)
        for m, v, n in ex.rows("SELECT mql_eligible, verdict, count(*) FROM eval_verdicts GROUP BY 1, 2")
    }
    accepted, rejected = counts.get((True, "accepted"), 0), counts.get((True, "rejected"), 0)
    reasons = [
        Reason(str(v), str(r), int(n))
        for v, r, n in ex.rows(
            "SELECT verdict, reason, count(*) FROM eval_verdicts WHERE mql_eligible "
            f"GROUP BY 1, 2 ORDER BY verdict = 'rejected' DESC, 3 DESC, 2 LIMIT {MAX_REASONS}"
        )
    ]
    ex.drop("eval_verdicts")
    return Acceptance(
        given=True,
        mqls=mqls,
        accepted=accepted,
        rejected=rejected,
        without_feedback=mqls - accepted - rejected,
        rate=accepted / (accepted + rejected) if accepted + rejected else None,
        other_accepted=counts.get((False, "accepted"), 0),
        other_rejected=counts.get((False, "rejected"), 0),
        reasons=reasons,
    )
