"""What every engine offers the application: load, score, fetch, write.

Each engine keeps the canonical relations `contacts` and `events` in its own session (loaded
from files or normalised from the user's tables), runs the compiled scoring query into a
relation `scores`, and writes it to a file (one writer for all engines, so files look the same)
or back to a table, replaced atomically where the engine allows.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from leadscore.compiled.ir import CompiledModel
from leadscore.data.normalize import (
    ContactSpec,
    Executor,
    RawInput,
    empty_events,
    normalize_contacts,
    normalize_events,
)
from leadscore.data.report import LoadReport
from leadscore.data.text_readers import NOT_JSON, PROPERTIES
from leadscore.diagnostics import LeadscoreError
from leadscore.output.columns import Layout
from leadscore.output.writers import write_arrow
from leadscore.records import Contact, Event
from leadscore.sql.dialects import SqlDialect
from leadscore.sql.query import DEFAULT_RELATIONS, Relations, build_score_query

Step = Callable[[str], None]


class Engine:
    name: str
    dialect: SqlDialect
    executor: Executor

    # -- inputs ----------------------------------------------------------------------------------

    def load_files(
        self,
        contacts: Path,
        events: Path | None,
        spec: ContactSpec,
        properties: tuple[str, ...],
        step: Step,
        late_duplicates: bool = False,  # only the embedded engine drops them late (see normalize_events)
    ) -> LoadReport:
        raise NotImplementedError

    def use_tables(
        self,
        contacts: str,
        events: str | None,
        spec: ContactSpec,
        properties: tuple[str, ...],
        step: Step,
        order: str | None = None,
    ) -> LoadReport:
        """Normalise the user's own tables (or views) into the canonical relations."""
        ex = self.executor
        t = ex.typing
        report = LoadReport()
        contacts_ref, _ = self._input_table(contacts, "--contacts-table")
        events_ref, columns = self._input_table(events, "--events-table") if events else ("", {})
        if events is not None and order is not None and order not in columns:
            raise LeadscoreError.simple(
                "C005", f"--order-by: the table {events} has no column {order}",
                f"name one of its columns: {', '.join(sorted(columns))}",
            )  # fmt: skip
        step(f"reading contacts from table {contacts}")
        with self._reading(contacts, "--contacts-table"):
            report.files.append(normalize_contacts(ex, RawInput(contacts_ref, contacts), spec))
        if events is None:
            empty_events(ex, properties)
            return report
        step(f"reading events from table {events}")
        order_sql = t.q(order) if order else None
        raw = RawInput(events_ref, events, order=order_sql)
        from_json = [p for p in properties if p not in columns] if PROPERTIES in columns else []
        if from_json:  # properties the table has no column for, from its JSON `properties` column
            doc = t.q(PROPERTIES)
            read = ", ".join(f"{t.json_text(doc, p)} AS {t.q(p)}" for p in from_json)
            ex.stage("raw_table_events", f"SELECT *, {read} FROM {raw.relation}")
            raw.relation = "raw_table_events"
            raw.row_problems = [(t.json_invalid(doc), t.lit(NOT_JSON))]
        with self._reading(events, "--events-table"):
            report.files.append(normalize_events(ex, raw, properties))
        return report

    def query_errors(self) -> tuple[type[BaseException], ...]:
        """The engine's own errors of a query that fails (a user's view that cannot be read)."""
        return ()

    @contextlib.contextmanager
    def _reading(self, name: str, option: str) -> Iterator[None]:
        """A user's table or view that fails when the engine reads it (a view whose cast fails
        on some row, a table whose files are gone): C005 naming it, not the engine's exception."""
        try:
            yield
        except self.query_errors() as exc:
            first = next((line for line in str(exc).strip().splitlines() if line.strip()), type(exc).__name__)
            raise LeadscoreError.simple(
                "C005", f"{option}: reading the table {name} failed ({first.strip()})",
                f"the table or view fails when the engine reads it; query it alone (SELECT * FROM {name}) to see why",
            ) from None  # fmt: skip

    def _input_table(self, name: str, option: str) -> tuple[str, dict[str, str]]:
        """The relation to read the user's table `name` from, and its columns."""
        try:
            ref = self.input_ref(name)
            return ref, self.executor.columns(ref)
        except Exception as exc:  # each engine has its own error for a missing table or schema
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise LeadscoreError.simple(
                "C005", f"{option}: cannot read the table {name} ({first})",
                "check the table's name (schema.table) and that the database holds it",
            ) from None  # fmt: skip

    default_schema = "main"  # where an unqualified table name lives

    def same_table(self, a: str, b: str) -> bool:
        """`a` and `b` name one table (`main.t`, `T`, `t`): names without case, the schema filled in."""

        def identity(name: str) -> tuple[str, ...]:
            parts = [p.casefold() for p in name.split(".")]
            return tuple(parts[-2:]) if len(parts) > 1 else (self.default_schema, parts[0])

        return identity(a) == identity(b)

    def input_ref(self, name: str) -> str:
        """Where the scoring session reads the user's input table `name` (see SparkEngine)."""
        return self.table_ref(name)

    def table_ref(self, name: str) -> str:
        """A user's (possibly schema-qualified) table name, quoted part by part."""
        return ".".join(self.executor.typing.q(part) for part in name.split("."))

    # -- scoring ---------------------------------------------------------------------------------

    def score_sql(
        self, cm: CompiledModel, layout: Layout, as_of_us: int, relations: Relations = DEFAULT_RELATIONS
    ) -> str:
        return self.dialect.render(
            build_score_query(cm, layout, as_of_us, self.dialect, relations), pretty=False
        )

    def create_scores(self, sql: str) -> int:
        self.executor.materialize("scores", sql)
        return int(self.executor.rows("SELECT count(*) FROM scores")[0][0])

    def fetch_arrow(self, sql: str) -> pa.Table:
        raise NotImplementedError

    def fetch_dicts(self, sql: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.fetch_arrow(sql).to_pylist()
        return rows

    def score_to_file(self, sql: str, out: Path) -> int:
        """Score straight into a file (no `scores` relation kept); returns the row count."""
        n = self.create_scores(sql)
        self.write_scores_file(out)
        return n

    def write_scores_file(self, out: Path) -> None:
        write_arrow(self.fetch_arrow("SELECT * FROM scores"), out)

    def write_scores_table(self, name: str) -> None:
        raise NotImplementedError

    def contact_records(
        self, contact_id: str, properties: tuple[str, ...]
    ) -> tuple[Contact | None, list[Event]]:
        t = self.executor.typing
        rows = self.fetch_dicts(f"SELECT * FROM contacts WHERE contact_id = {t.lit(contact_id)}")
        if not rows:
            return None, []
        fields = {
            k: v for k, v in rows[0].items() if k != "contact_id" and not k.startswith("_") and v is not None
        }
        cols = ", ".join(["event_id", "type", "ts_us AS ts", *(t.q(p) for p in properties)])
        evs = self.fetch_dicts(f"SELECT {cols} FROM events WHERE contact_id = {t.lit(contact_id)}")
        events = [
            Event(str(e["event_id"]), contact_id, e["type"], int(e["ts"]), {p: e[p] for p in properties})
            for e in evs
        ]
        events.sort(key=lambda e: (-e.ts, e.event_id))
        return Contact(contact_id, fields), events

    def close(self) -> None:
        raise NotImplementedError
