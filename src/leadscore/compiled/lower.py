"""Lower a validated model to its compiled form (:mod:`leadscore.compiled.ir`)."""

from __future__ import annotations

from typing import cast

from leadscore.compiled.ir import (
    Aggregation,
    And,
    BandPlan,
    BehaviourPlan,
    Between,
    CategoryPlan,
    Compare,
    CompiledModel,
    Const,
    DecayPlan,
    DimensionPlan,
    EventAggregate,
    EventFilter,
    Exists,
    FieldRef,
    FitPlan,
    InSet,
    Kind,
    MqlPlan,
    Not,
    Or,
    Pred,
    ProgramPlan,
    RulePlan,
    SegmentPlan,
    Source,
    TextMatch,
)
from leadscore.model.checks import contact_field_kind
from leadscore.model.conditions import AllOf, AnyOf, Condition, Leaf, NotOf
from leadscore.model.derived import decay_factor, decay_floor, weight
from leadscore.model.dimension import Band, Dimension
from leadscore.model.program import Program
from leadscore.model.rules import BehaviourRule, FitRule
from leadscore.model.schema import Model

IS_BOT = "is_bot"


class _Lowering:
    def __init__(self, model: Model) -> None:
        self.model = model
        self.aggregates: dict[EventAggregate, None] = {}
        self.contact_fields: dict[FieldRef, None] = {}
        self.event_props: dict[str, None] = {}
        self.event_types: dict[str, None] = {}

    # conditions
    def field(self, name: str, source: Source) -> FieldRef:
        if source == "event":
            if name != "type":
                self.event_props[name] = None
            return FieldRef("event", name, "text")
        kind = cast(Kind, contact_field_kind(self.model.fields, name))
        ref = FieldRef("contact", name, kind)
        if name != "contact_id":
            self.contact_fields[ref] = None
        return ref

    def pred(self, cond: Condition | None, source: Source) -> Pred:
        if cond is None:
            return Const(True)
        if isinstance(cond, AllOf):
            items = tuple(self.pred(c, source) for c in cond.all)
            return items[0] if len(items) == 1 else And(items) if items else Const(True)
        if isinstance(cond, AnyOf):
            items = tuple(self.pred(c, source) for c in cond.any)
            return items[0] if len(items) == 1 else Or(items)
        if isinstance(cond, NotOf):
            return Not(self.pred(cond.not_, source))
        assert isinstance(cond, Leaf)
        return self.leaf(cond, source)

    def leaf(self, leaf: Leaf, source: Source) -> Pred:
        f = self.field(leaf.field, source)
        op = leaf.operator
        v = leaf.operand
        cs = leaf.case_sensitive
        if op == "exists":
            return Exists(f, bool(v))
        if op in ("eq", "ne", "lt", "lte", "gt", "gte"):
            return Compare(f, op, v, cs)
        if op in ("in", "not_in"):
            return InSet(f, tuple(v), op == "not_in", cs)
        if op == "between":
            return Between(f, v[0], v[1], cs)
        return TextMatch(f, op, v, cs)  # type: ignore[arg-type]

    # rules
    def event_filter(self, rule: BehaviourRule) -> EventFilter:
        for t in rule.event:
            self.event_types[t] = None
        if not rule.include_bots:
            self.event_props[IS_BOT] = None
        return EventFilter(
            tuple(rule.event),
            self.pred(rule.where, "event"),
            rule.include_bots,
            rule.within.micros if rule.within else None,
        )

    def behaviour(self, rule: BehaviourRule) -> BehaviourPlan:
        decay = rule.half_life is not None
        if not decay:
            agg = Aggregation.WINDOWS if rule.once_per else Aggregation.COUNT
        elif rule.limit == 1:
            agg = Aggregation.LATEST
        elif rule.limit is not None:
            agg = Aggregation.TOP_N
        elif rule.once_per is not None:
            agg = Aggregation.WINDOW_DECAYED_SUM
        else:
            agg = Aggregation.DECAYED_SUM
        aggregate = EventAggregate(
            filter=self.event_filter(rule),
            aggregation=agg,
            points=rule.points,
            half_life_us=rule.half_life.micros if rule.half_life else None,
            # with limit 1 the most recent event is kept whatever the windows
            once_per_us=rule.once_per.micros if rule.once_per and agg is not Aggregation.LATEST else None,
            limit=rule.limit,
        )
        self.aggregates[aggregate] = None
        return BehaviourPlan(rule.id, aggregate, rule.min, rule.max)

    def rule(self, rule: FitRule | BehaviourRule) -> RulePlan:
        if isinstance(rule, BehaviourRule):
            return self.behaviour(rule)
        return FitPlan(rule.id, self.pred(rule.when, "contact"), rule.points)

    def dimension(self, program: Program, name: str, dim: Dimension) -> DimensionPlan:
        cats = tuple(
            CategoryPlan(cname, tuple(self.rule(r) for r in cat.rules), cat.min, cat.max)
            for cname, cat in dim.categories.items()
        )
        decay = None
        if dim.decay is not None:
            d = dim.decay
            activity = tuple(
                self.event_filter(r)
                for cat in dim.categories.values()
                for r in cat.rules
                if isinstance(r, BehaviourRule) and r.points > 0
            )
            decay = DecayPlan(
                after_us=d.after.micros,
                every_us=d.every.micros,
                kind=d.by.kind,
                factor=decay_factor(d) if d.by.kind == "percent" else 1.0,
                step_points=d.by.value if d.by.kind == "points" else 0.0,
                floor=decay_floor(program, d),
                activity=tuple(dict.fromkeys(activity)),
            )
        return DimensionPlan(name, cats, dim.min, dim.max, decay, weight(program, name), _bands(dim.bands))

    def program(self, p: Program) -> ProgramPlan:
        segment = None
        enc = p.encoded
        if enc is not None and enc.segment is not None:
            seg = enc.segment
            ref = self.field(seg.field, "contact")
            if isinstance(seg.map, dict):
                segment = SegmentPlan(ref, None, tuple(seg.map.items()))
            else:
                segment = SegmentPlan(ref, tuple(seg.map), None)
        mql = p.stages.mql if p.stages else None
        return ProgramPlan(
            id=p.id,
            applies_to=self.pred(p.applies_to, "contact"),
            gates=tuple((g.id, self.pred(g.when, "contact")) for g in p.gates),
            dimensions=tuple(self.dimension(p, n, d) for n, d in p.dimensions.items()),
            bands=_bands(p.bands),
            matrix=(p.matrix[0], p.matrix[1]) if p.matrix else None,
            mql=MqlPlan(mql.min, mql.require_gates) if mql else None,
            encoded=enc is not None,
            segment=segment,
        )


def _bands(bands: list[Band] | None) -> tuple[BandPlan, ...]:
    return tuple(BandPlan(b.name, b.min) for b in sorted(bands or [], key=lambda b: b.min))


def compile_model(model: Model) -> CompiledModel:
    low = _Lowering(model)
    programs = tuple(low.program(p) for p in model.programs)
    return CompiledModel(
        model=model.model,
        version=model.version_label,
        programs=programs,
        aggregates=tuple(low.aggregates),
        contact_fields=tuple(low.contact_fields),
        event_properties=tuple(low.event_props),
        event_types=tuple(low.event_types),
    )
