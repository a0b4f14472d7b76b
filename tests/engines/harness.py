"""Run a model on an engine with canonical records, for comparison with the reference.

One runner per engine: DuckDB (a fresh in-process database per call), PostgreSQL (one
connection to a database created for this test run) and Spark (one local session per test
run). Each takes the same canonical records, duplicates already resolved as the loader does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from leadscore.compiled import compile_model
from leadscore.engines.arrow_tables import contacts_table, events_table, model_fields
from leadscore.model.schema import Model
from leadscore.output.columns import layout
from leadscore.records import Contact, Event
from leadscore.reference.evaluator import group_events


class Runner(Protocol):
    name: str

    def rows(
        self,
        model: Model,
        contacts: Sequence[Contact],
        events: Sequence[Event],
        as_of: int,
        rules: bool = True,
    ) -> list[dict[str, Any]]: ...


def _tables(model: Model, contacts: Sequence[Contact], events: Sequence[Event]) -> tuple[Any, Any, Any]:
    cm = compile_model(model)
    deduped = [e for evs in group_events(events).values() for e in evs]
    return cm, contacts_table(contacts, model_fields(cm)), events_table(deduped, cm.event_properties)


class EngineRunner:
    """A runner over a long-lived engine (PostgreSQL, Spark) or a factory (DuckDB)."""

    def __init__(self, name: str, engine: Any = None, factory: Any = None) -> None:
        self.name = name
        self.engine = engine
        self.factory = factory

    def rows(
        self,
        model: Model,
        contacts: Sequence[Contact],
        events: Sequence[Event],
        as_of: int,
        rules: bool = True,
    ) -> list[dict[str, Any]]:
        cm, ct, et = _tables(model, contacts, events)
        engine = self.engine if self.engine is not None else self.factory()
        try:
            engine.load_arrow("contacts", ct)
            engine.load_arrow("events", et)
            result: list[dict[str, Any]] = engine.score(cm, layout(model, rules), as_of).to_pylist()
            return result
        finally:
            if self.engine is None:
                engine.close()


def duckdb_runner() -> EngineRunner:
    from leadscore.engines.duckdb_engine import DuckDBEngine

    return EngineRunner("duckdb", factory=lambda: DuckDBEngine(threads=1))


def duckdb_rows(
    model: Model, contacts: Sequence[Contact], events: Sequence[Event], as_of: int, rules: bool = True
) -> list[dict[str, Any]]:
    return duckdb_runner().rows(model, contacts, events, as_of, rules)


def moments_table(moments: Sequence[tuple[str, int]]) -> Any:
    import pyarrow as pa

    return pa.table(
        {
            "contact_id": pa.array([c for c, _ in moments], pa.string()),
            "moment": pa.array([m for _, m in moments], pa.int64()),
        }
    )


def rows_at_moments(
    runner: EngineRunner,
    model: Model,
    contacts: Sequence[Contact],
    events: Sequence[Event],
    moments: Sequence[tuple[str, int]],
) -> list[dict[str, Any]]:
    """Score every (contact, moment) pair in one query (as a backtest replay does)."""
    from leadscore.sql.query import Relations, build_score_query

    cm, ct, et = _tables(model, contacts, events)
    engine = runner.engine if runner.engine is not None else runner.factory()
    try:
        engine.load_arrow("contacts", ct)
        engine.load_arrow("events", et)
        engine.load_arrow("moments", moments_table(moments))
        sql = engine.dialect.render(
            build_score_query(cm, layout(model, True), None, engine.dialect, Relations(moments="moments")),
            pretty=False,
        )
        rows: list[dict[str, Any]] = engine.fetch_arrow(sql).to_pylist()
        return rows
    finally:
        if runner.engine is None:
            engine.close()
