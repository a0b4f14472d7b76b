"""SPEC §3 as plain, readable Python. Every engine is tested against this module.

It favours the words of the specification over speed: each step of a behaviour rule (select,
once_per, limit, decay, clamp), each clamp of a category and a dimension, inactivity decay with
its floor, rounding, gates, bands, the matrix, the encoded format and MQL eligibility.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from leadscore.durations import MICROS_PER_DAY
from leadscore.model.checks import contact_field_kind
from leadscore.model.derived import decay_factor, decay_floor, weight
from leadscore.model.dimension import Band, Dimension
from leadscore.model.program import Program
from leadscore.model.rules import BehaviourRule, FitRule
from leadscore.model.schema import Model
from leadscore.records import Contact, Event, Value
from leadscore.reference.trace import (
    CategoryResult,
    DimensionResult,
    EventStatus,
    EventTrace,
    ProgramResult,
    RuleResult,
)
from leadscore.reference.values import fold, holds, text_as_number
from leadscore.rounding import official_value


def official(total: float) -> int:
    """The official score: the total rounded to 6 decimals, then to an integer, half away from zero."""
    return int(official_value(total))


def clamp(x: float, lo: float | None, hi: float | None) -> float:
    if lo is not None and x < lo:
        x = lo
    if hi is not None and x > hi:
        x = hi
    return x


def band_for(bands: Sequence[Band] | None, value: float) -> str | None:
    """The band with the highest `min` at or below the value; none below every `min`."""
    best: Band | None = None
    for b in bands or ():
        if b.min <= value and (best is None or b.min > best.min):
            best = b
    return best.name if best else None


# --- conditions on contacts and events ---------------------------------------------------------


def contact_lookup(model: Model, contact: Contact) -> Any:
    def lookup(field: str) -> tuple[Value, str]:
        return contact.get(field), contact_field_kind(model.fields, field)

    return lookup


def event_lookup(event: Event) -> Any:
    def lookup(field: str) -> tuple[Value, str]:
        return event.get(field), "text"

    return lookup


# --- rules --------------------------------------------------------------------------------------


def passes_step_a(rule: BehaviourRule, event: Event, as_of: int) -> bool:
    """SPEC §3 item 4 (a): type, where, bots, `timestamp ≤ T` and `within`."""
    if event.ts > as_of or event.type not in rule.event:
        return False
    if event.is_bot and not rule.include_bots:
        return False
    if rule.within is not None and not (as_of - event.ts < rule.within.micros):
        return False
    return holds(rule.where, event_lookup(event))


def age_days(event: Event, as_of: int) -> float:
    return (as_of - event.ts) / MICROS_PER_DAY


def decay_weight(rule: BehaviourRule, event: Event, as_of: int) -> float:
    """w(a) = 0.5 ** (a / h) with a half-life, else 1."""
    if rule.half_life is None:
        return 1.0
    return float(0.5 ** (age_days(event, as_of) / rule.half_life.days))


def behaviour_rule(rule: BehaviourRule, events: Sequence[Event], as_of: int) -> RuleResult:
    selected = [e for e in events if passes_step_a(rule, e, as_of)]
    # most recent first; ties keep input order (tied events contribute equally)
    selected.sort(key=lambda e: -e.ts)
    dropped: dict[int, EventStatus] = {}
    kept = selected
    if rule.once_per is not None:
        window = rule.once_per.micros
        seen: set[int] = set()
        kept = []
        for e in selected:
            win = e.ts // window  # windows aligned to the Unix epoch (floor division)
            if win in seen:
                dropped[id(e)] = EventStatus.ONCE_PER
            else:
                seen.add(win)
                kept.append(e)
    if rule.limit is not None:
        for e in kept[rule.limit :]:
            dropped[id(e)] = EventStatus.LIMIT
        kept = kept[: rule.limit]
    traces: list[EventTrace] = []
    raw = 0.0
    for e in selected:
        w = decay_weight(rule, e, as_of)
        if id(e) in dropped:
            traces.append(EventTrace(e, age_days(e, as_of), w, 0.0, dropped[id(e)]))
        else:
            contribution = rule.points * w
            raw += contribution
            traces.append(EventTrace(e, age_days(e, as_of), w, contribution, EventStatus.COUNTED))
    return RuleResult(rule.id, "behaviour", rule.points, raw, clamp(raw, rule.min, rule.max), events=traces)


def fit_rule(rule: FitRule, model: Model, contact: Contact) -> RuleResult:
    ok = holds(rule.when, contact_lookup(model, contact))
    value = rule.points if ok else 0.0
    return RuleResult(rule.id, "fit", rule.points, value, value, matched=ok)


# --- dimensions ---------------------------------------------------------------------------------


def last_activity(dim: Dimension, events: Sequence[Event], as_of: int) -> int | None:
    """L: the most recent event passing step (a) of any positive-points behaviour rule."""
    latest: int | None = None
    for cat in dim.categories.values():
        for rule in cat.rules:
            if isinstance(rule, BehaviourRule) and rule.points > 0:
                for e in events:
                    if passes_step_a(rule, e, as_of) and (latest is None or e.ts > latest):
                        latest = e.ts
    return latest


def dimension(
    program: Program,
    name: str,
    dim: Dimension,
    model: Model,
    contact: Contact,
    events: Sequence[Event],
    as_of: int,
) -> DimensionResult:
    categories: list[CategoryResult] = []
    for cname, cat in dim.categories.items():
        rules = [
            behaviour_rule(r, events, as_of) if isinstance(r, BehaviourRule) else fit_rule(r, model, contact)
            for r in cat.rules
        ]
        raw = sum(r.value for r in rules)
        categories.append(CategoryResult(cname, raw, clamp(raw, cat.min, cat.max), rules))
    total = sum(c.value for c in categories)
    raw = clamp(total, dim.min, dim.max)
    result = DimensionResult(name, total, raw, raw, weight(program, name), categories)
    if dim.decay is None:
        return result
    last = last_activity(dim, events, as_of)
    result.last_activity = last
    result.floor = decay_floor(program, dim.decay)
    if last is None:
        return result
    idle = as_of - last
    result.idle_days = idle / MICROS_PER_DAY  # shown by explain, also where no decay applies
    if raw <= 0:  # decay lowers a positive value only (SPEC §3 item 6)
        return result
    after, every = dim.decay.after.micros, dim.decay.every.micros
    n = 0 if idle < after else 1 + (idle - after) // every
    result.decay_steps = n
    if dim.decay.by.kind == "percent":
        decayed = raw * decay_factor(dim.decay) ** n
    else:
        decayed = raw - n * dim.decay.by.value
    floor = result.floor
    result.value = raw if raw <= floor else max(floor, decayed)
    return result


# --- programs -----------------------------------------------------------------------------------


def segment_digit(program: Program, model: Model, contact: Contact) -> int:
    enc = program.encoded
    if enc is None or enc.segment is None:
        return 0
    seg = enc.segment
    value = contact.get(seg.field)
    if value is None:
        return 0
    if isinstance(seg.map, dict):
        if not isinstance(value, str):
            return 0
        for key, digit in seg.map.items():
            if fold(key) == fold(value):
                return digit
        return 0
    number: float | None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int | float):
        number = float(value)
    else:
        number = text_as_number(value)
    if number is None:
        return 0
    for lo, hi, digit in seg.map:
        if (lo is None or number >= lo) and (hi is None or number <= hi):
            return digit
    return 0


def applies(program: Program, model: Model, contact: Contact) -> bool:
    return holds(program.applies_to, contact_lookup(model, contact))


def evaluate_program(
    program: Program, model: Model, contact: Contact, events: Sequence[Event], as_of: int
) -> ProgramResult:
    lookup = contact_lookup(model, contact)
    dims = [dimension(program, n, d, model, contact, events, as_of) for n, d in program.dimensions.items()]
    gates = [(g.id, holds(g.when, lookup)) for g in program.gates]
    total = sum(d.weight * d.value for d in dims)
    points = official(total)
    gates_met = sum(1 for _, ok in gates if ok)
    qualified = all(ok for _, ok in gates)
    digit: int | None = None
    threshold_value: int
    if program.encoded is not None:
        threshold_value = gates_met * 100 + int(clamp(points, 0, 99))
        digit = segment_digit(program, model, contact)
        score = digit * 1000 + threshold_value
    else:
        threshold_value = points
        score = points
    dim_bands = {
        d.name: band_for(program.dimensions[d.name].bands, official(d.value))
        for d in dims
        if program.dimensions[d.name].bands
    }
    matrix = None
    if program.matrix:
        a, b = (dim_bands.get(n) for n in program.matrix)
        matrix = a + b if a is not None and b is not None else None
    mql = program.stages.mql if program.stages else None
    eligible = mql is not None and (qualified or not mql.require_gates) and threshold_value >= mql.min
    return ProgramResult(
        contact_id=contact.contact_id,
        program=program.id,
        dimensions=dims,
        gates=gates,
        total=total,
        points=points,
        threshold_value=threshold_value,
        score=score,
        segment_digit=digit,
        band=band_for(program.bands, threshold_value),
        dimension_bands=dim_bands,
        matrix=matrix,
        mql_eligible=eligible,
        as_of=as_of,
    )


def evaluate_contact(
    model: Model, contact: Contact, events: Sequence[Event], as_of: int
) -> list[ProgramResult]:
    """One result per program the contact applies to, in model order."""
    return [
        evaluate_program(p, model, contact, events, as_of)
        for p in model.programs
        if applies(p, model, contact)
    ]


def group_events(events: Iterable[Event]) -> dict[str, list[Event]]:
    """Events by contact, duplicates of an `event_id` dropped (the first in input order counts)."""
    seen: set[str] = set()
    out: dict[str, list[Event]] = {}
    for e in events:
        if e.event_id in seen:
            continue
        seen.add(e.event_id)
        out.setdefault(e.contact_id, []).append(e)
    return out


def score_rows(
    model: Model, contacts: Iterable[Contact], events: Iterable[Event], as_of: int, rules: bool = False
) -> list[dict[str, Any]]:
    """Output rows (SPEC §3 item 12) for every contact and program, in input order."""
    from leadscore.output.columns import row_from_result

    by_contact: Mapping[str, list[Event]] = group_events(events)
    rows: list[dict[str, Any]] = []
    for c in contacts:
        for result in evaluate_contact(model, c, by_contact.get(c.contact_id, []), as_of):
            rows.append(row_from_result(model, result, rules=rules))
    return rows
