"""PostgreSQL: score where the data lives, with the same compiled SQL transpiled by sqlglot.

Files are read by the same loader as the embedded engine (so bad rows, types and duplicates
are judged identically) and COPY'd into temporary tables; existing tables are normalised in
place. Results go to a file or to a table replaced in one transaction.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pyarrow as pa

from leadscore.data.normalize import ContactSpec, RawInput
from leadscore.data.report import LoadReport
from leadscore.data.sqltyping import PostgresTyping, Typing
from leadscore.diagnostics import LeadscoreError
from leadscore.engines.base import Engine, Step
from leadscore.sql.dialects import PostgresDialect

INSTALL_HINT = "install the PostgreSQL driver: pip install 'leadscore[postgres]'"
LOCALE_HINT = (
    "use a UTF-8 database with a libc locale such as C.UTF-8 or en_US.UTF-8: CREATE DATABASE scoring "
    "ENCODING 'UTF8' LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8' TEMPLATE template0"
)
_CATEGORIES = {
    "text": "text", "varchar": "text", "bpchar": "text", "char": "text", "name": "text", "json": "json", "jsonb": "json",
    "int2": "integer", "int4": "integer", "int8": "integer", "float4": "float", "float8": "float", "numeric": "decimal",
    "bool": "boolean", "timestamp": "timestamp", "timestamptz": "timestamptz", "date": "date",
    "record": "struct",
}  # fmt: skip
_PG_TYPES = {
    pa.string(): "TEXT",
    pa.large_string(): "TEXT",
    pa.int64(): "BIGINT",
    pa.int32(): "BIGINT",
    pa.float64(): "DOUBLE PRECISION",
    pa.bool_(): "BOOLEAN",
}


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pg_type(t: pa.DataType) -> str:
    if pa.types.is_timestamp(t):
        return "TIMESTAMP"
    if pa.types.is_integer(t):
        return "BIGINT" if t.bit_width <= 32 or pa.types.is_signed_integer(t) else "NUMERIC"
    if pa.types.is_floating(t):
        return "DOUBLE PRECISION"
    if pa.types.is_decimal(t):
        return "NUMERIC"
    try:
        return _PG_TYPES[t]
    except KeyError:
        raise TypeError(f"no PostgreSQL type for {t}") from None


class PostgresExecutor:
    typing: Typing = PostgresTyping()

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute(self, sql: str) -> None:
        self.conn.execute(sql)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return list(self.conn.execute(sql).fetchall())

    def columns(self, relation: str) -> dict[str, str]:
        cur = self.conn.execute(f"SELECT * FROM {relation} LIMIT 0")
        out = {}
        for d in cur.description:
            info = self.conn.adapters.types.get(d.type_code)
            if info is not None and d.type_code == info.array_oid:  # text[] is known by its element
                out[d.name] = "nested"
            else:
                out[d.name] = _CATEGORIES.get(info.name if info else "", "other")
        return out

    def materialize(self, name: str, select: str) -> None:
        self.conn.execute(f"DROP TABLE IF EXISTS pg_temp.{q(name)}")
        self.conn.execute(f"CREATE TEMP TABLE {q(name)} AS {select}")
        self.conn.execute(f"ANALYZE pg_temp.{q(name)}")

    def stage(self, name: str, select: str) -> None:
        self.materialize(name, select)

    def count(self, relation: str) -> int:
        return int(self.rows(f"SELECT count(*) FROM {relation}")[0][0])

    def provably_clean(self, raw: RawInput, required: list[str]) -> bool:
        return False

    def never_empty(self, raw: RawInput, columns: list[str]) -> set[str]:
        return set()

    def within_years(self, raw: RawInput, column: str) -> bool:
        return False  # no file statistics read here: typed instants are checked row by row

    def drop(self, name: str) -> None:
        self.conn.execute(f"DROP TABLE IF EXISTS pg_temp.{q(name)}")


class PostgresEngine(Engine):
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
            self.conn: Any = psycopg.connect(dsn, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            first = (str(exc).strip().splitlines() or ["connection failed"])[0]
            raise LeadscoreError.simple(
                "P002",
                f"cannot connect to PostgreSQL: {first}",
                "check --db (postgresql://user@host:5432/database) and that the server runs",
            ) from None
        self.conn.execute("SET TIME ZONE 'UTC'")
        self._check_locale()
        self.conn.execute(PostgresTyping.SETUP)
        self.executor = PostgresExecutor(self.conn)

    def _check_locale(self) -> None:
        encoding = self.conn.execute("SELECT current_setting('server_encoding')").fetchone()[0]
        if encoding != "UTF8":  # (a LATIN1 database cannot even hold the test text below)
            raise LeadscoreError.simple(
                "P003", f"this database's encoding is {encoding}; leadscore needs UTF-8 text", LOCALE_HINT
            )
        lowered = self.conn.execute("SELECT lower('ŁÓDŹ ΣΑΣ')").fetchone()[0]
        if lowered != "łódź σασ":
            raise LeadscoreError.simple(
                "P003",
                f"this database lower-cases text differently from the other engines (encoding {encoding}, lower('ŁÓDŹ ΣΑΣ') = '{lowered}')",
                LOCALE_HINT,
            )

    def load_files(
        self,
        contacts: Path,
        events: Path | None,
        spec: ContactSpec,
        properties: tuple[str, ...],
        step: Step,
        late_duplicates: bool = False,  # only the embedded engine drops them late (see normalize_events)
    ) -> LoadReport:
        from leadscore.engines.duckdb_engine import DuckDBEngine

        local = DuckDBEngine()
        local.executor.refuse_nul = True  # a NUL in a text value is a bad row: no text here holds one
        try:
            report = local.load_files(contacts, events, spec, properties, step)
            step("copying the rows into PostgreSQL")
            self.load_arrow("contacts", local.fetch_arrow("SELECT * FROM contacts"))
            self.load_arrow("events", local.fetch_arrow("SELECT * FROM events"))
        finally:
            local.close()
        return report

    def load_arrow(self, name: str, table: pa.Table) -> None:
        """A temporary table filled by COPY (CSV written by Arrow, parsed by the server)."""
        import pyarrow.csv as pacsv

        cols = ", ".join(f"{q(f.name)} {_pg_type(f.type)}" for f in table.schema)
        self.conn.execute(f"DROP TABLE IF EXISTS pg_temp.{q(name)}")
        self.conn.execute(f"CREATE TEMP TABLE {q(name)} ({cols})")
        names = ", ".join(q(f.name) for f in table.schema)
        with self.conn.cursor() as cur, cur.copy(f"COPY {q(name)} ({names}) FROM STDIN (FORMAT csv)") as copy:
            for batch in table.to_batches(max_chunksize=200_000):
                buf = io.BytesIO()
                pacsv.write_csv(
                    pa.Table.from_batches([batch], table.schema),
                    buf,
                    pacsv.WriteOptions(include_header=False),
                )
                copy.write(buf.getvalue())
        self.conn.execute(f"ANALYZE pg_temp.{q(name)}")

    def fetch_arrow(self, sql: str) -> pa.Table:
        with self.conn.cursor() as cur:
            cur.execute(sql)
            names = [d.name for d in cur.description]
            rows = cur.fetchall()
        return pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)})

    def write_scores_table(self, name: str) -> None:
        import psycopg

        target = self.table_ref(name)
        staging = self.table_ref(name + "__leadscore_new")
        try:
            with self.conn.transaction():
                self.conn.execute(f"DROP TABLE IF EXISTS {staging}")
                self.conn.execute(f"CREATE TABLE {staging} AS SELECT * FROM pg_temp.scores")
                self.conn.execute(f"DROP TABLE IF EXISTS {target}")
                self.conn.execute(f"ALTER TABLE {staging} RENAME TO {q(name.split('.')[-1])}")
        except (psycopg.errors.WrongObjectType, psycopg.errors.InvalidSchemaName) as exc:
            raise LeadscoreError.simple(
                "C006", f"--out-table: cannot write the table {name} ({str(exc).splitlines()[0]})",
                "name a table in a schema that exists (schema.table), or a new table name",
            ) from None  # fmt: skip

    def same_table(self, a: str, b: str) -> bool:
        """PostgreSQL resolves the names itself (the search path, a schema left out)."""
        row = self.conn.execute(
            "SELECT to_regclass(%s) = to_regclass(%s)", [self.table_ref(a), self.table_ref(b)]
        ).fetchone()
        return bool(row and row[0])

    def query_errors(self) -> tuple[type[BaseException], ...]:
        import psycopg

        return (psycopg.Error,)

    def score(self, cm: Any, layout: Any, as_of_us: int) -> pa.Table:
        return self.fetch_arrow(self.score_sql(cm, layout, as_of_us))

    def close(self) -> None:
        self.conn.close()
