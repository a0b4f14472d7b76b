"""The event side of the scoring query: one narrow pass over the events, one aggregation.

`scope` reduces each event to three values: its contact, its instant in microseconds, and a bit
mask of the step-(a) filters it passes (type, `where`, bots, `within`), computed with one
`CASE type WHEN …` so each row is tested only against the rules of its own type. Rows at or
before T that pass some filter are kept. `event_rules` then aggregates them per contact in a
single GROUP BY with one conditional aggregate per rule. Rules that rank their events (a
half-life with `limit > 1`, or with `once_per`) collect sorted lists in that same pass where
the engine has list aggregates (DuckDB); elsewhere they get a ranked subquery of their own
(leadscore.sql.ranked).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlglot import exp

from leadscore.compiled.ir import (
    RANKED,
    Aggregation,
    And,
    Between,
    Compare,
    CompiledModel,
    EventAggregate,
    EventFilter,
    InSet,
    Not,
    Or,
    Pred,
    TextMatch,
)
from leadscore.sql.build import (
    alias,
    bigint,
    boolean,
    case,
    coalesce,
    col,
    double,
    integer,
    paren,
    string,
    to_double,
)
from leadscore.sql.dialects import SqlDialect
from leadscore.sql.predicates import PredicateCompiler, equality_by_ilike

TS = "ts_us"
CID = "contact_id"
ORDER = "_order"  # an event's input position (with Relations.event_dups)
MOMENT = "moment"  # the instant of scoring, when scoring at many moments
BOT = "is_bot__"  # the bot flag, computed once per event where several masks test it
UNDERFLOW_HALVINGS = 1074  # 0.5 ** 1074 is the smallest double above zero
MASK_BITS = 62  # filters per mask column (a BIGINT keeps its sign bit clear)


@dataclass
class EventPlan:
    """Names the query gives to each filter bit, aggregate and activity column."""

    bits: dict[EventFilter, tuple[str, int]] = field(default_factory=dict)  # filter → (mask column, bit)
    aggregates: dict[EventAggregate, str] = field(default_factory=dict)
    activities: dict[tuple[EventFilter, ...], str] = field(default_factory=dict)
    main_columns: list[str] = field(default_factory=list)  # produced by event_rules
    ranked: list[str] = field(default_factory=list)  # produced by their own subqueries


def floor_div(a: int, b: int) -> int:
    return a // b


def case_insensitive_fields(cm: CompiledModel, dialect: SqlDialect) -> list[str]:
    """Event properties a `where` compares ignoring case: lowered once per event, not per rule."""
    found: dict[str, None] = {}

    def walk(p: Pred) -> None:
        if isinstance(p, And | Or):
            for item in p.items:
                walk(item)
        elif isinstance(p, Not):
            walk(p.item)
        elif isinstance(p, TextMatch) and p.kind != "regex" and dialect.ILIKE:
            return  # ILIKE folds case itself
        elif isinstance(p, Compare | InSet) and equality_by_ilike(p, dialect):
            return  # so does ILIKE for equality
        elif isinstance(p, TextMatch | Compare | InSet | Between) and not p.case_sensitive:
            probe = (
                p.value
                if isinstance(p, Compare)
                else p.values[0]
                if isinstance(p, InSet)
                else p.low
                if isinstance(p, Between)
                else p.pattern
            )
            if p.field.source == "event" and isinstance(probe, str | bool):
                found[p.field.name] = None

    for agg in cm.aggregates:
        walk(agg.filter.where)
    for prog in cm.programs:
        for dim in prog.dimensions:
            for f in dim.decay.activity if dim.decay else ():
                walk(f.where)
    return list(found)


class EventSide:
    def __init__(
        self, cm: CompiledModel, dialect: SqlDialect, as_of_us: int | None, common_types: tuple[str, ...] = ()
    ) -> None:
        self.cm = cm
        self.d = dialect
        self.as_of = as_of_us
        self.type_rank = {t: i for i, t in enumerate(common_types)}
        # case-insensitive properties, lowered once per event in `events_in`
        self.lowered = {name: f"{name}__lower" for name in case_insensitive_fields(cm, dialect)}
        self.preds = PredicateCompiler(dialect, lowered=self.lowered)
        self.plan = EventPlan()
        for agg in cm.aggregates:
            self._bit(agg.filter)
            self.plan.aggregates[agg] = f"a{len(self.plan.aggregates)}"
        for prog in cm.programs:
            for dim in prog.dimensions:
                if dim.decay is not None and dim.decay.activity:
                    for f in dim.decay.activity:
                        self._bit(f)
                    self.plan.activities.setdefault(dim.decay.activity, f"l{len(self.plan.activities)}")

    def _bit(self, f: EventFilter) -> None:
        if f not in self.plan.bits:
            n = len(self.plan.bits)
            self.plan.bits[f] = (f"m{n // MASK_BITS}", n % MASK_BITS)

    @property
    def many(self) -> bool:
        """Scoring at many moments (a `moments` relation) rather than at one literal T."""
        return self.as_of is None

    def T(self) -> exp.Expr:  # the T of SPEC §3
        """The moment of scoring: a literal, or each row's `moment` when scoring at many moments."""
        return bigint(self.as_of) if self.as_of is not None else col(MOMENT)

    def keys(self) -> list[exp.Expr]:
        return [col(CID), col(MOMENT)] if self.many else [col(CID)]

    @property
    def mask_columns(self) -> list[str]:
        return sorted({m for m, _ in self.plan.bits.values()}, key=lambda m: int(m[1:]))

    @property
    def bot_column(self) -> bool:
        """Whether `events_in` computes the bot flag as a column of its own (BOT): only where
        more than one mask tests it. With one mask the test stays inside the mask's CASE, so no
        column of 20M flags is built and read (the events pass 0.96x the time, 2026-12-07)."""
        return "is_bot" in self.cm.event_properties and len(self.mask_columns) > 1

    def bot_test(self) -> exp.Expr:
        """SPEC §3a: an event is a bot's only for the text 'true' in any case (null for a null
        flag, which a CASE takes as not a bot: its ELSE branch)."""
        return self.d.equals_folded(col("is_bot"), "true")

    def bot_flag(self) -> exp.Expr:
        """The bot test as the masks read it: the BOT column where there is one."""
        return col(BOT) if self.bot_column else self.bot_test()

    # -- expressions --------------------------------------------------------------------------

    def age_us(self, ts: exp.Expr) -> exp.Expr:
        return paren(exp.Sub(this=self.T(), expression=ts))

    def weight(self, half_life_us: int, ts: exp.Expr) -> exp.Expr:
        """w(a) = 0.5 ** (a / h) = exp(−(T − ts) · ln 2 / h), with ages in exact microseconds."""
        rate = math.log(2.0) / half_life_us
        w = exp.Exp(
            this=exp.Mul(
                this=to_double(paren(exp.Sub(this=ts.copy(), expression=self.T()))),
                expression=double(rate),
            )
        )
        if not self.d.RAISES_ON_UNDERFLOW:
            return w
        # beyond 1074 half-lives the weight is 0 in doubles; PostgreSQL raises on that underflow
        vanished = exp.GT(this=self.age_us(ts.copy()), expression=bigint(UNDERFLOW_HALVINGS * half_life_us))
        return case((vanished, double(0.0)), default=w)

    def has(self, f: EventFilter) -> exp.Expr:
        """The event passes step (a) of filter f: its bit is set."""
        mask, bit = self.plan.bits[f]
        return exp.NEQ(
            this=paren(exp.BitwiseAnd(this=col(mask), expression=bigint(1 << bit))), expression=integer(0)
        )

    def has_any(self, filters: tuple[EventFilter, ...]) -> exp.Expr:
        by_mask: dict[str, int] = {}
        for f in filters:
            mask, bit = self.plan.bits[f]
            by_mask[mask] = by_mask.get(mask, 0) | (1 << bit)
        tests = [
            exp.NEQ(this=paren(exp.BitwiseAnd(this=col(m), expression=bigint(bits))), expression=integer(0))
            for m, bits in by_mask.items()
        ]
        return exp.or_(*tests, copy=False) if len(tests) > 1 else tests[0]

    def window_id(self, once_per_us: int, ts: exp.Expr) -> exp.Expr:
        """floor(ts / D) for any sign of ts, with integer arithmetic only."""
        d = bigint(once_per_us)
        non_negative = self.d.int_div(ts.copy(), d.copy())
        negative = exp.Sub(
            this=exp.Neg(
                this=paren(
                    self.d.int_div(
                        paren(exp.Sub(this=exp.Neg(this=ts.copy()), expression=integer(1))), d.copy()
                    )
                )
            ),
            expression=integer(1),
        )
        return case((exp.GTE(this=ts.copy(), expression=integer(0)), non_negative), default=negative)

    def _condition(self, f: EventFilter) -> exp.Expr:
        """Step (a) of f apart from the type (the CASE on the type) and bots (the mask's CASE)."""
        parts: list[exp.Expr] = []
        if f.within_us is not None:
            parts.append(exp.LT(this=self.age_us(col(TS)), expression=bigint(f.within_us)))
        where = self.preds.compile(f.where)
        if not (isinstance(where, exp.Boolean) and where.this is True):
            parts.append(where)
        return exp.and_(*parts, copy=False) if parts else boolean(True)

    def _mask(self, mask: str) -> exp.Expr:
        """CASE WHEN <bot> THEN <bits of the filters that take bots> ELSE <bits of all> END.

        Each side is CASE type WHEN 't' THEN <bits of the filters reading type t> … ELSE 0 END,
        so an event is tested only against the filters of its own type, and a bot's event only
        against the few filters that include bots (usually none: then the bot side is 0).
        """
        filters = [f for f, (m, _) in self.plan.bits.items() if m == mask]
        everyone = self._by_type(filters)
        if "is_bot" not in self.cm.event_properties:
            return everyone
        bots = self._by_type([f for f in filters if f.include_bots])
        return case((self.bot_flag(), bots), default=everyone)

    def _by_type(self, filters: list[EventFilter]) -> exp.Expr:
        by_type: dict[str, list[EventFilter]] = {}
        for f in filters:
            for t in f.types:
                by_type.setdefault(t, []).append(f)
        whens = []
        # the most frequent types first (when known), so most events meet their branch early
        for t in sorted(by_type, key=lambda t: (self.type_rank.get(t, len(self.type_rank)), t)):
            terms: list[exp.Expr] = []
            for f in by_type[t]:
                bit = bigint(1 << self.plan.bits[f][1])
                cond = self._condition(f)
                terms.append(
                    bit
                    if isinstance(cond, exp.Boolean) and cond.this is True
                    else case((cond, bit), default=bigint(0))
                )
            value = terms[0]
            for term in terms[1:]:
                value = exp.BitwiseOr(this=value, expression=term)
            whens.append((exp.EQ(this=col("type"), expression=string(t)), value))
        return case(*whens, default=bigint(0)) if whens else bigint(0)

    # -- CTEs ----------------------------------------------------------------------------------

    def scope(
        self,
        events_relation: exp.Expr,
        dups: str | None = None,
        moments: str | None = None,
        carry_ids: bool = False,
    ) -> exp.Select:
        """The events any rule reads, each reduced to (contact, instant, masks).

        With `dups`, the later copies of repeated event_ids are dropped here, after the rules'
        filter, so only the events a rule reads are looked up (DuckDB's ANTI JOIN). Scoring at
        many moments, each event appears once for every moment of its contact at or after it.
        With `carry_ids`, event_id and the input position stay in each row (sql.copies).
        """
        masks = self.mask_columns
        carry = [col("event_id"), col(ORDER)] if dups is not None or carry_ids else []
        at = [col(MOMENT)] if self.many else []
        source: exp.Expr = events_relation
        in_time: exp.Expr = exp.LTE(this=col(TS), expression=self.T())
        inner = exp.select(
            col(CID), col(TS), *at, *carry, *(alias(self._mask(m), m) for m in masks), copy=False
        ).from_(source, copy=False)
        if self.many:
            assert moments is not None, "scoring at many moments needs a moments relation"
            when = exp.select(alias(col(CID), "moment_contact"), col(MOMENT), copy=False).from_(
                exp.to_table(moments, quoted=True), copy=False
            )
            on = exp.and_(
                exp.EQ(this=col(CID), expression=col("moment_contact")),
                exp.LTE(this=col(TS), expression=col(MOMENT)),
                copy=False,
            )
            inner = inner.join(when.subquery("at_moment", copy=False), on=on, join_type="inner", copy=False)
            in_time = boolean(True)
        types = self.cm.event_types
        type_filter = (
            exp.In(this=col("type"), expressions=[string(t) for t in types]) if types else boolean(False)
        )
        if not masks:
            return inner.where(exp.and_(in_time, type_filter, copy=False), copy=False)
        if not self.many:
            # events of other types get an empty mask and drop out below
            inner = inner.where(in_time, copy=False)
        some = exp.or_(*(exp.NEQ(this=col(m), expression=bigint(0)) for m in masks))
        kept = exp.select(
            col(CID), col(TS), *at, *(carry if carry_ids else []), *(col(m) for m in masks), copy=False
        )
        if dups is None:
            return kept.from_(inner.subquery("typed", copy=False), copy=False).where(some, copy=False)
        read = (
            exp.select(col(CID), col(TS), *at, *carry, *(col(m) for m in masks), copy=False)
            .from_(inner.subquery("typed", copy=False), copy=False)
            .where(some, copy=False)
        )
        later_copy = exp.and_(
            exp.EQ(this=col("event_id", "d"), expression=col("event_id", "r")),
            exp.GT(this=col(ORDER, "r"), expression=col("first_order", "d")),
            copy=False,
        )
        return (
            exp.select(*(col(c.name, "r") for c in kept.expressions), copy=False)
            .from_(read.subquery("r", copy=False), copy=False)
            .join(
                exp.alias_(exp.to_table(dups), "d", table=True, copy=False),
                on=later_copy,
                join_type="anti",
                copy=False,
            )
        )

    def rule_aggregates(self, extra: list[exp.Expr] | None = None) -> exp.Select | None:
        """One GROUP BY over the scope: every aggregate that needs no separate ranking."""
        self.plan.main_columns.clear()
        cols: list[exp.Expr] = [*self.keys(), *(extra or [])]
        for agg, name in self.plan.aggregates.items():
            e = self._single_pass(agg)
            if e is not None:
                cols.append(alias(e, name))
                self.plan.main_columns.append(name)
        for filters, name in self.plan.activities.items():
            cols.append(alias(self._filtered(exp.Max(this=col(TS)), self.has_any(filters)), name))
            self.plan.main_columns.append(name)
        if len(cols) == len(self.keys()):
            return None
        grouped = exp.select(*cols, copy=False).from_("scope", copy=False).group_by(*self.keys(), copy=False)
        listed = {name: agg for agg, name in self.plan.aggregates.items() if self._listed(agg)}
        if not listed:
            return grouped
        # the ranked rules' lists summed right after the grouping (not in the aggregate itself,
        # where DuckDB evaluated the lambdas ~8x slower), so that the per-contact aggregate holds
        # numbers only: joining it to the contacts then costs the same whichever side DuckDB
        # builds its hash table on (with lists, 1.5x more when it picked this side)
        outer = [
            alias(self._list_sum(listed[c.alias_or_name], col(c.alias_or_name)), c.alias_or_name)
            if c.alias_or_name in listed
            else col(c.alias_or_name)
            for c in cols
        ]
        return exp.select(*outer, copy=False).from_(grouped.subquery("listed", copy=False), copy=False)

    def _listed(self, agg: EventAggregate) -> bool:
        """A ranked rule collected as a list in the single pass (where lists exist)."""
        return self.d.LIST_AGGREGATES and agg.aggregation in RANKED

    @staticmethod
    def _filtered(agg: exp.Expr, cond: exp.Expr) -> exp.Expr:
        return exp.Filter(this=agg, expression=exp.Where(this=cond))

    def _single_pass(self, agg: EventAggregate) -> exp.Expr | None:
        flag = self.has(agg.filter)
        kind = agg.aggregation
        if kind is Aggregation.COUNT:
            return self._filtered(exp.Count(this=exp.Star()), flag)
        if kind is Aggregation.WINDOWS:
            assert agg.once_per_us is not None
            if self.d.BIT_AGGREGATES and self.as_of is not None and self.window_span(agg) is not None:
                # at most 63 windows (within / once_per): a bit per window, counted in one pass
                here = bigint(floor_div(self.as_of, agg.once_per_us))
                k = exp.Sub(this=here, expression=paren(self.window_id(agg.once_per_us, col(TS))))
                # the shift only where the rule holds (a FILTER does not stop its evaluation)
                bit = case((flag, exp.BitwiseLeftShift(this=bigint(1), expression=paren(k))))
                bits = exp.Anonymous(this="bit_or", expressions=[bit])
                return exp.Anonymous(this="bit_count", expressions=[bits])
            return self._filtered(
                exp.Count(this=exp.Distinct(expressions=[self.window_id(agg.once_per_us, col(TS))])), flag
            )
        if kind is Aggregation.LATEST:
            return self._filtered(exp.Max(this=col(TS)), flag)
        if kind is Aggregation.DECAYED_SUM:
            assert agg.half_life_us is not None
            return self._filtered(
                exp.Sum(this=self.d.scaled(agg.points, self.weight(agg.half_life_us, col(TS)))),
                flag,
            )
        if not self.d.LIST_AGGREGATES:
            return None
        # ranked rules as lists: the newest first (`max(ts, n)` keeps only the n newest)
        if agg.once_per_us is None and agg.limit is not None:
            return self._filtered(exp.Anonymous(this="max", expressions=[col(TS), integer(agg.limit)]), flag)
        # a plain list sorted afterwards: an ordered aggregate (ARRAY_AGG … ORDER BY) sorts in
        # every group as it goes, which costs more than one sort per finished list
        listed = self._filtered(exp.Anonymous(this="list", expressions=[col(TS)]), flag)
        return exp.Anonymous(this="list_sort", expressions=[listed, string("DESC")])

    def window_span(self, agg: EventAggregate) -> int | None:
        """How many once_per windows can hold counted events (None: unbounded, or more than 63)."""
        within = agg.filter.within_us
        if within is None or agg.once_per_us is None or self.as_of is None:
            return None
        oldest = self.as_of - within + 1  # the oldest instant `within` admits
        span = floor_div(self.as_of, agg.once_per_us) - floor_div(oldest, agg.once_per_us) + 1
        return span if span <= 63 else None

    def raw_value(self, agg: EventAggregate) -> exp.Expr:
        """The rule's value before its clamp, from the columns this side produced."""
        a = col(self.plan.aggregates[agg])
        kind = agg.aggregation
        if kind in (Aggregation.COUNT, Aggregation.WINDOWS):
            n: exp.Expr = coalesce(a, integer(0))
            if agg.limit is not None:
                n = case(
                    (exp.GT(this=n.copy(), expression=integer(agg.limit)), integer(agg.limit)), default=n
                )
            # no events is 0.0 (not -0.0 from negative points × 0), as the reference's empty sum
            product = exp.Mul(this=double(agg.points), expression=to_double(n.copy()))
            return case((exp.EQ(this=n, expression=integer(0)), double(0.0)), default=product)
        if kind is Aggregation.LATEST:
            assert agg.half_life_us is not None
            w = self.weight(agg.half_life_us, a.copy())
            return case(
                (exp.Is(this=a, expression=exp.Null()), double(0.0)),
                default=self.d.scaled(agg.points, w),
            )
        # decayed sums, and ranked rules (summed after the grouping, or by their own subquery)
        return coalesce(a, double(0.0))

    def _list_sum(self, agg: EventAggregate, newest_first: exp.Expr) -> exp.Expr:
        """Σ points × w over a newest-first list: one per once_per window, then the first n."""
        assert agg.half_life_us is not None
        kept: exp.Expr = newest_first
        if agg.once_per_us is not None:
            x, i = exp.to_identifier("x"), exp.to_identifier("i")
            previous = exp.Bracket(
                this=newest_first.copy(), expressions=[exp.Sub(this=exp.column(i), expression=integer(1))]
            )
            first_of_window = exp.or_(
                exp.EQ(this=exp.column(i), expression=integer(1)),
                exp.NEQ(
                    this=self.window_id(agg.once_per_us, exp.column(x)),
                    expression=self.window_id(agg.once_per_us, previous),
                ),
            )
            kept = exp.Anonymous(
                this="list_filter", expressions=[kept, exp.Lambda(this=first_of_window, expressions=[x, i])]
            )
            if agg.limit is not None:
                kept = exp.Bracket(
                    this=kept, expressions=[exp.Slice(this=integer(1), expression=integer(agg.limit))]
                )
        y = exp.to_identifier("y")
        contribution = self.d.scaled(agg.points, self.weight(agg.half_life_us, exp.column(y)))
        return exp.Anonymous(
            this="list_sum",
            expressions=[
                exp.Anonymous(
                    this="list_transform", expressions=[kept, exp.Lambda(this=contribution, expressions=[y])]
                )
            ],
        )
