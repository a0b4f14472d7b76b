"""Engines as users run them: files and tables in, files and tables out, on real servers.

Every engine must produce the embedded engine's scores for the same inputs (and the embedded
engine is held to the reference elsewhere); PostgreSQL reads existing tables and replaces its
output table atomically; Spark reads CSV, JSON Lines and folders of Parquet part files itself.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from leadscore.app import Application, EngineOptions, Inputs
from leadscore.diagnostics import LeadscoreError
from leadscore.durations import parse_instant
from tests.conftest import FIXTURES

MODEL = FIXTURES / "spec_example.yaml"
AS_OF = parse_instant("2026-01-01T00:00:00Z")
AS_OF_LATER = parse_instant("2026-06-01T00:00:00Z")
CONTACTS = """contact_id,country,employees,job_title,industry,age,budget
c1,PL,200,VP Sales,SaaS,40,20000
c2,US,abc,,software,17,
c3,NO,12,Head of Growth,,30,1e4
c4,DE,500,chief ŁÓDŹ,software,52,
c5,UK,,,,19,10000
"""
EVENTS = """event_id,contact_id,type,timestamp,url,form,is_bot
e1,c1,demo_request,2025-12-22T00:00:00Z,,,
e2,c1,email_click,2025-12-02T00:00:00+02:00,,,
e3,c1,page_view,2025-12-30T10:00:00Z,https://a.example/pricing,,
e4,c3,page_view,2025-12-30T10:00:00Z,https://a.example/careers,,
e5,c3,email_click,2025-12-31T10:00:00Z,,,true
e6,c1,form_submit,not-a-date,,newsletter,
e7,c4,form_submit,2025-11-01T00:00:00-05:00,,Newsletter,
e7,c4,form_submit,2025-11-02T00:00:00Z,,newsletter,
e8,c9,demo_request,2025-12-30,,,
e9,c5,email_click,2025-12-31T23:59:59.999999Z,,,FALSE
"""


def typed_contacts() -> pa.Table:
    """CONTACTS without c2 (its employees 'abc' cannot be typed), as typed Parquet columns."""
    return pa.table(
        {
            "contact_id": ["c1", "c3", "c4", "c5"],
            "country": ["PL", "NO", "DE", "UK"],
            "employees": pa.array([200, 12, 500, None], pa.int64()),
            "job_title": ["VP Sales", "Head of Growth", "chief ŁÓDŹ", None],
            "industry": ["SaaS", None, "software", None],
            "age": pa.array([40, 30, 52, 19], pa.int64()),
            "budget": pa.array([20000.0, 10000.0, None, 10000.0]),
        }
    )


def rows_of(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (r["contact_id"], r["program"]): r for r in (json.loads(x) for x in path.read_text().splitlines())
    }


def same(a: dict[tuple[str, str], dict[str, Any]], b: dict[tuple[str, str], dict[str, Any]]) -> None:
    assert a.keys() == b.keys()
    for k in a:
        for col, v in a[k].items():
            w = b[k][col]
            if isinstance(v, float):
                assert math.isclose(v, w, abs_tol=1e-6), (k, col, v, w)
            else:
                assert v == w, (k, col, v, w)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "contacts.csv").write_text(CONTACTS)
    (tmp_path / "events.csv").write_text(EVENTS)
    return tmp_path


def embedded(files: Path) -> dict[tuple[str, str], dict[str, Any]]:
    out = files / "duckdb.jsonl"
    Application().score(MODEL, files / "contacts.csv", files / "events.csv", AS_OF, out, rules=True)
    return rows_of(out)


def test_postgres_scores_files_like_the_embedded_engine(files: Path, pg_dsn: str) -> None:
    out = files / "pg.jsonl"
    result = Application().score(
        MODEL,
        files / "contacts.csv",
        files / "events.csv",
        AS_OF,
        out,
        rules=True,
        engine=EngineOptions("postgres", pg_dsn),
    )
    same(rows_of(out), embedded(files))
    assert result.report.bad_total == 2  # c2's employees, e6's timestamp: judged by the same loader
    assert result.report.unknown_contact_events == 1


def test_postgres_scores_parquet_files_like_the_embedded_engine(files: Path, pg_dsn: str) -> None:
    """Parquet inputs carry a (file, row) position column that must survive the COPY."""
    import duckdb

    con = duckdb.connect()
    for name in ("contacts", "events"):
        con.execute(
            f"COPY (SELECT * FROM read_csv('{files / name}.csv', all_varchar=true)) TO '{files / name}.parquet' (FORMAT parquet)"
        )
    out = files / "pg_parquet.jsonl"
    Application().score(
        MODEL,
        files / "contacts.parquet",
        files / "events.parquet",
        AS_OF,
        out,
        rules=True,
        engine=EngineOptions("postgres", pg_dsn),
    )
    same(rows_of(out), embedded(files))


EDGE_TIMES = """event_id,contact_id,type,timestamp,url,form,is_bot
e1,c1,email_click,2025-12-31T00:00:00+18:00,,,
e2,c3,email_click,2025-12-30T23:59:59.5-18:00,,,
e3,c4,email_click,2025-12-20T00:00:00-0800,,,
e4,c5,email_click,2025-12-20 09:30:00 UTC,,,
e5,c1,email_click,2025-12-10T23:59:00+17:59,,,
e6,c3,email_click,2025-12-10T00:00:00+18:30,,,
e7,c4,email_click,2025-12-10T00:00:00+99:99,,,
e8,c5,email_click,2025-12-10T24:00:00Z,,,
e9,c1,email_click,2025-02-30T00:00:00Z,,,
e10,c3,email_click,0999-12-31T00:00:00Z,,,
e11,c4,email_click,2025-12-10T10:00:00 +02:00,,,
e12,c5,email_click,2025-12-10T10:00 -05,,,
e13,c1,email_click,2025-12-10 10:00:00UTC,,,
e14,c3,email_click,2025-12-10+02:00,,,
e15,c4,email_click,2025-12-10T10:00:00z,,,
e16,c5,email_click,2025-12-10T10:00-05:00,,,
"""


@pytest.mark.parametrize("engine", ["postgres", "spark"])
def test_timestamps_at_the_edges_read_alike_on_every_engine(
    files: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    """Offsets of ±18:00, fractions, a UTC suffix: the same instants (a half-life rule's value
    shows any shift); `+18:30`, `+99:99`, `T24:00`, a space before an offset, a zone after a bare
    date, February 30th and the year 999 are bad rows on every engine, for the same reasons."""
    options = EngineOptions("postgres", request.getfixturevalue("pg_dsn"))
    if engine == "spark":
        request.getfixturevalue("spark_session")
        options = EngineOptions("spark")
    (files / "events.csv").write_text(EDGE_TIMES)
    out = files / f"{engine}_edges.jsonl"
    result = Application().score(
        MODEL, files / "contacts.csv", files / "events.csv", AS_OF, out, True, engine=options
    )
    # Spark names the event (it does not know the line); PostgreSQL, like DuckDB, gives the line
    bad = sorted(re.sub(r"^event_id 'e[0-9]+': ", "", b.reason) for b in result.report.files[1].bad)
    form = "is not a timestamp of the form 2026-01-01T09:30:00Z (ISO 8601 extended)"
    assert bad == sorted(
        [
            f"timestamp: '2025-12-10T00:00:00+18:30' {form}",
            f"timestamp: '2025-12-10T00:00:00+99:99' {form}",
            f"timestamp: '2025-12-10T24:00:00Z' {form}",
            # Spark read the first three, which DuckDB and PostgreSQL refused (as not a day)
            f"timestamp: '2025-12-10T10:00:00 +02:00' {form}",
            f"timestamp: '2025-12-10T10:00 -05' {form}",
            f"timestamp: '2025-12-10 10:00:00UTC' {form}",
            f"timestamp: '2025-12-10+02:00' {form}",
            f"timestamp: '2025-12-10T10:00:00z' {form}",
            "timestamp: '2025-02-30T00:00:00Z' is not a day of the calendar (a month from 1 to 12, a day the month has)",
            "timestamp: '0999-12-31T00:00:00Z' is outside the years 1000 to 9999",
        ]
    )
    same(rows_of(out), embedded(files))
    assert all(r["rule:email_click"] > 0 for k, r in rows_of(out).items() if k[0] in ("c1", "c3", "c4", "c5"))


def test_a_duckdb_file_keeps_the_users_tables_named_like_leadscores_relations(files: Path) -> None:
    """leadscore's relations (contacts, events, …) are temporary: scoring files with --db must
    not drop a table of the user's that has one of their names, and such tables read as input."""
    import duckdb

    db = files / "crm.duckdb"
    with duckdb.connect(str(db)) as con:
        for name in ("contacts", "events"):
            con.execute(
                f"CREATE TABLE {name} AS SELECT * FROM read_csv('{files / name}.csv', all_varchar=true)"
            )
        con.execute("CREATE TABLE staged_contacts AS SELECT 'mine' AS note")
    out = files / "db.jsonl"
    engine = EngineOptions("duckdb", str(db))
    Application().score(MODEL, files / "contacts.csv", files / "events.csv", AS_OF, out, True, engine=engine)
    same(rows_of(out), embedded(files))
    tables = Inputs(contacts_table="contacts", events_table="events")
    Application().score(MODEL, None, None, AS_OF, out, True, engine=engine, tables=tables)
    same(rows_of(out), embedded(files))
    with duckdb.connect(str(db)) as con:
        names = {
            r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall()
        }
        assert names == {"contacts", "events", "staged_contacts"}
        assert con.execute("SELECT count(*) FROM contacts").fetchall() == [(5,)]
        assert con.execute("SELECT note FROM staged_contacts").fetchall() == [("mine",)]


