"""The contact side of the scoring query: one chain of CTEs per program.

`<p>_rules` (rule values, gates, applies_to, segment) → `<p>_raw` (category and dimension
clamps) → `<p>_dims` (inactivity decay) → `<p>_points` (total, official points, threshold
value) → the output columns. Each step reads like SPEC §3 items 3–10.
"""

from __future__ import annotations

import math

from sqlglot import exp

from leadscore.compiled.ir import (
    BandPlan,
    BehaviourPlan,
    CompiledModel,
    DimensionPlan,
    FitPlan,
    ProgramPlan,
    RulePlan,
    SegmentPlan,
)
from leadscore.output.columns import Layout
from leadscore.sql.build import (
    BIGINT,
    BOOLEAN,
    DOUBLE,
    VARCHAR,
    add_all,
    alias,
    bigint,
    boolean,
    case,
    clamp,
    col,
    double,
    integer,
    null,
    official,
    paren,
    string,
    to_double,
)
from leadscore.sql.dialects import SqlDialect
from leadscore.sql.events import MOMENT, EventSide
from leadscore.sql.predicates import PredicateCompiler


def underflow_steps(factor: float) -> int | None:
    """The fewest steps after which `factor ** steps` is 0.0 in doubles (None: never, or 0 and 1)."""
    if factor <= 0.0 or factor >= 1.0:
        return None
    n = max(1, int(math.log(5e-324) / math.log(factor)) - 2)
    while factor**n != 0.0:
        n += 1
    return n


ORDER = "_order"
PROGRAM_ORDER = "_program"


