"""What changed between two versions of a model, in words a marketing-ops person reads.

Rules are matched by id within their program (so a rule that moved to another category is
"moved", not removed and added); gates and triggers by id; dimensions and categories by name.
Descriptions are not compared: they change no score.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from leadscore.history import describe as say
from leadscore.model.base import number_text
from leadscore.model.dimension import Decay, Dimension
from leadscore.model.program import Program
from leadscore.model.rules import BehaviourRule, FitRule
from leadscore.model.schema import Model

Rule = FitRule | BehaviourRule


@dataclass(frozen=True)
class Change:
    kind: str  # a stable name: rule_added, rule_points, decay_changed, mql_threshold, …
    program: str | None  # None for model-level changes (fields, review, triggers)
    subject: str  # what changed: "rule pricing (engagement › interest)", "MQL threshold"
    message: str  # the whole change in one line
    old: str | None = None  # before and after, in words (a condition, a rule, a band list)
    new: str | None = None

    def to_json(self) -> dict[str, Any]:
        keys = ("kind", "program", "subject", "message", "old", "new")
        return {k: getattr(self, k) for k in keys}


def diff_models(old: Model, new: Model) -> list[Change]:
    return [*_model_changes(old, new), *_programs(old, new), *_triggers(old, new)]


def _only(keys: Iterable[str], other: Iterable[str]) -> list[str]:
    """The keys not in `other`, in their written order (sets would change it from run to run)."""
    exclude = set(other)
    return [k for k in keys if k not in exclude]


def _opt(x: float | None) -> str:
    return "none" if x is None else number_text(x)


def _model_changes(old: Model, new: Model) -> Iterator[Change]:
    for name in _only(new.fields, old.fields):
        yield Change("field_added", None, f"field {name}", f"field {name} added ({new.fields[name]})")
    for name in _only(old.fields, new.fields):
        yield Change("field_removed", None, f"field {name}", f"field {name} removed (was {old.fields[name]})")
    for name in _only(old.fields, _only(old.fields, new.fields)):
        ta, tb = old.fields[name], new.fields[name]
        if ta != tb:
            yield Change("field_type", None, f"field {name}", f"field {name}: type {ta} → {tb}", ta, tb)
    ra, rb = _review(old), _review(new)
    if ra != rb:
        yield Change("review", None, "review schedule", f"review schedule: {ra} → {rb}", ra, rb)


def _review(m: Model) -> str:
    r = m.review
    if r is None or (r.first_after is None and r.every is None):
        return "none"
    parts = [f"first after {r.first_after}" if r.first_after else "", f"every {r.every}" if r.every else ""]
    return ", then ".join(p for p in parts if p)


def _programs(old: Model, new: Model) -> Iterator[Change]:
    before = {p.id: p for p in old.programs}
    after = {p.id: p for p in new.programs}
    for pid, p in after.items():
        if pid not in before:
            yield Change(
                "program_added",
                pid,
                f"program {pid}",
                f"program {pid} added ({len(p.dimensions)} dimension(s), {_count_rules(p)} rule(s))",
            )
    for pid, p in before.items():
        if pid not in after:
            yield Change(
                "program_removed",
                pid,
                f"program {pid}",
                f"program {pid} removed (had {_count_rules(p)} rule(s))",
            )
        else:
            yield from _program(before[pid], after[pid])


def _count_rules(p: Program) -> int:
    return sum(len(c.rules) for d in p.dimensions.values() for c in d.categories.values())


def _setting(kind: str, pid: str, subject: str, a: str, b: str, why: str = "") -> Iterator[Change]:
    if a != b:
        yield Change(kind, pid, subject, f"{subject}: {a} → {b}" + (f" ({why})" if why else ""), a, b)


def _program(old: Program, new: Program) -> Iterator[Change]:
    pid = new.id
    a, b = say.condition(old.applies_to), say.condition(new.applies_to)
    if a != b:
        a, b = ("every contact" if x == "always" else x for x in (a, b))
        yield Change("applies_to", pid, "who is scored", f"who is scored: {a} → {b}", a, b)
    yield from _gates(old, new)
    for name in _only(new.dimensions, old.dimensions):
        d = new.dimensions[name]
        rules = sum(len(c.rules) for c in d.categories.values())
        yield Change(
            "dimension_added",
            pid,
            f"dimension {name}",
            f"dimension {name} added ({say.budget(d)}, {rules} rule(s))",
        )
    for name in _only(old.dimensions, new.dimensions):
        yield Change("dimension_removed", pid, f"dimension {name}", f"dimension {name} removed")
    yield from _rules(old, new)
    for name in [n for n in new.dimensions if n in old.dimensions]:
        yield from _dimension(pid, name, old.dimensions[name], new.dimensions[name])
    weights_a = {d: (old.weights or {}).get(d, 1.0) for d in new.dimensions}
    weights_b = {d: (new.weights or {}).get(d, 1.0) for d in new.dimensions}
    for dim in weights_b:
        wa, wb = say.value(weights_a[dim]), say.value(weights_b[dim])
        yield from _setting("weight", pid, f"weight of {dim} in the total", wa, wb)
    yield from _setting("bands", pid, "bands of the total", say.bands(old.bands), say.bands(new.bands))
    yield from _setting(
        "matrix",
        pid,
        "matrix",
        " × ".join(old.matrix or []) or "none",
        " × ".join(new.matrix or []) or "none",
    )
    yield from _mql(old, new)
    yield from _setting("format", pid, "score format", say.score_format(old), say.score_format(new))


def _gates(old: Program, new: Program) -> Iterator[Change]:
    pid = new.id
    before = {g.id: g for g in old.gates}
    after = {g.id: g for g in new.gates}
    for gid, g in after.items():
        if gid not in before:
            text = say.condition(g.when)
            yield Change("gate_added", pid, f"gate {gid}", f"gate {gid} added: {text} must hold", None, text)
    for gid, g in before.items():
        if gid not in after:
            text = say.condition(g.when)
            yield Change(
                "gate_removed", pid, f"gate {gid}", f"gate {gid} removed; it required {text}", text, None
            )
        else:
            a, b = say.condition(g.when), say.condition(after[gid].when)
            if g.when != after[gid].when:
                yield Change("gate_condition", pid, f"gate {gid}", f"gate {gid}: condition changed", a, b)


def _mql(old: Program, new: Program) -> Iterator[Change]:
    pid = new.id
    a = old.stages.mql if old.stages else None
    b = new.stages.mql if new.stages else None
    if a is None and b is None:
        return
    if a is None or b is None:
        yield from _setting("mql_threshold", pid, "MQL threshold", say.mql(a), say.mql(b))
        return
    yield from _setting("mql_threshold", pid, "MQL threshold", number_text(a.min), number_text(b.min))
    yes = {True: "yes", False: "no"}
    yield from _setting(
        "mql_gates", pid, "MQL requires every gate", yes[a.require_gates], yes[b.require_gates]
    )
    yield from _setting(
        "mql_recycle",
        pid,
        "an MQL goes back to lead below",
        _opt(a.recycle_below),
        _opt(b.recycle_below),
    )
    yield from _setting("mql_sticky", pid, "MQLs stay MQLs (sticky)", yes[a.sticky], yes[b.sticky])


def _dimension(pid: str, name: str, old: Dimension, new: Dimension) -> Iterator[Change]:
    yield from _setting("dimension_budget", pid, f"budget of {name}", say.budget(old), say.budget(new))
    yield from _decay(pid, name, old.decay, new.decay)
    yield from _setting(
        "dimension_bands", pid, f"bands of {name}", say.bands(old.bands), say.bands(new.bands)
    )
    for cat in _only(new.categories, old.categories):
        c = new.categories[cat]
        yield Change(
            "category_added",
            pid,
            f"category {name} › {cat}",
            f"category {name} › {cat} added ({say.budget(c)}, {len(c.rules)} rule(s))",
        )
    for cat in _only(old.categories, new.categories):
        yield Change("category_removed", pid, f"category {name} › {cat}", f"category {name} › {cat} removed")
    for cat in [c for c in new.categories if c in old.categories]:
        a, b = say.budget(old.categories[cat]), say.budget(new.categories[cat])
        yield from _setting("category_budget", pid, f"budget of {name} › {cat}", a, b)


def _decay(pid: str, name: str, a: Decay | None, b: Decay | None) -> Iterator[Change]:
    subject = f"decay of {name}"
    if a == b:
        return
    if a is None or b is None:
        what = "added" if a is None else "removed"
        yield Change(
            f"decay_{what}",
            pid,
            subject,
            f"{subject} {what}: {say.decay(b or a)}",
            say.decay(a),
            say.decay(b),
        )
        return
    parts = []
    if a.by != b.by:
        parts.append(f"each step takes {b.by} (was {a.by})")
    if a.every != b.every:
        parts.append(f"a step every {b.every} (was {a.every})")
    if a.after != b.after:
        parts.append(f"first step after {b.after} idle (was {a.after})")
    if a.floor != b.floor:
        parts.append(f"floor {b.floor or 'none'} (was {a.floor or 'none'})")
    yield Change("decay_changed", pid, subject, f"{subject}: " + "; ".join(parts), say.decay(a), say.decay(b))


def _rule_index(p: Program) -> dict[str, tuple[str, Rule]]:
    return {
        r.id: (f"{d} › {c}", r)
        for d, dim in p.dimensions.items()
        for c, cat in dim.categories.items()
        for r in cat.rules
    }


def _rules(old: Program, new: Program) -> Iterator[Change]:
    pid = new.id
    before, after = _rule_index(old), _rule_index(new)
    for rid, (where, r) in after.items():
        if rid not in before:
            text = say.rule_sentence(r)
            yield Change(
                "rule_added", pid, f"rule {rid} ({where})", f"rule {rid} added to {where}: {text}", None, text
            )
    for rid, (where, r) in before.items():
        if rid not in after:
            text = say.rule_sentence(r)
            yield Change(
                "rule_removed",
                pid,
                f"rule {rid} ({where})",
                f"rule {rid} removed from {where}; it gave {text}",
                text,
                None,
            )
            continue
        new_where, nr = after[rid]
        subject = f"rule {rid} ({new_where})"
        if where != new_where:
            yield Change(
                "rule_moved", pid, subject, f"rule {rid} moved from {where} to {new_where}", where, new_where
            )
        yield from _rule(pid, subject, r, nr)


def _rule(pid: str, subject: str, a: Rule, b: Rule) -> Iterator[Change]:
    if type(a) is not type(b):
        kind = "a behaviour rule" if isinstance(b, BehaviourRule) else "a fit rule"
        old, new = say.rule_sentence(a), say.rule_sentence(b)
        yield Change("rule_kind", pid, subject, f"{subject} is now {kind}", old, new)
        return
    if a.points != b.points:
        pa, pb = say.points(a.points), say.points(b.points)
        yield Change("rule_points", pid, subject, f"{subject}: points {pa} → {pb}", pa, pb)
    if isinstance(a, FitRule) and isinstance(b, FitRule):
        if a.when != b.when:
            ca, cb = say.condition(a.when), say.condition(b.when)
            yield Change("rule_condition", pid, subject, f"{subject}: condition changed", ca, cb)
        return
    assert isinstance(a, BehaviourRule)
    assert isinstance(b, BehaviourRule)
    yield from _behaviour(pid, subject, a, b)


def _behaviour(pid: str, subject: str, a: BehaviourRule, b: BehaviourRule) -> Iterator[Change]:
    if a.event != b.event:
        ea, eb = " or ".join(a.event), " or ".join(b.event)
        yield Change("rule_events", pid, subject, f"{subject}: counts {ea} → {eb}", ea, eb)
    if a.where != b.where:
        wa, wb = (say.condition(w) if w else "any event" for w in (a.where, b.where))
        yield Change("rule_condition", pid, subject, f"{subject}: condition on the event changed", wa, wb)
    options: list[tuple[str, str, Any, Any, str]] = [
        ("rule_within", "within", a.within, b.within, "only events from the last {} count"),
        ("rule_once_per", "once per", a.once_per, b.once_per, "at most one event per {} counts"),
        ("rule_limit", "limit", a.limit, b.limit, "only the {} most recent events count"),
        ("rule_half_life", "half-life", a.half_life, b.half_life, "points halve every {}"),
        ("rule_max", "cap (max)", a.max, b.max, "the rule gives at most {} points"),
        ("rule_min", "floor (min)", a.min, b.min, "the rule gives at least {} points"),
    ]
    for kind, name, x, y, meaning in options:
        if x != y:
            sx, sy = _option(x), _option(y)
            why = meaning.format(sy) if y is not None else _dropped(kind)
            yield Change(kind, pid, subject, f"{subject}: {name} {sx} → {sy} ({why})", sx, sy)
    flags = [
        ("rule_bots", a.include_bots, b.include_bots, "counts bot events", "no longer counts bot events"),
        ("rule_critical", a.critical, b.critical, "is marked critical", "is no longer marked critical"),
    ]
    for kind, x, y, on, off in flags:
        if x != y:
            yield Change(kind, pid, subject, f"{subject} {on if y else off}", str(x).lower(), str(y).lower())


def _option(x: Any) -> str:
    if x is None:
        return "none"
    return number_text(x) if isinstance(x, int | float) else str(x)


def _dropped(kind: str) -> str:
    return {
        "rule_within": "events of any age count",
        "rule_once_per": "every event counts",
        "rule_limit": "every event counts",
        "rule_half_life": "points no longer fade",
        "rule_max": "no cap",
        "rule_min": "no floor",
    }[kind]


def _triggers(old: Model, new: Model) -> Iterator[Change]:
    before = {t.id: t for t in old.triggers}
    after = {t.id: t for t in new.triggers}
    for tid, t in after.items():
        if tid not in before:
            text = say.trigger(t)
            yield Change("trigger_added", None, f"trigger {tid}", f"trigger {tid} added: {text}", None, text)
    for tid, t in before.items():
        if tid not in after:
            text = say.trigger(t)
            yield Change(
                "trigger_removed", None, f"trigger {tid}", f"trigger {tid} removed; it ran {text}", text, None
            )
        elif _trigger_key(t) != _trigger_key(after[tid]):
            a, b = say.trigger(t), say.trigger(after[tid])
            yield Change("trigger_changed", None, f"trigger {tid}", f"trigger {tid} changed", a, b)


def _trigger_key(t: Any) -> Any:
    return t.model_dump(mode="json", exclude={"description"})