def test_postgres_reads_tables_and_replaces_the_output_table(files: Path, pg_dsn: str) -> None:
    import psycopg

    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS crm CASCADE")
        conn.execute("CREATE SCHEMA crm")
        # typed columns, as a CRM export usually has them (c2's bad employees value cannot exist here)
        conn.execute(
            "CREATE TABLE crm.contacts (contact_id text, country text, employees int, job_title text, industry text, age int, budget numeric)"
        )
        conn.execute(
            "INSERT INTO crm.contacts VALUES ('c1','PL',200,'VP Sales','SaaS',40,20000), ('c3','NO',12,'Head of Growth',NULL,30,10000),"
            " ('c4','DE',500,'chief ŁÓDŹ','software',52,NULL), ('c5','UK',NULL,NULL,NULL,19,10000)"
        )
        conn.execute(
            "CREATE TABLE crm.events (event_id text, contact_id text, type text, timestamp timestamptz, url text, form text, is_bot text, ingested bigint)"
        )
        rows = [r.split(",") for r in EVENTS.strip().splitlines()[1:] if "not-a-date" not in r]
        for i, r in enumerate(rows):
            conn.execute(
                "INSERT INTO crm.events VALUES (%s,%s,%s,%s,%s,%s,%s,%s)", [x or None for x in r] + [i]
            )
        conn.execute("CREATE TABLE crm.lead_scores AS SELECT 1 AS stale")
    app = Application()
    tables = Inputs(contacts_table="crm.contacts", events_table="crm.events", order_by="ingested")
    app.score(
        MODEL,
        None,
        None,
        AS_OF,
        None,
        rules=True,
        engine=EngineOptions("postgres", pg_dsn),
        tables=tables,
        out_table="crm.lead_scores",
    )
    with psycopg.connect(pg_dsn) as conn:
        cur = conn.execute("SELECT * FROM crm.lead_scores ORDER BY contact_id")
        assert cur.description is not None
        names = [d.name for d in cur.description]
        got = {(r[0], r[1]): dict(zip(names, r, strict=True)) for r in cur.fetchall()}
    assert "stale" not in names  # replaced, not appended to
    expected = {k: v for k, v in embedded(files).items() if k[0] != "c2"}
    same(got, expected)


