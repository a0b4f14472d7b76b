"""The embedded default engine: DuckDB, in process, no server (optionally a database file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from leadscore.data.loading import DuckDBExecutor, load_inputs, run
from leadscore.data.normalize import ContactSpec
from leadscore.data.report import LoadReport
from leadscore.diagnostics import LeadscoreError
from leadscore.engines.base import Engine, Step
from leadscore.output.writers import duckdb_copy_options, output_format, sql_path
from leadscore.sql.dialects import DuckDBDialect


def keep_allocations(con: Any) -> None:
    """Keep the memory one statement freed for the next, up to the memory limit.

    A scoring run is a few statements in a row that each build large hash tables. By default
    DuckDB hands the memory of a finished task back to the operating system once its peak passes
    128 MiB (and after any free of more than 512 MiB), and the next statement faults the same
    amount back in, page by page: about 4 % of a run over 20M events (bench/README.md). The
    memory limit still bounds what is held; it is all released when the connection closes.
    """
    wanted = ("allocator_flush_threshold", "allocator_bulk_deallocation_flush_threshold")
    known = run(con, "SELECT name, current_setting('memory_limit') FROM duckdb_settings()")
    for name, limit in known:
        if name in wanted:  # an older DuckDB without one of them keeps its default
            run(con, f"SET {name} = '{limit}'")


class DuckDBEngine(Engine):
    name = "duckdb"
    dialect = DuckDBDialect()

    def __init__(
        self, database: str = ":memory:", threads: int | None = None, memory_limit: str | None = None
    ) -> None:
        import duckdb

        try:
            self.con: Any = duckdb.connect(database)
        except duckdb.Error as exc:  # a folder, a missing folder, not a DuckDB file, no permission
            raise LeadscoreError.simple(
                "C004", f"--db: cannot open the DuckDB database {database} ({str(exc).splitlines()[0]})",
                "name a DuckDB database file in a folder that exists (a new name creates one)",
            ) from None  # fmt: skip
        run(self.con, "SET TimeZone = 'UTC'")
        run(self.con, "SET enable_progress_bar = false")  # leadscore shows its own progress
        # a category's points are one sum of its rules, in the reference's order (so the same
        # doubles): a category of a few thousand rules nests that deep (default limit 1000)
        run(self.con, "SET max_expression_depth = 100000")
        if threads:
            run(self.con, f"SET threads = {int(threads)}")
        if memory_limit:
            run(self.con, f"SET memory_limit = '{memory_limit}'")
        keep_allocations(self.con)
        self.executor: DuckDBExecutor = DuckDBExecutor(self.con)

    def load_files(
        self,
        contacts: Path,
        events: Path | None,
        spec: ContactSpec,
        properties: tuple[str, ...],
        step: Step,
        late_duplicates: bool = False,
    ) -> LoadReport:
        return load_inputs(self.con, contacts, events, spec, properties, step, late_duplicates, self.executor)

    def load_arrow(self, name: str, table: pa.Table) -> None:
        self.con.register(name, table)

    def fetch_arrow(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def write_scores_file(self, out: Path) -> None:
        fmt = output_format(out)
        tmp = out.with_name(f".{out.name}.tmp")
        run(self.con, f"COPY scores TO '{sql_path(tmp)}' {duckdb_copy_options(fmt)}")
        tmp.replace(out)  # atomic: readers never see a half-written file

    def score_to_file(self, sql: str, out: Path) -> int:
        fmt = output_format(out)
        tmp = out.with_name(f".{out.name}.tmp")
        n = int(run(self.con, f"COPY ({sql}) TO '{sql_path(tmp)}' {duckdb_copy_options(fmt)}")[0][0])
        tmp.replace(out)  # atomic: readers never see a half-written file
        return n

    def write_scores_table(self, name: str) -> None:
        import duckdb

        target = self.table_ref(name)
        staging = self.table_ref(name + "__leadscore_new")
        run(self.con, "BEGIN TRANSACTION")
        try:
            run(self.con, f"CREATE OR REPLACE TABLE {staging} AS SELECT * FROM scores")
            run(self.con, f"DROP TABLE IF EXISTS {target}")
            run(self.con, f"ALTER TABLE {staging} RENAME TO {self.executor.typing.q(name.split('.')[-1])}")
            run(self.con, "COMMIT")
        except duckdb.CatalogException as exc:  # no such schema, or a view of that name
            run(self.con, "ROLLBACK")
            raise LeadscoreError.simple(
                "C006", f"--out-table: cannot write the table {name} ({str(exc).splitlines()[0]})",
                "name a table in a schema that exists (schema.table), or a new table name",
            ) from None  # fmt: skip
        except Exception:
            run(self.con, "ROLLBACK")
            raise

    def query_errors(self) -> tuple[type[BaseException], ...]:
        import duckdb

        return (duckdb.Error,)

    def score(self, cm: Any, layout: Any, as_of_us: int) -> pa.Table:
        return self.fetch_arrow(self.score_sql(cm, layout, as_of_us))

    def close(self) -> None:
        self.con.close()
