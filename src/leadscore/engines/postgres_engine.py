"""PostgreSQL: score where the data lives, with the same compiled SQL transpiled by sqlglot."""

from __future__ import annotations

import io
from typing import Any

import pyarrow as pa

from leadscore.compiled.ir import CompiledModel
from leadscore.diagnostics import LeadscoreError
from leadscore.output.columns import Layout
from leadscore.sql.dialects import PostgresDialect
from leadscore.sql.query import DEFAULT_RELATIONS, Relations, build_score_query

_PG_TYPES = {
    pa.string(): "TEXT",
    pa.large_string(): "TEXT",
    pa.int64(): "BIGINT",
    pa.int32(): "BIGINT",
    pa.float64(): "DOUBLE PRECISION",
    pa.bool_(): "BOOLEAN",
}
INSTALL_HINT = "install the PostgreSQL driver: pip install 'leadscore[postgres]'"


def _pg_type(t: pa.DataType) -> str:
    if pa.types.is_timestamp(t):
        return "TIMESTAMP"
    try:
        return _PG_TYPES[t]
    except KeyError:
        raise TypeError(f"no PostgreSQL type for {t}") from None


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class PostgresEngine:
    name = "postgres"
    dialect = PostgresDialect()

    def __init__(self, dsn: str) -> None:
        try:
            import psycopg
        except ImportError:
            raise LeadscoreError.simple(
                "P001", "the postgres engine needs the psycopg package", INSTALL_HINT
            ) from None
        try:
            self.conn: Any = psycopg.connect(dsn, autocommit=True)
        except psycopg.OperationalError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "connection failed"
            raise LeadscoreError.simple(
                "P002",
                f"cannot connect to PostgreSQL: {first}",
                "check --db (postgresql://user@host:5432/database) and that the server runs",
            ) from None
        self._check_locale()

    def _check_locale(self) -> None:
        encoding, lowered = self.conn.execute(
            "SELECT current_setting('server_encoding'), lower('ŁÓDŹ ΣΑΣ')"
        ).fetchone()
        if encoding != "UTF8" or lowered != "łódź σασ":
            raise LeadscoreError.simple(
                "P003",
                f"this database lower-cases text differently from the other engines (encoding {encoding}, lower('ŁÓDŹ ΣΑΣ') = '{lowered}')",
                "use a UTF-8 database with a libc locale such as C.UTF-8 or en_US.UTF-8: CREATE DATABASE scoring ENCODING 'UTF8' LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8' TEMPLATE template0",
            )

    def load_arrow(self, name: str, table: pa.Table, temporary: bool = True) -> None:
        """Create `name` and COPY the table into it (CSV written by Arrow, parsed by the server)."""
        import pyarrow.csv as pacsv

        cols = ", ".join(f"{q(f.name)} {_pg_type(f.type)}" for f in table.schema)
        kind = "TEMP TABLE" if temporary else "UNLOGGED TABLE"
        self.conn.execute(f"DROP TABLE IF EXISTS {q(name)}")
        self.conn.execute(f"CREATE {kind} {q(name)} ({cols})")
        names = ", ".join(q(f.name) for f in table.schema)
        with self.conn.cursor() as cur, cur.copy(f"COPY {q(name)} ({names}) FROM STDIN (FORMAT csv)") as copy:
            for batch in table.to_batches(max_chunksize=100_000):
                buf = io.BytesIO()
                pacsv.write_csv(
                    pa.Table.from_batches([batch], table.schema),
                    buf,
                    pacsv.WriteOptions(include_header=False),
                )
                copy.write(buf.getvalue())
        self.conn.execute(f"ANALYZE {q(name)}")

    def score_sql(
        self, cm: CompiledModel, layout: Layout, as_of_us: int, relations: Relations = DEFAULT_RELATIONS
    ) -> str:
        return self.dialect.render(
            build_score_query(cm, layout, as_of_us, self.dialect, relations), pretty=False
        )

    def fetch_arrow(self, sql: str) -> pa.Table:
        with self.conn.cursor() as cur:
            cur.execute(sql)
            names = [d.name for d in cur.description]
            rows = cur.fetchall()
        return pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)})

    def score(
        self, cm: CompiledModel, layout: Layout, as_of_us: int, relations: Relations = DEFAULT_RELATIONS
    ) -> pa.Table:
        return self.fetch_arrow(self.score_sql(cm, layout, as_of_us, relations))

    def close(self) -> None:
        self.conn.close()