@pytest.mark.parametrize("encoding", ["UTF8", "LATIN1"])
def test_postgres_refuses_a_database_that_lowercases_ascii_only(pg_dsn: str, encoding: str) -> None:
    """A LATIN1 database gave a Python traceback (UnicodeEncodeError) instead of P003."""
    import psycopg

    admin_dsn = pg_dsn.rsplit("/", 1)[0] + "/test"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS leadscore_c_locale")
        conn.execute(
            f"CREATE DATABASE leadscore_c_locale ENCODING '{encoding}' LC_CTYPE 'C' LC_COLLATE 'C' TEMPLATE template0"
        )
    try:
        from leadscore.engines.postgres_engine import PostgresEngine

        with pytest.raises(LeadscoreError) as info:
            PostgresEngine(pg_dsn.rsplit("/", 1)[0] + "/leadscore_c_locale")
        assert info.value.diagnostics[0].code == "P003"
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS leadscore_c_locale WITH (FORCE)")


def test_spark_reads_csv_jsonl_and_parquet_parts_itself(files: Path, spark_session: Any) -> None:
    expected = embedded(files)
    spark = EngineOptions("spark")
    app = Application()
    out = files / "spark_csv.jsonl"
    result = app.score(
        MODEL, files / "contacts.csv", files / "events.csv", AS_OF, out, rules=True, engine=spark
    )
    same(rows_of(out), expected)
    assert result.report.bad_total == 2
    assert result.report.unknown_contact_events == 1
    # JSON Lines events with a properties object; Parquet contacts as a folder of part files
    with open(files / "events.jsonl", "w") as f:
        for r in EVENTS.strip().splitlines()[1:]:
            eid, cid, typ, ts, url, form, bot = r.split(",")
            props = {k: v for k, v in (("url", url), ("form", form), ("is_bot", bot)) if v}
            f.write(
                json.dumps(
                    {"event_id": eid, "contact_id": cid, "type": typ, "timestamp": ts, "properties": props}
                )
                + "\n"
            )
    parts = files / "contacts_parquet"
    parts.mkdir()
    table = typed_contacts()
    pq.write_table(table.slice(0, 2), parts / "part-0.parquet")
    pq.write_table(table.slice(2), parts / "part-1.parquet")
    out = files / "spark_mixed.jsonl"
    app.score(MODEL, parts, files / "events.jsonl", AS_OF, out, rules=True, engine=spark)
    same(rows_of(out), {k: v for k, v in expected.items() if k[0] != "c2"})


