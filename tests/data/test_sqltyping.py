"""How typed columns read as text (data/sqltyping.py), the same on every engine.

A double reads as a decimal literal without an exponent that gives the double back; a
timestamp as ISO 8601 in UTC. Each engine's own text differs (1.2345678E7, 1e+16, 150), and
text compares with a number only as a decimal literal (SPEC §3a), so the text must not.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadscore.data.sqltyping import PostgresTyping, SparkTyping, Typing
from leadscore.durations import format_instant
from leadscore.reference.values import DECIMAL_LITERAL

FINITE = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 0.1, 150.0, 1e7, 12345678.5, 1e15, 1e16, 1.5e-5, 1e-7, 2.5e20, 5e-324]),
)


def decimal_literal_of(x: float, text: str) -> None:
    assert re.fullmatch(DECIMAL_LITERAL, text), (x, text)
    assert float(text) == x, (x, text)  # the engine's digits give the double back
    assert "." in text


def duckdb_texts(values: list[float]) -> list[str]:
    import duckdb

    con = duckdb.connect()
    sql = f"SELECT {Typing().float_text('x')} FROM unnest(?::DOUBLE[]) t(x)"
    return [r[0] for r in con.execute(sql, [values]).fetchall()]


@given(st.lists(FINITE, min_size=1, max_size=50))
def test_duckdb_writes_every_double_as_a_decimal_literal(values: list[float]) -> None:
    for x, text in zip(values, duckdb_texts(values), strict=True):
        decimal_literal_of(x, text)


@given(FINITE)
def test_the_text_is_the_shortest_digits_written_out(x: float) -> None:
    # DuckDB writes the shortest digits that give the double back, as Python's repr does
    [text] = duckdb_texts([x])
    digits = repr(x).replace("-", "").split("e")[0].replace(".", "").strip("0") or "0"
    assert (text.replace("-", "").replace(".", "").strip("0") or "0") == digits, (x, text)


VALUES = [0.0, 0.1, -0.5, 150.0, 1e7, 12345678.5, 1e15, 1e16, 1.5e-5, 1e-7, -2.5e20, 123.456, 1e300, 2.0**-40]


def test_postgres_writes_doubles_as_duckdb_does(pg_dsn: str) -> None:
    import psycopg

    sql = f"SELECT {PostgresTyping().float_text('x')} FROM unnest(%s::float8[]) WITH ORDINALITY t(x, i) ORDER BY i"
    with psycopg.connect(pg_dsn) as con:
        got = [r[0] for r in con.execute(sql, [VALUES]).fetchall()]
    assert got == duckdb_texts(VALUES)


def test_spark_writes_doubles_as_duckdb_does(spark_session: Any) -> None:
    rows = ", ".join(f"({i}, CAST({x!r} AS DOUBLE))" for i, x in enumerate(VALUES))
    sql = f"SELECT {SparkTyping().float_text('x')} AS t FROM VALUES {rows} AS v(i, x) ORDER BY i"
    got = [r[0] for r in spark_session.sql(sql).collect()]
    assert got == duckdb_texts(VALUES)


INSTANTS = [
    datetime(2026, 5, 20, 10, 30, tzinfo=UTC),
    datetime(2026, 5, 20, 10, 30, 0, 250_000, tzinfo=UTC),
    datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    datetime(1000, 1, 1, tzinfo=UTC),
]


@pytest.mark.parametrize("engine", ["duckdb", "postgres", "spark"])
def test_timestamps_read_as_leadscore_writes_instants(engine: str, request: pytest.FixtureRequest) -> None:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    micros = [(t - epoch) // timedelta(microseconds=1) for t in INSTANTS]
    expected = [format_instant(us) for us in micros]
    if engine == "duckdb":
        import duckdb

        t = Typing()
        sql = f"SELECT {t.instant_text('make_timestamp(us)')} FROM unnest(?::BIGINT[]) WITH ORDINALITY u(us, i) ORDER BY i"
        got = [r[0] for r in duckdb.connect().execute(sql, [micros]).fetchall()]
    elif engine == "postgres":
        import psycopg

        # the statement holds a % (no parameters, so psycopg leaves it alone)
        ts = "(TIMESTAMP '1970-01-01' + us * INTERVAL '1 microsecond')"
        values = ", ".join(f"({i}, {us})" for i, us in enumerate(micros))
        sql = f"SELECT {PostgresTyping().instant_text(ts)} FROM (VALUES {values}) AS v(i, us) ORDER BY i"
        with psycopg.connect(request.getfixturevalue("pg_dsn")) as con:
            got = [r[0] for r in con.execute(sql.encode()).fetchall()]
    else:
        spark = request.getfixturevalue("spark_session")
        rows = ", ".join(f"({i}, timestamp_micros({us}))" for i, us in enumerate(micros))
        sql = f"SELECT {SparkTyping().instant_text('ts')} AS t FROM VALUES {rows} AS v(i, ts) ORDER BY i"
        got = [r[0] for r in spark.sql(sql).collect()]
    assert got == expected
