"""A model with its data loaded into an engine: the unit of work behind score and explain."""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from leadscore.compiled import compile_model
from leadscore.compiled.ir import CompiledModel
from leadscore.data.normalize import ContactSpec, Executor, events_where
from leadscore.data.report import READ_EVENTS, TYPE_SAMPLE_ROWS, LoadReport
from leadscore.diagnostics import Diagnostic, LeadscoreError
from leadscore.engines import ENGINES
from leadscore.engines.base import Engine, Step
from leadscore.model.loader import LoadedModel
from leadscore.output.columns import layout
from leadscore.output.writers import output_format
from leadscore.records import Contact, Event
from leadscore.sql.query import (
    EVENT_COUNT,
    Relations,
    build_event_rules_query,
    build_score_query,
    build_unknown_events_query,
)


def type_sample(ex: Executor, events: str) -> list[tuple[str, int]]:
    """The event types of the first TYPE_SAMPLE_ROWS events with their counts, most frequent
    first (ties A to Z): a cheap sample (the first row group or so of a file).

    It orders the scoring query's CASE on the type (which changes how fast the query runs,
    never what it computes), and shows types that miss the model's by letter case or spaces.
    """
    counts = ex.rows(
        f"SELECT type, count(*) FROM (SELECT type FROM {events} LIMIT {TYPE_SAMPLE_ROWS}) s GROUP BY type"
    )
    return sorted(((str(t), int(n)) for t, n in counts if t is not None), key=lambda r: (-r[1], r[0]))


def near_types(sample: list[tuple[str, int]], read: tuple[str, ...]) -> list[tuple[str, str, int]]:
    """(type in the data, the model's type, count) for sampled types no rule reads that equal a
    type a rule reads but for letter case and surrounding spaces (`Demo_Request`, `demo_request `)."""
    wanted = {t.strip().casefold(): t for t in read}
    return [
        (t, wanted[t.strip().casefold()], n)
        for t, n in sample
        if t not in read and t.strip().casefold() in wanted
    ]


@dataclass(frozen=True)
class EngineOptions:
    """Which engine, and how to reach it (flags, or LEADSCORE_ENGINE / LEADSCORE_DB / LEADSCORE_SPARK)."""

    engine: str = "duckdb"
    db: str | None = None  # a DuckDB database file, or a postgresql:// URL
    spark: str | None = None  # a Spark master: local[2], spark://host:7077, yarn, …

    def open(self) -> Engine:
        if self.engine == "duckdb":
            from leadscore.engines.duckdb_engine import DuckDBEngine

            return DuckDBEngine(self.db or ":memory:")
        if self.engine == "postgres":
            from leadscore.engines.postgres_engine import PostgresEngine

            dsn = self.db or os.environ.get("DATABASE_URL")
            if not dsn:
                raise LeadscoreError.simple(
                    "P004",
                    "the postgres engine needs a database",
                    "give --db postgresql://user@host:5432/database (or set LEADSCORE_DB)",
                )
            return PostgresEngine(dsn)
        if self.engine == "spark":
            from leadscore.engines.spark_engine import SparkEngine

            return SparkEngine(master=self.spark or "local[*]")
        raise LeadscoreError.simple(
            "C001", f"unknown engine '{self.engine}'", f"choose one of {', '.join(ENGINES)}"
        )


@dataclass(frozen=True)
class Inputs:
    """Where contacts and events come from: files, or tables already in the engine."""

    contacts: Path | None = None
    events: Path | None = None
    contacts_table: str | None = None
    events_table: str | None = None
    order_by: str | None = None  # tables: the column that gives input order (first duplicate wins)

    def check(self) -> None:
        files = self.contacts is not None or self.events is not None
        tables = self.contacts_table is not None or self.events_table is not None
        if files and tables:
            raise LeadscoreError.simple(
                "C002",
                "give files (--contacts, --events) or tables (--contacts-table, --events-table), not both",
            )
        if self.contacts is None and self.contacts_table is None:
            raise LeadscoreError.simple(
                "C003",
                "no contacts given",
                "give --contacts FILE, or --contacts-table NAME of a table in the engine (--db for DuckDB or PostgreSQL, or Spark)",
            )


@dataclass
class ScoreResult:
    rows: int
    contacts: int
    programs: int
    out: Path | None
    out_table: str | None
    report: LoadReport
    seconds: float
    model_version: str
    as_of: int
    engine: str
    warnings: list[Diagnostic] = field(default_factory=list)