def _nested_parts(files: Path) -> tuple[Path, Path]:
    """The contacts (c2 aside) as a folder with parts in a plain subfolder, and as Hive
    partitions by country (`.pq` parts); a `_SUCCESS` file and a `_temporary/` folder beside them."""
    table = typed_contacts()
    nested, hive = files / "nested", files / "hive"
    (nested / "sub").mkdir(parents=True)
    pq.write_table(table.slice(0, 2), nested / "part-0.parquet")
    pq.write_table(table.slice(2), nested / "sub" / "part-1.parquet")
    for row in range(4):
        folder = hive / f"country={table['country'][row]}"
        folder.mkdir(parents=True)
        pq.write_table(table.slice(row, 1).drop_columns(["country"]), folder / "part-0.pq")
    for folder in (nested, hive):
        (folder / "_SUCCESS").write_text("")
        (folder / "_temporary").mkdir()
        (folder / "_temporary" / "part-9.parquet").write_bytes(b"not parquet: a job's leftovers")
    return nested, hive


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_every_part_of_a_parquet_folder_is_read_subfolders_and_partitions_too(
    files: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    if engine == "spark":
        request.getfixturevalue("spark_session")
    expected = {k: v for k, v in embedded(files).items() if k[0] != "c2"}
    for folder in _nested_parts(files):
        out = files / f"{engine}_{folder.name}.jsonl"
        result = Application().score(
            MODEL, folder, files / "events.csv", AS_OF, out, rules=True, engine=EngineOptions(engine)
        )
        assert result.report.files[0].rows == 4, folder.name
        same(rows_of(out), expected)


def test_spark_reports_bad_rows_by_id_where_lines_are_unknown(files: Path, spark_session: Any) -> None:
    result = Application().score(
        MODEL,
        files / "contacts.csv",
        files / "events.csv",
        AS_OF,
        files / "o.csv",
        engine=EngineOptions("spark"),
    )
    reasons = sorted(b.reason for f in result.report.files for b in f.bad)
    assert reasons == [
        "contact_id 'c2': employees: 'abc' is not a whole number",
        "event_id 'e6': timestamp: 'not-a-date' is not a timestamp of the form 2026-01-01T09:30:00Z (ISO 8601 extended)",
    ]


def test_spark_refuses_columns_differing_only_in_case(files: Path, spark_session: Any) -> None:
    # Spark, like DuckDB, compares column names without case: a rule on 'industry' could read
    # 'Industry'; the file is refused as on the embedded engine (D004)
    (files / "clash.csv").write_text("contact_id,Industry,industry\nc1,SaaS,finance\n", encoding="utf-8")
    pq.write_table(
        pa.table({"contact_id": ["c1"], "Industry": ["a"], "industry": ["b"]}), files / "clash.parquet"
    )
    for name in ("clash.csv", "clash.parquet"):
        with pytest.raises(LeadscoreError) as info:
            Application().score(MODEL, files / name, files / "events.csv", AS_OF, files / "o.csv",
                                engine=EngineOptions("spark"))  # fmt: skip
        assert info.value.diagnostics[0].code == "D004"
        assert "Industry/industry" in info.value.diagnostics[0].message


@pytest.mark.parametrize("engine", ["postgres", "spark"])
def test_whole_numbers_beyond_64_bits_are_bad_rows_on_every_engine(
    files: Path, engine: str, request: Any
) -> None:
    # a double column read into an integer field: 1e30 is whole but no 64-bit integer (Spark's
    # floor() of it overflowed, DuckDB's and PostgreSQL's casts did)
    request.getfixturevalue("pg_dsn" if engine == "postgres" else "spark_session")
    table = pa.table({"contact_id": ["c1", "c2", "c3"], "employees": [1e30, 200.0, 2.5]})
    pq.write_table(table, files / "wide.parquet")
    options = (
        EngineOptions(engine, request.getfixturevalue("pg_dsn"))
        if engine == "postgres"
        else EngineOptions(engine)
    )
    result = Application().score(MODEL, files / "wide.parquet", files / "events.csv", AS_OF, files / "o.jsonl",
                                 engine=options)  # fmt: skip
    assert sorted(rows_of(files / "o.jsonl")) == [("c2", "main")]
    reasons = [b.reason for f in result.report.files for b in f.bad if f.kind == "contacts"]
    assert len(reasons) == 2
    assert "beyond 64 bits" in reasons[0] or "beyond 64 bits" in reasons[1]
    assert any(r.endswith("is not a whole number") for r in reasons)


def test_engine_errors_are_user_errors(files: Path) -> None:
    app = Application()
    with pytest.raises(LeadscoreError) as info:
        app.score(
            MODEL,
            files / "contacts.csv",
            None,
            AS_OF,
            None,
            engine=EngineOptions("postgres", "postgresql://nobody@127.0.0.1:1/none"),
        )
    assert info.value.diagnostics[0].code == "P002"
    with pytest.raises(LeadscoreError) as info:
        app.score(
            MODEL,
            files / "contacts.csv",
            None,
            AS_OF,
            None,
            tables=Inputs(contacts=files / "contacts.csv", contacts_table="x"),
        )
    assert info.value.diagnostics[0].code == "C002"
    # files as arguments beside tables: C002 too (they were ignored: C003 "no contacts given")
    for contacts_table in ("x", None):
        with pytest.raises(LeadscoreError) as info:
            app.score(
                MODEL, files / "contacts.csv", None, AS_OF, None,
                tables=Inputs(contacts_table=contacts_table, events_table="ev"),
            )  # fmt: skip
        assert info.value.diagnostics[0].code == "C002"


def engine_options(engine: str, request: pytest.FixtureRequest) -> EngineOptions:
    """The options of `engine`, its server or session started (or the test skipped) first."""
    if engine == "postgres":
        return EngineOptions("postgres", request.getfixturevalue("pg_dsn"))
    if engine == "spark":
        request.getfixturevalue("spark_session")
        return EngineOptions("spark")
    return EngineOptions(engine)


def engagement_model(name: str, *rules: str) -> str:
    """A model of one engagement category holding `rules` (flow-style YAML, one per line)."""
    lines = "".join(f"              - {r}\n" for r in rules)
    return (
        f"model: {name}\nversion: 1\nprograms:\n  - id: main\n    dimensions:\n      engagement:\n"
        f"        categories:\n          all:\n            rules:\n{lines}"
    )


AMOUNTS_MODEL = engagement_model(
    "amounts",
    "{id: big, event: purchase, where: {field: amount, gt: 100}, points: 1}",
    "{id: any, event: purchase, where: {field: amount, gt: 0}, points: 10}",
    '{id: text, event: purchase, where: {field: amount, eq: "12345678.0"}, points: 100}',
)


def write_model(tmp_path: Path, text: str = AMOUNTS_MODEL, fields: str = "") -> Path:
    """`text` (the amounts model by default) as m.yaml, with `fields: {<fields>}` when given."""
    if fields:
        text = text.replace("version: 1\n", f"version: 1\nfields: {{{fields}}}\n")
    model = tmp_path / "m.yaml"
    model.write_text(text, encoding="utf-8")
    return model


@pytest.mark.parametrize("engine", ["duckdb", "postgres", "spark"])
def test_a_typed_number_property_reads_as_a_decimal_literal_on_every_engine(
    tmp_path: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    """A Parquet double property is text (SPEC §3a) written without an exponent, the same on
    every engine; Spark wrote 1.2345678E7, which no longer compared with a number."""
    options = engine_options(engine, request)
    amounts = {"c1": 12345678.0, "c2": 1e16, "c3": 1.5e-5, "c4": 150.0, "c5": -2.5e20, "c6": 50.5}
    model = write_model(tmp_path)
    pq.write_table(pa.table({"contact_id": list(amounts)}), tmp_path / "contacts.parquet")
    n = len(amounts)
    events = {
        "event_id": [f"e{i}" for i in range(n)],
        "contact_id": list(amounts),
        "type": ["purchase"] * n,
        "timestamp": ["2025-12-01T00:00:00Z"] * n,
        "amount": pa.array(list(amounts.values()), pa.float64()),
    }
    pq.write_table(pa.table(events), tmp_path / "events.parquet")
    out = tmp_path / "o.jsonl"
    Application().score(
        model, tmp_path / "contacts.parquet", tmp_path / "events.parquet", AS_OF, out, True, engine=options
    )
    got = {k[0]: r["points"] for k, r in rows_of(out).items()}
    assert got == {"c1": 111, "c2": 11, "c3": 10, "c4": 11, "c5": 0, "c6": 10}


@pytest.mark.parametrize("engine", ["duckdb", "postgres", "spark"])
def test_a_decimal_text_beyond_the_doubles_range_compares_as_infinity_or_zero(
    tmp_path: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    """PostgreSQL stopped with a traceback (NumericValueOutOfRange) on a property written with
    more digits than a double holds ("1" and 310 zeros, "0." and 400 zeros and "1"), where the
    reference and the other engines read ±infinity and 0."""
    options = engine_options(engine, request)
    model = write_model(tmp_path, engagement_model(
        "range",
        "{id: big, event: purchase, where: {field: amount, gt: 100}, points: 100}",
        "{id: tiny, event: purchase, where: {field: amount, lt: 0.0000001}, points: 1}",
        "{id: least, event: purchase, where: {field: amount, gt: 0}, points: 10}",
    ))  # fmt: skip
    amounts = {
        "c1": "1" + "0" * 310,  # beyond the largest double: infinity
        "c2": "0." + "0" * 400 + "1",  # below the least: 0
        "c3": "-1" + "0" * 310,  # -infinity
        "c4": "0." + "0" * 323 + "5",  # 5e-324 rounds to the least double, not 0
        "c5": "150",
    }
    (tmp_path / "c.csv").write_text("contact_id\n" + "".join(f"{c}\n" for c in amounts))
    (tmp_path / "e.csv").write_text(
        "event_id,contact_id,type,timestamp,amount\n"
        + "".join(f"e{c},{c},purchase,2025-12-01T00:00:00Z,{a}\n" for c, a in amounts.items())
    )
    out = tmp_path / "o.jsonl"
    Application().score(model, tmp_path / "c.csv", tmp_path / "e.csv", AS_OF, out, engine=options)
    got = {k[0]: r["points"] for k, r in rows_of(out).items()}
    assert got == {"c1": 110, "c2": 1, "c3": 1, "c4": 11, "c5": 110}


STAMPS_MODEL = engagement_model(
    "stamps",
    '{id: iso, event: visit, where: {field: at, eq: "2026-05-20T10:30:00Z"}, points: 1}',
    '{id: micro, event: visit, where: {field: at, ends_with: ".250000Z"}, points: 10}',
    '{id: day, event: visit, where: {field: on, eq: "2026-05-20"}, points: 100}',
)


@pytest.mark.parametrize("engine", ["duckdb", "postgres", "spark"])
@pytest.mark.parametrize("tz", ["UTC", None])
def test_a_typed_timestamp_property_reads_as_iso_8601_utc_on_every_engine(
    tmp_path: Path, engine: str, tz: str | None, request: pytest.FixtureRequest
) -> None:
    """A Parquet timestamp property is text written as leadscore writes instants
    (2026-05-20T10:30:00Z); the engines wrote `2026-05-20 10:30:00+00` or `2026-05-20 10:30:00`."""
    options = engine_options(engine, request)
    model = write_model(tmp_path, STAMPS_MODEL)
    pq.write_table(pa.table({"contact_id": ["c1", "c2"]}), tmp_path / "contacts.parquet")
    at = [1_779_273_000_000_000, 1_779_273_000_250_000]  # 2026-05-20T10:30:00Z, and .25 s later
    events = {
        "event_id": ["e1", "e2"],
        "contact_id": ["c1", "c2"],
        "type": ["visit", "visit"],
        "timestamp": ["2026-05-21T00:00:00Z"] * 2,
        "at": pa.array(at, pa.timestamp("us", tz=tz)),
        "on": pa.array([20_593, 20_594], pa.date32()),  # 2026-05-20, 2026-05-21
    }
    pq.write_table(pa.table(events), tmp_path / "events.parquet")
    out = tmp_path / "o.jsonl"
    Application().score(
        model,
        tmp_path / "contacts.parquet",
        tmp_path / "events.parquet",
        AS_OF_LATER,
        out,
        True,
        engine=options,
    )
    assert {k[0]: r["points"] for k, r in rows_of(out).items()} == {"c1": 101, "c2": 10}


@pytest.mark.parametrize("engine", ["duckdb", "postgres", "spark"])
def test_a_property_in_a_column_and_in_struct_properties_is_reported_on_every_engine(
    tmp_path: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    options = engine_options(engine, request)
    model = write_model(tmp_path)
    pq.write_table(pa.table({"contact_id": ["c1"]}), tmp_path / "contacts.parquet")
    events = {
        "event_id": ["e1"], "contact_id": ["c1"], "type": ["purchase"], "timestamp": ["2025-12-01T00:00:00Z"],
        "amount": ["500"], "properties": [{"amount": "5", "note": "x"}],
    }  # fmt: skip
    pq.write_table(pa.table(events), tmp_path / "events.parquet")
    out = tmp_path / "o.jsonl"
    result = Application().score(
        model, tmp_path / "contacts.parquet", tmp_path / "events.parquet", AS_OF, out, True, engine=options
    )
    assert [r["points"] for r in rows_of(out).values()] == [11]  # the column's 500, not 5
    assert [d.message for d in result.report.diagnostics() if d.code == "D107"] == [
        "'amount' is given both as a column and inside properties; the column is read"
    ]


NESTED = {
    "contact_id": ("contacts", {"contact_id": pa.array([["c1"]])}),
    "country": ("contacts", {"contact_id": ["c1"], "country": pa.array([{"code": "PL"}])}),
    "type": ("events", {"type": pa.array([["purchase"]])}),
    "amount": ("events", {"type": ["purchase"], "amount": pa.array([[5.0]])}),
}


@pytest.mark.parametrize("engine", ["duckdb", "postgres", "spark"])
@pytest.mark.parametrize("column", sorted(NESTED))
def test_a_column_of_lists_or_records_the_model_reads_is_a_file_problem_on_every_engine(
    tmp_path: Path, engine: str, column: str, request: pytest.FixtureRequest
) -> None:
    """A typed Parquet column of lists or records gave DuckDB a traceback (a list of text was
    taken for text) and was read as its printed text elsewhere; now D009 names it, on each engine."""
    options = engine_options(engine, request)
    model = write_model(tmp_path, fields="country: string")
    kind, columns = NESTED[column]
    contacts = columns if kind == "contacts" else {"contact_id": ["c1"], "tags": pa.array([["x"]])}
    events = {"event_id": ["e1"], "contact_id": ["c1"], "type": ["purchase"], "timestamp": ["2025-12-01T00:00:00Z"],
              **(columns if kind == "events" else {})}  # fmt: skip
    pq.write_table(pa.table(contacts), tmp_path / "contacts.parquet")
    pq.write_table(pa.table(events), tmp_path / "events.parquet")
    with pytest.raises(LeadscoreError) as info:
        Application().score(model, tmp_path / "contacts.parquet", tmp_path / "events.parquet", AS_OF,
                            tmp_path / "o.jsonl", engine=options)  # fmt: skip
    [d] = info.value.diagnostics
    assert (d.code, d.message) == (
        "D009",
        f"the column {column} holds lists or records, not one value per row",
    )
    assert d.location is not None
    assert d.location.file.endswith(f"{kind}.parquet")


def test_a_postgres_array_column_the_model_reads_is_a_file_problem(pg_dsn: str, tmp_path: Path) -> None:
    import psycopg

    model = write_model(tmp_path)
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS nested_contacts, nested_events")
        conn.execute("CREATE TABLE nested_contacts AS SELECT 'c1' AS contact_id, ARRAY['x'] AS tags")
        conn.execute("CREATE TABLE nested_events AS SELECT 'e1' AS event_id, 'c1' AS contact_id, 'purchase' AS type, "
                     "TIMESTAMPTZ '2025-12-01 00:00:00+00' AS timestamp, ARRAY['5'] AS amount")  # fmt: skip
    try:
        with pytest.raises(LeadscoreError) as info:
            Application().score(model, None, None, AS_OF, tmp_path / "o.jsonl",
                                engine=EngineOptions("postgres", pg_dsn),
                                tables=Inputs(contacts_table="nested_contacts", events_table="nested_events"))  # fmt: skip
        assert [(d.code, d.message) for d in info.value.diagnostics] == [
            ("D009", "the column amount holds lists or records, not one value per row")
        ]
    finally:
        with psycopg.connect(pg_dsn, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS nested_contacts, nested_events")


def test_a_nul_character_is_a_bad_row_on_postgres(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """PostgreSQL text cannot hold NUL: the copy of a row holding one stopped the run with a
    traceback (CharacterNotInRepertoire); it is a bad row naming the column, the rest is scored."""
    options = engine_options("postgres", request)
    model = write_model(tmp_path)
    (tmp_path / "c.csv").write_bytes(b"contact_id,country\nc1,P\0L\nc2,PL\nc3\0,DE\n")
    (tmp_path / "e.csv").write_bytes(
        b"event_id,contact_id,type,timestamp,amount\n"
        b"e1,c2,purchase,2025-12-01T00:00:00Z,150\ne2,c2,purchase,2025-12-01T00:00:00Z,1\0\n"
    )
    out = tmp_path / "o.jsonl"
    result = Application().score(model, tmp_path / "c.csv", tmp_path / "e.csv", AS_OF, out, engine=options)
    assert {k[0]: r["points"] for k, r in rows_of(out).items()} == {"c2": 11}
    nul = "holds the NUL character (\\0), which PostgreSQL text cannot store"
    assert [(f.kind, b.line, b.reason) for f in result.report.files for b in f.bad] == [
        ("contacts", 2, f"country {nul}"),
        ("contacts", 4, f"contact_id {nul}"),
        ("events", 3, f"amount {nul}"),
    ]