class ProgramSide:
    def __init__(
        self,
        cm: CompiledModel,
        events: EventSide,
        dialect: SqlDialect,
        layout: Layout,
        as_of_label: str,
        ordered: bool = False,
    ) -> None:
        self.ordered = ordered  # carry the contacts' input position, to sort the output by it
        self.cm = cm
        self.events = events
        self.d = dialect
        self.layout = layout
        self.as_of_label = as_of_label
        self.preds = PredicateCompiler(dialect)

    # -- step 1: rules ----------------------------------------------------------------------

    def rule_value(self, rule: RulePlan) -> exp.Expr:
        if isinstance(rule, FitPlan):
            return case((self.preds.compile(rule.when), double(rule.points)), default=double(0.0))
        return clamp(self._behaviour_raw(rule), rule.min, rule.max)

    def _behaviour_raw(self, rule: BehaviourPlan) -> exp.Expr:
        return self.events.raw_value(rule.aggregate)

    def segment(self, seg: SegmentPlan | None) -> exp.Expr:
        if seg is None:
            return integer(0)
        c = col(seg.field.name)
        whens: list[tuple[exp.Expr, exp.Expr]] = [(exp.Is(this=c.copy(), expression=exp.Null()), integer(0))]
        if seg.values is not None:
            low = self.d.lower(c.copy())
            for key, digit in seg.values:
                whens.append((exp.EQ(this=low.copy(), expression=self.d.lower(string(key))), integer(digit)))
            return case(*whens, default=integer(0))
        assert seg.ranges is not None
        number = to_double(c.copy())
        if seg.field.kind not in ("integer", "number"):
            whens.append((exp.Not(this=self.d.is_decimal_literal(c.copy())), integer(0)))
            number = self.d.text_number(c.copy())
        for lo, hi, digit in seg.ranges:
            parts: list[exp.Expr] = []
            if lo is not None:
                parts.append(exp.GTE(this=number.copy(), expression=double(lo)))
            if hi is not None:
                parts.append(exp.LTE(this=number.copy(), expression=double(hi)))
            whens.append((exp.and_(*parts, copy=False) if parts else boolean(True), integer(digit)))
        return case(*whens, default=integer(0))

    # -- the chain ----------------------------------------------------------------------------

    def ctes(self, index: int, p: ProgramPlan) -> tuple[list[tuple[str, exp.Expr]], str]:
        """The CTEs of one program, and the name of the last one (the output columns)."""
        pre = f"p{index}"
        rules = [r for dim in p.dimensions for cat in dim.categories for r in cat.rules]
        rname = {id(r): f"r{i}" for i, r in enumerate(rules)}
        # 1. rules, gates, applies_to, segment digit
        cols: list[exp.Expr] = [col("contact_id"), alias(self.preds.compile(p.applies_to), "applies")]
        if self.ordered:
            cols.append(col(ORDER))
        if self.events.many:
            cols.append(col(MOMENT))
        cols += [alias(self.preds.compile(g), f"g{i}") for i, (_, g) in enumerate(p.gates)]
        if p.encoded:
            cols.append(alias(self.segment(p.segment), "segment_digit"))
        cols += [alias(self.rule_value(r), rname[id(r)]) for r in rules]
        activity = {
            dim.name: self.events.plan.activities[dim.decay.activity]
            for dim in p.dimensions
            if dim.decay and dim.decay.activity
        }
        cols += [col(name) for name in dict.fromkeys(activity.values())]
        step1 = exp.select(*cols, copy=False).from_("base", copy=False)
        # 2. category and dimension clamps
        raw = []
        for j, dim in enumerate(p.dimensions):
            cats = [
                clamp(paren(add_all([col(rname[id(r)]) for r in cat.rules])), cat.min, cat.max)
                for cat in dim.categories
            ]
            raw.append(alias(clamp(paren(add_all(cats)), dim.min, dim.max), f"d{j}_raw"))
            if dim.name in activity:  # the decay factor (or points to take off), once per contact
                raw.append(alias(self.decay_amount(dim, activity[dim.name]), f"d{j}_decay"))
        step2 = exp.select(exp.Star(), *raw, copy=False).from_(f"{pre}_rules", copy=False)
        # 3. inactivity decay
        decayed = [
            alias(self.decay(dim, j, activity.get(dim.name)), f"d{j}") for j, dim in enumerate(p.dimensions)
        ]
        step3 = exp.select(exp.Star(), *decayed, copy=False).from_(f"{pre}_raw", copy=False)
        # 4. total, official points, gates
        total = add_all(
            [
                self.d.scaled(dim.weight, col(f"d{j}")) if dim.weight != 1.0 else col(f"d{j}")
                for j, dim in enumerate(p.dimensions)
            ]
        )
        gates_met = (
            add_all([case((col(f"g{i}"), integer(1)), default=integer(0)) for i in range(len(p.gates))])
            if p.gates
            else integer(0)
        )
        qualified = exp.and_(*(col(f"g{i}") for i in range(len(p.gates)))) if p.gates else boolean(True)
        # a banded dimension's official points, once: each band and the matrix compare them
        banded = [
            alias(official(col(f"d{j}")), f"d{j}_official") for j, dim in enumerate(p.dimensions) if dim.bands
        ]
        step4 = exp.select(
            exp.Star(),
            alias(official(paren(total)), "points"),
            alias(exp.Cast(this=gates_met, to=BIGINT.copy()), "gates_met"),
            alias(qualified, "qualified"),
            *banded,
            copy=False,
        ).from_(f"{pre}_dims", copy=False)
        # 5. displayed score, thresholds, bands, matrix, MQL
        if p.encoded:
            clamped = case(
                (exp.LT(this=col("points"), expression=integer(0)), integer(0)),
                (exp.GT(this=col("points"), expression=integer(99)), integer(99)),
                default=col("points"),
            )
            threshold: exp.Expr = paren(
                exp.Add(this=exp.Mul(this=col("gates_met"), expression=integer(100)), expression=clamped)
            )
            score: exp.Expr = exp.Add(
                this=exp.Mul(this=col("segment_digit"), expression=integer(1000)), expression=threshold.copy()
            )
        else:
            threshold = col("points")
            score = col("points")
        step5 = exp.select(
            exp.Star(),
            alias(exp.Cast(this=threshold, to=BIGINT.copy()), "threshold_value"),
            alias(exp.Cast(this=score, to=BIGINT.copy()), "score"),
            copy=False,
        ).from_(f"{pre}_points", copy=False)
        ctes: list[tuple[str, exp.Expr]] = [
            (f"{pre}_rules", step1),
            (f"{pre}_raw", step2),
            (f"{pre}_dims", step3),
            (f"{pre}_points", step4),
            (f"{pre}_scores", step5),
        ]
        return ctes, f"{pre}_scores"

    def decay_power(self, factor: float, steps: exp.Expr) -> exp.Expr:
        """factor ** steps; 0 once it underflows (PostgreSQL raises on underflow, others give 0)."""
        power = exp.Pow(this=double(factor), expression=to_double(steps.copy()))
        zero_at = underflow_steps(factor)
        if zero_at is None or not self.d.RAISES_ON_UNDERFLOW:
            return power
        return case((exp.GTE(this=steps, expression=integer(zero_at)), double(0.0)), default=power)

    def decay_amount(self, dim: DimensionPlan, activity: str) -> exp.Expr:
        """What inactivity takes: the factor `(1 - by) ** steps` (percent), or `steps × by` points."""
        plan = dim.decay
        assert plan is not None
        idle = paren(exp.Sub(this=self.events.T(), expression=col(activity)))
        steps = case(
            (exp.LT(this=idle.copy(), expression=bigint(plan.after_us)), integer(0)),
            default=exp.Add(
                this=integer(1),
                expression=self.d.int_div(
                    paren(exp.Sub(this=idle.copy(), expression=bigint(plan.after_us))), bigint(plan.every_us)
                ),
            ),
        )
        if plan.kind == "percent":
            return self.decay_power(plan.factor, steps)
        return exp.Mul(this=to_double(steps), expression=double(plan.step_points))

    def decay(self, dim: DimensionPlan, j: int, activity: str | None) -> exp.Expr:
        """Dimension j after inactivity decay, never below its floor (nor raised to it)."""
        raw = col(f"d{j}_raw")
        plan = dim.decay
        if plan is None or activity is None:
            return raw
        amount = col(f"d{j}_decay")
        decayed: exp.Expr
        if plan.kind == "percent":
            decayed = self.d.product(raw.copy(), amount)
        else:
            decayed = exp.Sub(this=raw.copy(), expression=amount)
        floor = double(plan.floor)
        keep = exp.or_(
            exp.Is(this=col(activity), expression=exp.Null()),
            exp.LTE(this=raw.copy(), expression=double(0.0)),
            exp.LTE(this=raw.copy(), expression=floor.copy()),
        )
        at_least_floor = case(
            (exp.LT(this=paren(decayed.copy()), expression=floor.copy()), floor.copy()), default=decayed
        )
        return case((keep, raw.copy()), default=at_least_floor)

    # -- output columns -------------------------------------------------------------------------

    def output(self, index: int, p: ProgramPlan, scores_cte: str) -> exp.Select:
        dims = {dim.name: j for j, dim in enumerate(p.dimensions)}
        rules = [r for dim in p.dimensions for cat in dim.categories for r in cat.rules]
        rule_cols = {r.rule_id: f"r{i}" for i, r in enumerate(rules)}
        select: list[exp.Expr] = []
        for c in self.layout.columns:
            name = c.name
            e: exp.Expr
            if name == "contact_id":
                e = col("contact_id")
            elif name == "program":
                e = string(p.id)
            elif name in ("score", "points", "gates_met", "qualified"):
                e = col(name)
            elif name.endswith("_points") and name[: -len("_points")] in dims:
                e = col(f"d{dims[name[: -len('_points')]]}")
            elif name.endswith("_band") and name[: -len("_band")] in dims:
                dim = p.dimensions[dims[name[: -len("_band")]]]
                e = self.band(dim.bands, col(f"d{dims[dim.name]}_official")) if dim.bands else null(VARCHAR)
            elif name == "band":
                e = self.band(p.bands, col("threshold_value")) if p.bands else null(VARCHAR)
            elif name == "matrix":
                e = self.matrix(p, dims)
            elif name == "mql_eligible":
                e = self.mql(p)
            elif name == "model_version":
                e = string(self.cm.version)
            elif name == "as_of":
                e = string(self.as_of_label) if not self.events.many else null(VARCHAR)  # see `moment`
            elif name.startswith("rule:"):
                rid = name[len("rule:") :]
                e = col(rule_cols[rid]) if rid in rule_cols else null(DOUBLE)
            else:
                e = null({"text": VARCHAR, "double": DOUBLE, "integer": BIGINT, "boolean": BOOLEAN}[c.type])
            select.append(alias(e, name))
        if self.ordered:
            select += [col(ORDER), alias(integer(index), PROGRAM_ORDER)]
        if self.events.many:
            select.append(col(MOMENT))  # UTC microseconds: the moment each row is scored at
        return exp.select(*select, copy=False).from_(scores_cte, copy=False).where(col("applies"), copy=False)

    def band(self, bands: tuple[BandPlan, ...], value: exp.Expr) -> exp.Expr:
        whens = [
            (exp.GTE(this=value.copy(), expression=double(b.min)), string(b.name))
            for b in sorted(bands, key=lambda b: -b.min)
        ]
        return case(*whens, default=null(VARCHAR))

    def matrix(self, p: ProgramPlan, dims: dict[str, int]) -> exp.Expr:
        if p.matrix is None:
            return null(VARCHAR)
        parts = []
        for name in p.matrix:
            dim = p.dimensions[dims[name]]
            parts.append(self.band(dim.bands, col(f"d{dims[name]}_official")))
        a, b = parts
        either_missing = exp.or_(
            exp.Is(this=a.copy(), expression=exp.Null()), exp.Is(this=b.copy(), expression=exp.Null())
        )
        return case((either_missing, null(VARCHAR)), default=exp.DPipe(this=a, expression=b, safe=True))

    def mql(self, p: ProgramPlan) -> exp.Expr:
        if p.mql is None:
            return boolean(False)
        reached = exp.GTE(this=col("threshold_value"), expression=double(p.mql.min))
        if p.mql.require_gates:
            return paren(exp.and_(col("qualified"), reached, copy=False))
        return reached
