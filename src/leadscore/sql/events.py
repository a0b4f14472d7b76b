"""The event side of the scoring query: one pass over the events in scope, plus ranked subqueries.

`scope` selects the events any rule can read (`timestamp ≤ T`, a type some rule names) and
computes one boolean flag per distinct step-(a) filter. `event_rules` aggregates them per
contact in a single GROUP BY; only decayed rules with `limit > 1` or `once_per` need a
subquery of their own (rank or window, then sum).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from leadscore.compiled.ir import Aggregation, CompiledModel, EventAggregate, EventFilter
from leadscore.durations import MICROS_PER_DAY
from leadscore.sql.build import (
    FALSE,
    alias,
    bigint,
    boolean,
    case,
    col,
    double,
    integer,
    paren,
    string,
    to_double,
)
from leadscore.sql.dialects import SqlDialect
from leadscore.sql.predicates import PredicateCompiler

TS = "ts_us"
UNDERFLOW_HALVINGS = 1074  # 0.5 ** 1074 is the smallest double above zero
CID = "contact_id"


@dataclass
class EventPlan:
    """Names the query gives to each filter, window and aggregate."""

    filters: dict[EventFilter, str] = field(default_factory=dict)
    windows: dict[int, str] = field(default_factory=dict)
    aggregates: dict[EventAggregate, str] = field(default_factory=dict)
    activities: dict[tuple[EventFilter, ...], str] = field(default_factory=dict)
    subqueries: list[tuple[str, exp.Expr]] = field(default_factory=list)  # (cte name, select)
    main_columns: list[str] = field(default_factory=list)


class EventSide:
    def __init__(self, cm: CompiledModel, dialect: SqlDialect, as_of_us: int) -> None:
        self.cm = cm
        self.d = dialect
        self.as_of = as_of_us
        self.preds = PredicateCompiler(dialect)
        self.plan = EventPlan()
        for agg in cm.aggregates:
            self._name_filter(agg.filter)
            if agg.once_per_us is not None:
                self.plan.windows.setdefault(agg.once_per_us, f"w{len(self.plan.windows)}")
            self.plan.aggregates[agg] = f"a{len(self.plan.aggregates)}"
        for prog in cm.programs:
            for dim in prog.dimensions:
                if dim.decay is not None and dim.decay.activity:
                    for f in dim.decay.activity:
                        self._name_filter(f)
                    self.plan.activities.setdefault(dim.decay.activity, f"l{len(self.plan.activities)}")

    def _name_filter(self, f: EventFilter) -> None:
        self.plan.filters.setdefault(f, f"f{len(self.plan.filters)}")

    # -- expressions --------------------------------------------------------------------------

    def age_us(self, ts: exp.Expr) -> exp.Expr:
        return paren(exp.Sub(this=bigint(self.as_of), expression=ts))

    def weight(self, half_life_us: int, ts: exp.Expr) -> exp.Expr:
        """w(a) = 0.5 ** (a / h), with a = (T − ts) / 86400 s in days, as in the reference."""
        age_days = exp.Div(this=to_double(self.age_us(ts)), expression=double(float(MICROS_PER_DAY)))
        exponent = exp.Div(this=paren(age_days), expression=double(half_life_us / MICROS_PER_DAY))
        # beyond 1074 half-lives 0.5^x is 0 in doubles; PostgreSQL raises on that underflow
        vanished = exp.GT(this=self.age_us(ts.copy()), expression=bigint(UNDERFLOW_HALVINGS * half_life_us))
        return case((vanished, double(0.0)), default=exp.Pow(this=double(0.5), expression=exponent))

    def filter_flag(self, f: EventFilter) -> exp.Expr:
        type_col = col("type")
        if len(f.types) == 1:
            parts: list[exp.Expr] = [exp.EQ(this=type_col, expression=string(f.types[0]))]
        else:
            parts = [exp.In(this=type_col, expressions=[string(t) for t in f.types])]
        if not f.include_bots:
            bot = exp.EQ(this=self.d.lower(col("is_bot")), expression=string("true"))
            parts.append(exp.Not(this=paren(exp.Coalesce(this=bot, expressions=[FALSE.copy()]))))
        if f.within_us is not None:
            parts.append(exp.LT(this=self.age_us(col(TS)), expression=bigint(f.within_us)))
        where = self.preds.compile(f.where)
        if not (isinstance(where, exp.Boolean) and where.this is True):
            parts.append(where)
        return exp.and_(*parts)

    def window_id(self, once_per_us: int) -> exp.Expr:
        """floor(ts / D) for any sign of ts, with integer arithmetic only."""
        ts = col(TS)
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

    # -- CTEs ----------------------------------------------------------------------------------

    def scope(self, events_relation: exp.Expr) -> exp.Select:
        """Events in scope with one flag per filter and one id per once_per window length."""
        cols: list[exp.Expr] = [col(CID), col(TS)]
        cols += [alias(self.filter_flag(f), name) for f, name in self.plan.filters.items()]
        cols += [alias(self.window_id(d), name) for d, name in self.plan.windows.items()]
        in_time = exp.LTE(this=col(TS), expression=bigint(self.as_of))
        types = self.cm.event_types
        type_filter = (
            exp.In(this=col("type"), expressions=[string(t) for t in types]) if types else boolean(False)
        )
        return exp.select(*cols).from_(events_relation).where(exp.and_(in_time, type_filter))

    def rule_aggregates(self) -> exp.Select | None:
        """One GROUP BY over the scope for every aggregate that needs no ranking."""
        cols: list[exp.Expr] = [col(CID)]
        for agg, name in self.plan.aggregates.items():
            e = self._single_pass(agg)
            if e is not None:
                cols.append(alias(e, name))
                self.plan.main_columns.append(name)
        for filters, name in self.plan.activities.items():
            flags = exp.or_(*(col(self.plan.filters[f]) for f in filters))
            cols.append(alias(exp.Max(this=case((flags, col(TS)))), name))
            self.plan.main_columns.append(name)
        if len(cols) == 1:
            return None
        return exp.select(*cols).from_("scope").group_by(col(CID))

    def _single_pass(self, agg: EventAggregate) -> exp.Expr | None:
        flag = col(self.plan.filters[agg.filter])
        kind = agg.aggregation
        if kind is Aggregation.COUNT:
            return exp.Count(this=case((flag, integer(1))))
        if kind is Aggregation.WINDOWS:
            assert agg.once_per_us is not None
            win = col(self.plan.windows[agg.once_per_us])
            return exp.Count(this=exp.Distinct(expressions=[case((flag, win))]))
        if kind is Aggregation.LATEST:
            return exp.Max(this=case((flag, col(TS))))
        if kind is Aggregation.DECAYED_SUM:
            assert agg.half_life_us is not None
            contribution = exp.Mul(this=double(agg.points), expression=self.weight(agg.half_life_us, col(TS)))
            return exp.Sum(this=case((flag, contribution)))
        return None

    def ranked_aggregates(self) -> list[tuple[str, exp.Select]]:
        """A subquery per decayed aggregate that keeps one event per window and/or the n latest."""
        out: list[tuple[str, exp.Select]] = []
        for agg, name in self.plan.aggregates.items():
            if agg.aggregation not in (Aggregation.WINDOW_DECAYED_SUM, Aggregation.TOP_N):
                continue
            assert agg.half_life_us is not None
            flag = col(self.plan.filters[agg.filter])
            source: exp.Select
            if agg.once_per_us is not None:
                win = col(self.plan.windows[agg.once_per_us])
                source = (
                    exp.select(col(CID), alias(exp.Max(this=col(TS)), TS))
                    .from_("scope")
                    .where(flag)
                    .group_by(col(CID), win)
                )
            else:
                source = exp.select(col(CID), col(TS)).from_("scope").where(flag)
            contribution = exp.Mul(this=double(agg.points), expression=self.weight(agg.half_life_us, col(TS)))
            if agg.aggregation is Aggregation.TOP_N:
                assert agg.limit is not None
                rank = exp.Window(
                    this=exp.RowNumber(),
                    partition_by=[col(CID)],
                    order=exp.Order(expressions=[exp.Ordered(this=col(TS), desc=True)]),
                )
                ranked = exp.select(col(CID), col(TS), alias(rank, "rn")).from_(source.subquery("kept"))
                query = (
                    exp.select(col(CID), alias(exp.Sum(this=contribution), name))
                    .from_(ranked.subquery("ranked"))
                    .where(exp.LTE(this=col("rn"), expression=integer(agg.limit)))
                    .group_by(col(CID))
                )
            else:
                query = (
                    exp.select(col(CID), alias(exp.Sum(this=contribution), name))
                    .from_(source.subquery("kept"))
                    .group_by(col(CID))
                )
            out.append((name, query))
        return out