@dataclass
class ExplainResult:
    """One contact's explanations (one per program that scores it), and what loading the data
    found (bad rows, duplicates), which may be why an event is missing."""

    explanations: list[dict[str, Any]]
    report: LoadReport


@dataclass(frozen=True)
class Planned:
    """The scoring a session is opened for: as of when, and with every rule's value or not."""

    as_of: int
    rules: bool = False


STORED_AGGREGATE = "event_rules_agg"


def _stored_score_sql(cm: CompiledModel, loaded: LoadedModel, engine: Engine, planned: Planned) -> str:
    """The scores over the stored per-contact aggregate (engines that aggregate in one pass)."""
    d = engine.dialect
    stored = Relations(events_have_micros=True, event_rules=STORED_AGGREGATE, contacts_ordered=True)
    query = build_score_query(cm, layout(loaded.model, planned.rules), planned.as_of, d, stored)
    return d.render(query, pretty=False)


class Session:
    def __init__(
        self,
        loaded: LoadedModel,
        compiled: CompiledModel,
        engine: Engine,
        report: LoadReport,
        ahead: tuple[Planned, Future[str]] | None = None,
    ) -> None:
        self.loaded = loaded
        self.model = loaded.model
        self.compiled = compiled
        self.engine = engine
        self.report = report
        self._ahead = ahead  # the scores statement being built for the planned scoring

    @classmethod
    def open(
        cls,
        loaded: LoadedModel,
        inputs: Inputs,
        options: EngineOptions,
        step: Step,
        strict: bool = False,
        late_duplicates: bool = False,
        planned: Planned | None = None,
    ) -> Session:
        """Load the inputs into the engine. `late_duplicates` (for a session that only scores,
        once): repeated event_ids are found by the scoring query among the events its rules
        read, rather than among all rows when loading; the report then counts those only.
        `planned`: the scoring to come, whose statement is then built while the data loads."""
        inputs.check()
        cm = compile_model(loaded.model)
        spec = ContactSpec({**loaded.model.fields, **{f.name: f.kind for f in cm.contact_fields}})
        step(f"starting the {options.engine} engine")
        engine = options.open()
        ahead = None
        if planned is not None and engine.dialect.LIST_AGGREGATES:
            # the scores over the stored per-contact aggregate depend on the model alone: built
            # on another thread while the engine reads the files (DuckDB releases Python's lock
            # while it works, and a contacts file is often read on one of the two cores)
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="leadscore-plan")
            ahead = (planned, pool.submit(_stored_score_sql, cm, loaded, engine, planned))
            pool.shutdown(wait=False)
        try:
            if inputs.contacts is not None:
                report = engine.load_files(
                    inputs.contacts, inputs.events, spec, cm.event_properties, step, late_duplicates
                )
            else:
                assert inputs.contacts_table is not None
                report = engine.use_tables(
                    inputs.contacts_table,
                    inputs.events_table,
                    spec,
                    cm.event_properties,
                    step,
                    inputs.order_by,
                )
            if strict:
                report.check_strict()
        except BaseException:
            engine.close()
            raise
        return cls(loaded, cm, engine, report, ahead)

    def score_sql(self, as_of: int, rules: bool = False, contacts_relation: str = "contacts") -> str:
        return self.engine.score_sql(
            # the canonical events carry exact microseconds (ts_us) already
            self.compiled,
            layout(self.model, rules),
            as_of,
            Relations(contacts=contacts_relation, events_have_micros=True, contacts_ordered=True),
        )

    def score(
        self,
        as_of: int,
        rules: bool = False,
        out: Path | None = None,
        out_table: str | None = None,
        keep: bool = False,
    ) -> int:
        """Score, then write the file and/or the table; `keep` leaves a `scores` relation behind.

        Where the engine aggregates every rule in one pass (DuckDB), the per-contact aggregate is
        stored first: the scores read it, and so does the count of events of unknown contacts.
        """
        if out is not None:
            output_format(out)
        eng = self.engine
        d = eng.dialect
        relations = Relations(events_have_micros=True)
        events_report = next((f for f in self.report.files if f.kind == "events"), None)
        # where repeated event_ids are dropped inside the pass, after the rules' filter
        events_file = (
            events_report if d.LIST_AGGREGATES and events_report and events_report.deduplicate_with else None
        )
        lookup = events_file is not None and events_file.duplicates_among == READ_EVENTS
        if events_file is not None:
            assert events_file.deduplicate_with is not None
            with_copies, which = events_file.deduplicate_with
            relations = Relations(
                events=with_copies,
                events_have_micros=True,
                event_dups=None if lookup else which,
                event_ids=which if lookup else None,
            )
        # a sample of the event types: D106 for types that differ from the model's by case or
        # spaces, on every engine and kind of input; it also orders the scoring query's CASE
        sample = type_sample(eng.executor, relations.events) if events_report is not None else []
        if events_report is not None:
            events_report.near_types = near_types(sample, self.compiled.event_types)
        if d.LIST_AGGREGATES:
            relations = replace(relations, common_types=tuple(t for t, _ in sample))
            aggregate = build_event_rules_query(self.compiled, as_of, d, relations)
            eng.executor.materialize(STORED_AGGREGATE, d.render(aggregate, pretty=False))
            planned = Planned(as_of, rules)
            if self._ahead is not None and self._ahead[0] == planned:
                sql = self._ahead[1].result()
            else:
                sql = _stored_score_sql(self.compiled, self.loaded, eng, planned)
            # events of contacts not in the contacts, and the later copies of repeated event_ids
            # when the pass found them: the row of the NULL contact (see Relations.event_ids),
            # which no contact joins. An ANTI JOIN (NOT EXISTS is a correlated plan here, 2x
            # slower; a LEFT JOIN with two filtered sums 1.2x)
            agg = STORED_AGGREGATE
            unknown, dropped = eng.executor.rows(
                f"SELECT (SELECT coalesce(sum(a.{EVENT_COUNT}), 0) FROM {agg} a ANTI JOIN contacts c "
                "ON c.contact_id = a.contact_id WHERE a.contact_id IS NOT NULL), "
                f"(SELECT coalesce(sum({EVENT_COUNT}), 0) FROM {agg} WHERE contact_id IS NULL)"
            )[0]
            if lookup:
                assert events_file is not None
                events_file.duplicates = int(dropped)
        else:
            sql = self.score_sql(as_of, rules)
            # the events of contacts not in the contacts first, then the rules' filter on those
            # few only (not a second pass of the filter over every event)
            eng.executor.stage(
                "stray_events",
                "SELECT e.* FROM events e WHERE NOT EXISTS "
                "(SELECT 1 FROM contacts c WHERE c.contact_id = e.contact_id)",
            )
            strays = Relations(events="stray_events", events_have_micros=True)
            count = build_unknown_events_query(self.compiled, as_of, d, strays)
            unknown = eng.executor.rows(d.render(count, pretty=False))[0][0]
        self.report.unknown_contact_events = int(unknown)
        if out is not None and out_table is None and not keep:
            return eng.score_to_file(sql, out)
        n = eng.create_scores(sql)
        if out is not None:
            eng.write_scores_file(out)
        if out_table is not None:
            eng.write_scores_table(out_table)
        return n

    def events_of(self, where: str) -> str:
        """The canonical events that meet `where`, as a subquery (see data.normalize.events_where)."""
        return events_where(next((f for f in self.report.files if f.kind == "events"), None), where)

    def contact_records(self, contact_id: str) -> tuple[Contact, list[Event]]:
        contact, events = self.engine.contact_records(contact_id, self.compiled.event_properties)
        if contact is None:
            hint = "check the contact_id; a contact whose row is bad (D101, listed above) is skipped"
            alike = self._ids_alike(contact_id)
            if alike:  # ids compare exactly: `C-001` is not `c-001`
                hint = f"did you mean {' or '.join(repr(a) for a in alike)}? ids compare exactly, letter case too"
            raise LeadscoreError.simple("X001", f"no contact '{contact_id}' in the contacts", hint)
        return contact, events

    def _ids_alike(self, contact_id: str) -> list[str]:
        """Contact ids that are `contact_id` but for letter case and surrounding spaces (a few)."""
        t = self.engine.executor.typing
        wanted = t.lit(contact_id.strip().lower())
        rows = self.engine.executor.rows(
            f"SELECT contact_id FROM contacts WHERE lower(trim(contact_id)) = {wanted} ORDER BY contact_id LIMIT 3"
        )
        return [str(r[0]) for r in rows]

    def engine_rows_for(self, contact_id: str, as_of: int) -> dict[str, dict[str, Any]]:
        """The engine's own output rows for one contact, by program."""
        t = self.engine.executor.typing
        self.engine.executor.materialize(
            "one_contact", f"SELECT * FROM contacts WHERE contact_id = {t.lit(contact_id)}"
        )
        rows = self.engine.fetch_dicts(self.score_sql(as_of, True, "one_contact"))
        return {r["program"]: r for r in rows}

    def close(self) -> None:
        self.engine.close()
