"""The embedded default engine: DuckDB, in process, no server."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from leadscore.compiled.ir import CompiledModel
from leadscore.output.columns import Layout
from leadscore.sql.dialects import DuckDBDialect
from leadscore.sql.query import DEFAULT_RELATIONS, Relations, build_score_query


class DuckDBEngine:
    name = "duckdb"
    dialect = DuckDBDialect()

    def __init__(
        self, database: str = ":memory:", threads: int | None = None, memory_limit: str | None = None
    ) -> None:
        import duckdb

        self.con: Any = duckdb.connect(database)
        self.con.execute("SET TimeZone = 'UTC'")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")

    def register(self, name: str, table: pa.Table) -> None:
        self.con.register(name, table)

    def load_arrow(self, name: str, table: pa.Table) -> None:
        self.con.register(name, table)

    def score_sql(
        self, cm: CompiledModel, layout: Layout, as_of_us: int, relations: Relations = DEFAULT_RELATIONS
    ) -> str:
        return self.dialect.render(
            build_score_query(cm, layout, as_of_us, self.dialect, relations), pretty=False
        )

    def score(
        self, cm: CompiledModel, layout: Layout, as_of_us: int, relations: Relations = DEFAULT_RELATIONS
    ) -> pa.Table:
        return self.con.sql(self.score_sql(cm, layout, as_of_us, relations)).to_arrow_table()

    def close(self) -> None:
        self.con.close()
