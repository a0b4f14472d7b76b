"""`leadscore explain`: one contact's score, point by point, from the reference evaluator's trace.

The explanation is computed by the reference evaluator (the oracle) on the contact's loaded
data, and checked against the engine's own row for that contact; so every number shown adds up
to the score the engine reports.
"""

from __future__ import annotations

from typing import Any

from leadscore.durations import format_instant
from leadscore.reference.trace import DimensionResult, EventStatus, ProgramResult, RuleResult


def _rule(r: RuleResult) -> dict[str, Any]:
    out: dict[str, Any] = {"id": r.rule_id, "kind": r.kind, "value": r.value, "points": r.points}
    if r.kind == "fit":
        out["matched"] = r.matched
    else:
        out["raw"] = r.raw
        out["clamped"] = r.clamped
        out["events"] = [
            {
                "event_id": e.event.event_id,
                "type": e.event.type,
                "timestamp": format_instant(e.event.ts),
                "age_days": e.age_days,
                "weight": e.weight,
                "points": e.points,
                "status": "counted" if e.status is EventStatus.COUNTED else e.status.name.lower(),
                "reason": None if e.status is EventStatus.COUNTED else e.status.value,
            }
            for e in r.events
        ]
    return out


def _dimension(d: DimensionResult) -> dict[str, Any]:
    decay: dict[str, Any] | None = None
    if d.floor is not None:
        decay = {
            "last_activity": format_instant(d.last_activity) if d.last_activity is not None else None,
            "idle_days": d.idle_days,
            "steps": d.decay_steps,
            "floor": d.floor,
            "before": d.raw,
            "after": d.value,
            "applied": d.decayed,
        }
    return {
        "name": d.name,
        "value": d.value,
        "raw": d.raw,
        "sum": d.sum,
        "clamped": d.clamped,
        "weight": d.weight,
        "decay": decay,
        "categories": [
            {
                "name": c.name,
                "value": c.value,
                "sum": c.raw,
                "clamped": c.clamped,
                "rules": [_rule(r) for r in c.rules],
            }
            for c in d.categories
        ],
    }


def explanation(result: ProgramResult, model_version: str) -> dict[str, Any]:
    return {
        "contact_id": result.contact_id,
        "program": result.program,
        "as_of": format_instant(result.as_of),
        "model_version": model_version,
        "score": result.score,
        "points": result.points,
        "total": result.total,
        "threshold_value": result.threshold_value,
        "segment_digit": result.segment_digit,
        "qualified": result.qualified,
        "gates_met": result.gates_met,
        "gates": [{"id": g, "met": ok} for g, ok in result.gates],
        "band": result.band,
        "dimension_bands": result.dimension_bands,
        "matrix": result.matrix,
        "mql_eligible": result.mql_eligible,
        "dimensions": [_dimension(d) for d in result.dimensions],
    }
