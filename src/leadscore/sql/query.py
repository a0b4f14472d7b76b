"""Assemble the whole scoring query for one model, one moment and one dialect."""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from leadscore.compiled.ir import CompiledModel
from leadscore.durations import format_instant
from leadscore.output.columns import Layout
from leadscore.sql.build import alias, col
from leadscore.sql.dialects import SqlDialect
from leadscore.sql.events import TS, EventSide
from leadscore.sql.programs import ProgramSide


@dataclass(frozen=True)
class Relations:
    """Where the query reads its inputs (tables, views or CTEs the caller provides)."""

    contacts: str = "contacts"
    events: str = "events"
    # the events relation carries a UTC `timestamp` column; the query derives exact microseconds
    events_have_micros: bool = False


DEFAULT_RELATIONS = Relations()


def build_score_query(
    cm: CompiledModel,
    layout: Layout,
    as_of_us: int,
    dialect: SqlDialect,
    relations: Relations = DEFAULT_RELATIONS,
) -> exp.Expr:
    events = EventSide(cm, dialect, as_of_us)
    ev_cols: list[exp.Expr] = [col("contact_id"), col("type")]
    ev_cols.append(col(TS) if relations.events_have_micros else alias(dialect.ts_column("timestamp"), TS))
    ev_cols += [col(p) for p in cm.event_properties]
    ctes: list[tuple[str, exp.Expr]] = [
        ("events_in", exp.select(*ev_cols).from_(exp.to_table(relations.events, quoted=True))),
        ("scope", events.scope(exp.to_table("events_in"))),
    ]
    single = events.rule_aggregates()
    joins: list[str] = []
    if single is not None:
        ctes.append(("event_rules", single))
        joins.append("event_rules")
    for name, query in events.ranked_aggregates():
        ctes.append((f"event_rule_{name}", query))
        joins.append(f"event_rule_{name}")
    base_cols: list[exp.Expr] = [col("contact_id", "c")]
    base_cols += [col(f.name, "c") for f in cm.contact_fields]
    base = exp.select(*base_cols).from_(
        exp.alias_(exp.to_table(relations.contacts, quoted=True), "c", table=True)
    )
    plan = events.plan
    for j in joins:
        base = base.join(
            j, on=exp.EQ(this=col("contact_id", "c"), expression=col("contact_id", j)), join_type="left"
        )
    for name in plan.main_columns:
        base = base.select(col(name, "event_rules"))
    for j in joins[1 if single is not None else 0 :]:
        name = j[len("event_rule_") :]
        base = base.select(col(name, j))
    ctes.append(("base", base))
    programs = ProgramSide(cm, events, dialect, layout, format_instant(as_of_us))
    outputs: list[exp.Select] = []
    for i, p in enumerate(cm.programs):
        p_ctes, last = programs.ctes(i, p)
        ctes.extend(p_ctes)
        outputs.append(programs.output(i, p, last))
    body: exp.Expr = outputs[0]
    for o in outputs[1:]:
        body = exp.union(body, o, distinct=False)
    final = (
        exp.select(exp.Star()).from_(
            exp.Subquery(this=body, alias=exp.TableAlias(this=exp.to_identifier("scored")))
        )
        if len(outputs) > 1
        else body
    )
    contact_level = {"base", *(name for name, _ in ctes if name.startswith("p"))}
    for name, q in ctes:
        materialize = dialect.MATERIALIZE_CONTACT_LAYERS and name in contact_level
        final = final.with_(name, as_=q, materialized=True if materialize else None)  # type: ignore[attr-defined]
    return final
