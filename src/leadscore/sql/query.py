"""Assemble the scoring query for one model, one moment and one dialect.

Three builders share one construction of the event side: the whole scoring query (what
`leadscore compile` prints), the per-contact event aggregate on its own (an engine may store it
and score from it), and a count of the events read for contacts that are not in the contacts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from leadscore.compiled.ir import CompiledModel
from leadscore.durations import format_instant
from leadscore.output.columns import Layout
from leadscore.sql.build import alias, col
from leadscore.sql.copies import READ, scope_with_copies
from leadscore.sql.dialects import SqlDialect
from leadscore.sql.events import BOT, CID, MOMENT, TS, EventSide
from leadscore.sql.programs import ORDER, PROGRAM_ORDER, ProgramSide
from leadscore.sql.ranked import ranked_aggregates

EVENT_COUNT = "n_events"  # events read per contact (in the per-contact aggregate)


@dataclass(frozen=True)
class Relations:
    """Where the query reads its inputs (tables, views or CTEs the caller provides)."""

    contacts: str = "contacts"
    events: str = "events"
    # the events relation carries `ts_us` (exact UTC microseconds) instead of a `timestamp`
    events_have_micros: bool = False
    # a stored per-contact event aggregate (see build_event_rules_query) to score from
    event_rules: str | None = None
    # the contacts carry their input position (`_order`): the scores come out in that order
    contacts_ordered: bool = False
    # the events still hold the later copies of repeated event_ids, with `event_id` and
    # `_order`; this relation (event_id, first_order) says which to drop, after the rules' filter
    event_dups: str | None = None
    # or: the events still hold the later copies (with `event_id` and `_order`), and this
    # relation holds every good row's (event_id, _order): the later copies among the events
    # the rules read are found by looking those up in it (no grouping of every row), and are
    # gathered under a NULL contact_id in the per-contact aggregate, whose event count is then
    # the number of duplicates dropped (one moment only)
    event_ids: str | None = None
    # score at many moments: (contact_id, moment) rows, moment in UTC microseconds (as_of None)
    moments: str | None = None
    # event types seen in the events, most frequent first (a sample): the CASE on the type
    # tests them in this order, so most events meet their branch early (the rest: A to Z)
    common_types: tuple[str, ...] = ()


DEFAULT_RELATIONS = Relations()

CTEs = list[tuple[str, exp.Expr]]


def _event_ctes(events: EventSide, cm: CompiledModel, dialect: SqlDialect, relations: Relations) -> CTEs:
    """`events_in` (the columns the rules read) and `scope` (one row per event some rule reads)."""
    ev_cols: list[exp.Expr] = [col(CID), col("type")]
    ev_cols.append(col(TS) if relations.events_have_micros else alias(dialect.ts_column("timestamp"), TS))
    ev_cols += [col(p) for p in cm.event_properties]
    if relations.event_dups is not None or relations.event_ids is not None:
        ev_cols += [col("event_id"), col(ORDER)]
    ev_cols += [alias(dialect.lower(col(name)), lowered) for name, lowered in events.lowered.items()]
    if events.bot_column:  # tested by several masks: computed once per event
        bot = exp.Coalesce(this=events.bot_test(), expressions=[exp.Boolean(this=False)])
        ev_cols.append(alias(bot, BOT))
    events_in = exp.select(*ev_cols, copy=False).from_(
        exp.to_table(relations.events, quoted=True), copy=False
    )
    if relations.event_ids is not None:
        return [
            ("events_in", events_in),
            *scope_with_copies(events, exp.to_table("events_in"), relations.event_ids),
        ]
    return [
        ("events_in", events_in),
        ("scope", events.scope(exp.to_table("events_in"), relations.event_dups, relations.moments)),
    ]


def _with(final: exp.Expr, ctes: CTEs, dialect: SqlDialect) -> exp.Expr:
    contact_level = {"base", *(name for name, _ in ctes if name.startswith("p"))}
    for name, q in ctes:
        # `read` is scanned twice (a lookup of its ids, then the scope): computed once
        materialize = (dialect.MATERIALIZE_CONTACT_LAYERS and name in contact_level) or name == READ
        final = final.with_(name, as_=q, materialized=True if materialize else None, copy=False)  # type: ignore[attr-defined]
    return final


def build_event_rules_query(
    cm: CompiledModel, as_of_us: int | None, dialect: SqlDialect, relations: Relations = DEFAULT_RELATIONS
) -> exp.Expr:
    """The per-contact aggregate of every single-pass rule, with the count of events read.

    Complete (no ranked subqueries needed) only where the dialect has list aggregates.
    """
    events = EventSide(cm, dialect, as_of_us, relations.common_types)
    ctes = _event_ctes(events, cm, dialect, relations)
    single = events.rule_aggregates(extra=[alias(exp.Count(this=exp.Star()), EVENT_COUNT)])
    assert single is not None
    return _with(single, ctes, dialect)


def build_unknown_events_query(
    cm: CompiledModel, as_of_us: int | None, dialect: SqlDialect, relations: Relations = DEFAULT_RELATIONS
) -> exp.Expr:
    """How many events the rules read belong to contacts that are not in the contacts."""
    events = EventSide(cm, dialect, as_of_us, relations.common_types)
    ctes = _event_ctes(events, cm, dialect, relations)
    known = exp.select(exp.Literal.number(1), copy=False).from_(
        exp.alias_(exp.to_table(relations.contacts, quoted=True), "c", table=True, copy=False), copy=False
    )
    known = known.where(exp.EQ(this=col(CID, "c"), expression=col(CID, "s")), copy=False)
    query = exp.select(exp.Count(this=exp.Star()), copy=False).from_(
        exp.alias_(exp.to_table("scope"), "s", table=True, copy=False), copy=False
    )
    query = query.where(exp.Not(this=exp.Exists(this=known)), copy=False)
    return _with(query, ctes, dialect)


def build_score_query(
    cm: CompiledModel,
    layout: Layout,
    as_of_us: int | None,
    dialect: SqlDialect,
    relations: Relations = DEFAULT_RELATIONS,
) -> exp.Expr:
    events = EventSide(cm, dialect, as_of_us, relations.common_types)
    ctes: CTEs = []
    joins: list[str] = []
    single_name = relations.event_rules or "event_rules"
    if relations.event_rules is None:
        ctes += _event_ctes(events, cm, dialect, relations)
        single = events.rule_aggregates()
        if single is not None:
            ctes.append(("event_rules", single))
            joins.append("event_rules")
        for name, query in ranked_aggregates(events):
            ctes.append((f"event_rule_{name}", query))
            joins.append(f"event_rule_{name}")
    else:
        events.rule_aggregates()  # names the columns the stored aggregate holds
        joins.append(single_name)
    order = [col(ORDER, "c")] if relations.contacts_ordered else []
    at = [col(MOMENT, "m")] if events.many else []
    base = exp.select(
        col(CID, "c"), *(col(f.name, "c") for f in cm.contact_fields), *order, *at, copy=False
    ).from_(
        exp.alias_(exp.to_table(relations.contacts, quoted=True), "c", table=True, copy=False), copy=False
    )
    if events.many:
        # one row per contact and moment
        assert relations.moments is not None, "scoring at many moments needs a moments relation"
        base = base.join(
            exp.alias_(exp.to_table(relations.moments, quoted=True), "m", table=True, copy=False),
            on=exp.EQ(this=col(CID, "c"), expression=col(CID, "m")),
            join_type="inner",
            copy=False,
        )
    for j in joins:
        on: exp.Expr = exp.EQ(this=col(CID, "c"), expression=col(CID, j))
        if events.many:
            on = exp.and_(on, exp.EQ(this=col(MOMENT, "m"), expression=col(MOMENT, j)), copy=False)
        base = base.join(exp.to_table(j, quoted=True), on=on, join_type="left", copy=False)
    for name in events.plan.main_columns:
        base = base.select(col(name, single_name), copy=False)
    for name in events.plan.ranked:
        base = base.select(col(name, f"event_rule_{name}"), copy=False)
    ctes.append(("base", base))
    label = format_instant(as_of_us) if as_of_us is not None else ""
    programs = ProgramSide(cm, events, dialect, layout, label, ordered=relations.contacts_ordered)
    outputs: list[exp.Select] = []
    for i, p in enumerate(cm.programs):
        p_ctes, last = programs.ctes(i, p)
        ctes.extend(p_ctes)
        outputs.append(programs.output(i, p, last))
    body: exp.Expr = outputs[0]
    for o in outputs[1:]:
        body = exp.union(body, o, distinct=False)
    final: exp.Expr
    if relations.contacts_ordered:
        scored = exp.Subquery(this=body, alias=exp.TableAlias(this=exp.to_identifier("scored")))
        final = (
            exp.select(*(col(name) for name in layout.names), copy=False)
            .from_(scored, copy=False)
            .order_by(col(ORDER), col(PROGRAM_ORDER), copy=False)
        )
    elif len(outputs) > 1:
        final = exp.select(exp.Star(), copy=False).from_(
            exp.Subquery(this=body, alias=exp.TableAlias(this=exp.to_identifier("scored"))), copy=False
        )
    else:
        final = body
    return _with(final, ctes, dialect)
