"""Reading input files alike on every engine: names alike but for case, nanosecond timestamps,
JSON Lines values that are lists or records, folders of Parquet parts, event types alike but for
case, keys given twice, bytes that are not UTF-8. Each test runs on the embedded engine, a real
PostgreSQL and a local Spark session (skipped when absent, failing under CI)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from leadscore.app import Application, EngineOptions, Inputs
from leadscore.diagnostics import LeadscoreError
from tests.engines.test_engine_io import AS_OF, engagement_model, engine_options, rows_of, write_model


@pytest.fixture(params=["duckdb", "postgres", "spark"])
def options(request: pytest.FixtureRequest) -> EngineOptions:
    """Each engine in turn, its server or session started first."""
    return engine_options(request.param, request)


def _text_file(path: Path, header: list[str], rows: list[list[str | None]]) -> Path:
    """A file in the format of `path`'s suffix (csv, jsonl or parquet), all columns text."""
    if path.suffix == ".csv":
        lines = [",".join(header), *(",".join(v or "" for v in r) for r in rows)]
        path.write_text("\n".join(lines) + "\n")
    elif path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(dict(zip(header, r, strict=True))) + "\n" for r in rows))
    else:
        columns = {h: [r[i] for r in rows] for i, h in enumerate(header)}
        pq.write_table(pa.table(columns), path)
    return path


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_a_case_pair_the_model_does_not_read_is_left_out_of_the_contacts(
    tmp_path: Path, fmt: str, options: EngineOptions
) -> None:
    """`Note`/`note` refused the file (D004), which is for columns the model reads; Spark
    refused such a pair in JSON Lines and Parquet files even then."""
    model = write_model(tmp_path, fields="country: string")
    contacts = _text_file(
        tmp_path / f"c.{fmt}",
        ["contact_id", "Note", "country", "note"],
        [["c1", "a", "PL", "b"], ["c2", None, "NO", None]],
    )
    (tmp_path / "e.csv").write_text(
        "event_id,contact_id,type,timestamp,amount\ne1,c1,purchase,2025-12-01T00:00:00Z,5\n"
    )
    out = tmp_path / "o.jsonl"
    Application().score(model, contacts, tmp_path / "e.csv", AS_OF, out, engine=options)
    assert {k[0]: r["points"] for k, r in rows_of(out).items()} == {"c1": 10, "c2": 0}
    contacts.unlink()
    contacts = _text_file(tmp_path / f"c2.{fmt}", ["contact_id", "Country", "country"], [["c1", "a", "PL"]])
    with pytest.raises(LeadscoreError) as info:
        Application().score(model, contacts, tmp_path / "e.csv", AS_OF, out, engine=options)
    assert [d.code for d in info.value.diagnostics] == ["D004"]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_a_case_pair_the_model_does_not_read_is_left_out_of_the_events(
    tmp_path: Path, fmt: str, options: EngineOptions
) -> None:
    model = write_model(tmp_path)
    (tmp_path / "c.csv").write_text("contact_id\nc1\nc2\n")
    header = ["event_id", "contact_id", "Note", "type", "timestamp", "amount", "note"]
    rows: list[list[str | None]] = [
        ["e1", "c1", "a", "purchase", "2025-12-01T00:00:00Z", "5", "b"],
        ["e2", "c2", None, "purchase", "2025-12-01T00:00:00Z", "500", None],
    ]
    events = _text_file(tmp_path / f"e.{fmt}", header, rows)
    out = tmp_path / "o.jsonl"
    Application().score(model, tmp_path / "c.csv", events, AS_OF, out, engine=options)
    assert {k[0]: r["points"] for k, r in rows_of(out).items()} == {"c1": 10, "c2": 11}
    events = _text_file(
        tmp_path / f"e2.{fmt}", [*header[:5], "Amount", "amount"], [[*r[:5], "1", "5"] for r in rows]
    )
    with pytest.raises(LeadscoreError) as info:
        Application().score(model, tmp_path / "c.csv", events, AS_OF, out, engine=options)
    assert [d.code for d in info.value.diagnostics] == ["D004"]


@pytest.mark.parametrize("tz", ["UTC", "Europe/Warsaw", None])
def test_nanosecond_parquet_timestamps_are_read_to_the_microsecond_below(
    tmp_path: Path, tz: str | None, options: EngineOptions
) -> None:
    """pandas writes a `datetime64[ns, UTC]` column as TIMESTAMP(NANOS) with a time zone: the
    embedded engine and PostgreSQL stopped with a Python traceback (no epoch_us of it)."""
    model = write_model(tmp_path, engagement_model("ns", "{id: p, event: purchase, points: 1}"))
    pq.write_table(pa.table({"contact_id": ["c1", "c2", "c3"]}), tmp_path / "c.parquet")
    at = AS_OF * 1000  # nanoseconds
    stamps = {
        "c1": at - 86_400_000_000_000,
        "c2": at + 500,
        "c3": at + 1000,
    }  # a day before, T + ½ µs, T + 1 µs
    pq.write_table(
        pa.table({
            "event_id": ["e1", "e2", "e3"],
            "contact_id": list(stamps),
            "type": ["purchase"] * 3,
            "timestamp": pa.array(list(stamps.values()), pa.timestamp("ns", tz=tz)),
        }),
        tmp_path / "e.parquet",
    )  # fmt: skip
    out = tmp_path / "o.jsonl"
    Application().score(model, tmp_path / "c.parquet", tmp_path / "e.parquet", AS_OF, out, engine=options)
    assert {k[0]: r["points"] for k, r in rows_of(out).items()} == {"c1": 1, "c2": 1, "c3": 0}


def test_json_lines_keys_the_model_does_not_read_may_hold_objects_and_arrays(
    tmp_path: Path, options: EngineOptions
) -> None:
    """A CRM export's `address` object or `tags` list made the whole contact a bad row (D101),
    although the model never reads them. A property the rules read that holds an array inside
    `properties` was matched as its JSON text, without a word; it is a bad row, as at the top.
    (Spark types a key by all lines: one holding a list in some lines and text in others is
    text there, documented.)"""
    model = write_model(tmp_path, fields="country: string")
    (tmp_path / "c.jsonl").write_text(
        '{"contact_id": "c1", "country": "PL", "address": {"city": "Kraków"}, "tags": ["vip", "emea"]}\n'
        '{"contact_id": "c2", "country": "NO", "tags": []}\n'
    )
    (tmp_path / "e.jsonl").write_text(
        '{"event_id": "e1", "contact_id": "c1", "type": "purchase", "timestamp": "2025-12-01T00:00:00Z",'
        ' "properties": {"context": {"ip": "10.0.0.1"}}}\n'
        '{"event_id": "e3", "contact_id": "c1", "type": "purchase", "timestamp": "2025-12-01T00:00:00Z"}\n'
        '{"event_id": "e2", "contact_id": "c2", "type": "purchase", "timestamp": "2025-12-01T00:00:00Z",'
        ' "properties": {"amount": ["500"]}}\n'
    )
    out = tmp_path / "o.jsonl"
    result = Application().score(
        model, tmp_path / "c.jsonl", tmp_path / "e.jsonl", AS_OF, out, engine=options
    )
    assert set(rows_of(out)) == {("c1", "main"), ("c2", "main")}
    bad = [b for f in result.report.files for b in f.bad]
    # Spark's JSON reader knows no line: it names the row by its id
    assert [(Path(b.file).name, re.sub(r"^event_id 'e2': ", "", b.reason)) for b in bad] == [
        ("e.jsonl", "properties.amount: an array where one value belongs")
    ]
    (tmp_path / "e2.jsonl").write_text(
        '{"event_id": "e1", "contact_id": "c1", "type": "purchase", "timestamp": "2025-12-01T00:00:00Z",'
        ' "amount": ["5"]}\n'
    )
    result = Application().score(
        model, tmp_path / "c.jsonl", tmp_path / "e2.jsonl", AS_OF, out, engine=options
    )
    bad = [b for f in result.report.files for b in f.bad]
    assert [re.sub(r"^event_id 'e1': ", "", b.reason) for b in bad] == [
        "amount: an array where one value belongs"
    ]


def test_a_bad_row_in_a_folder_of_parquet_parts_names_its_part(
    tmp_path: Path, options: EngineOptions
) -> None:
    """It was `contacts:2`, the row within its part but the folder's name: row 2 of the folder
    is another, good row."""
    model = write_model(tmp_path, fields="employees: integer")
    folder = tmp_path / "contacts"
    folder.mkdir()
    pq.write_table(pa.table({"contact_id": ["c1", "c2"], "employees": ["1", "2"]}), folder / "part-0.parquet")
    pq.write_table(pa.table({"contact_id": ["c3", "c4"], "employees": ["3", "x"]}), folder / "part-1.parquet")
    (tmp_path / "e.csv").write_text("event_id,contact_id,type,timestamp\n")
    out = tmp_path / "o.jsonl"
    result = Application().score(model, folder, tmp_path / "e.csv", AS_OF, out, engine=options)
    bad = [(Path(b.file).relative_to(tmp_path), b.line, b.reason) for f in result.report.files for b in f.bad]
    assert bad == [(Path("contacts/part-1.parquet"), 2, "employees: 'x' is not a whole number")]
    examples = next(f for f in result.report.files if f.kind == "contacts").to_json()["bad_examples"]
    assert [(Path(e["file"]).relative_to(tmp_path), e["line"]) for e in examples] == [
        (Path("contacts/part-1.parquet"), 2)
    ]


def test_event_types_alike_but_for_case_are_named_on_every_engine(
    tmp_path: Path, options: EngineOptions
) -> None:
    """PostgreSQL and Spark never gave D106: events of type `Purchase` were ignored without a word."""
    model = write_model(tmp_path)
    (tmp_path / "c.csv").write_text("contact_id\nc1\n")
    (tmp_path / "e.csv").write_text(
        "event_id,contact_id,type,timestamp,amount\n"
        "e1,c1,Purchase,2025-12-01T00:00:00Z,5\ne2,c1,purchase ,2025-12-01T00:00:00Z,5\n"
    )
    result = Application().score(
        model, tmp_path / "c.csv", tmp_path / "e.csv", AS_OF, tmp_path / "o.jsonl", engine=options
    )
    events = next(f for f in result.report.files if f.kind == "events")
    assert sorted(events.near_types) == [("Purchase", "purchase", 1), ("purchase ", "purchase", 1)]


def test_a_property_at_the_top_of_some_lines_is_read_from_properties_on_the_others(
    tmp_path: Path, options: EngineOptions
) -> None:
    """Spark read `amount` from the column alone once any line had it at the top level, so
    line e2's `properties.amount` (200) was lost."""
    model = write_model(tmp_path)
    (tmp_path / "c.csv").write_text("contact_id\nc1\nc2\nc3\n")
    (tmp_path / "e.jsonl").write_text(
        '{"event_id": "e1", "contact_id": "c1", "type": "purchase", "timestamp": "2025-12-01T00:00:00Z", "amount": "50"}\n'
        '{"event_id": "e2", "contact_id": "c2", "type": "purchase", "timestamp": "2025-12-01T00:00:00Z",'
        ' "properties": {"amount": "200"}}\n'
        # properties as JSON text on one line (Spark then types the whole column as text)
        '{"event_id": "e3", "contact_id": "c3", "type": "purchase", "timestamp": "2025-12-01T00:00:00Z",'
        ' "properties": "{\\"amount\\": \\"300\\"}"}\n'
    )
    out = tmp_path / "o.jsonl"
    Application().score(model, tmp_path / "c.csv", tmp_path / "e.jsonl", AS_OF, out, engine=options)
    assert {k[0]: r["points"] for k, r in rows_of(out).items()} == {"c1": 10, "c2": 11, "c3": 11}


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_a_key_given_twice_in_a_json_line(
    tmp_path: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    """Spark stopped with a Python traceback (COLUMN_ALREADY_EXISTS) even for a key no rule reads;
    it cannot read such a file, and now says so (D004). The embedded engine keeps the last."""
    options = engine_options(engine, request)
    model = write_model(tmp_path)
    (tmp_path / "c.csv").write_text("contact_id\nc1\n")
    (tmp_path / "e.jsonl").write_text(
        '{"event_id": "e1", "contact_id": "c1", "type": "purchase", "timestamp": "2025-12-01T00:00:00Z",'
        ' "amount": "5", "note": "a", "note": "b"}\n'
    )
    out = tmp_path / "o.jsonl"
    if engine == "duckdb":
        Application().score(model, tmp_path / "c.csv", tmp_path / "e.jsonl", AS_OF, out, engine=options)
        assert {k[0]: r["points"] for k, r in rows_of(out).items()} == {"c1": 10}
        return
    with pytest.raises(LeadscoreError) as info:
        Application().score(model, tmp_path / "c.csv", tmp_path / "e.jsonl", AS_OF, out, engine=options)
    assert [(d.code, str(d.location), d.message) for d in info.value.diagnostics] == [
        (
            "D004",
            str(tmp_path / "e.jsonl"),
            "a line gives the key 'note' twice; Spark cannot read such a JSON Lines file",
        )
    ]


def test_a_csv_row_that_is_not_utf8_is_a_bad_row_on_every_engine(
    tmp_path: Path, options: EngineOptions
) -> None:
    """Spark read `caf\\xe9` as `caf\\ufffd` and scored the row, without a word."""
    model = write_model(tmp_path, fields="city: string")
    (tmp_path / "c.csv").write_bytes(b"contact_id,city\nk1,Oslo\nk2,caf\xe9\n")
    (tmp_path / "e.csv").write_text("event_id,contact_id,type,timestamp\n")
    out = tmp_path / "o.jsonl"
    result = Application().score(model, tmp_path / "c.csv", tmp_path / "e.csv", AS_OF, out, engine=options)
    assert [k[0] for k in rows_of(out)] == ["k1"]
    bad = [b.reason for f in result.report.files for b in f.bad]
    assert len(bad) == 1
    assert re.sub(r"^contact_id 'k2': ", "", bad[0]).startswith("not UTF-8 text (")


@pytest.mark.parametrize("filler", [0, 5, 60])
def test_a_contact_id_repeated_in_a_table_keeps_the_same_row_whatever_the_storage(
    tmp_path: Path, filler: int, pg_dsn: str
) -> None:
    """A table has no input order: which of two rows of c1 counted depended on how many other
    rows the table held, and D103 said "the first in the file counts". The row whose fields sort
    first counts now (DE before PL), and the warning says so."""
    import psycopg

    model = write_model(
        tmp_path, engagement_model("t", "{id: p, event: purchase, points: 1}"), fields="country: string"
    )
    model.write_text(
        model.read_text().replace(
            "      engagement:", "      fit:\n        categories:\n          c:\n            rules:\n"
            "              - {id: pl, when: {field: country, eq: PL}, points: 10}\n      engagement:"
        )
    )  # fmt: skip
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS dup_contacts")
        conn.execute("CREATE TABLE dup_contacts (contact_id text, country text)")
        conn.execute("INSERT INTO dup_contacts VALUES ('c1', 'PL')")
        for i in range(filler):
            conn.execute("INSERT INTO dup_contacts VALUES (%s, 'NO')", [f"f{i}"])
        conn.execute("INSERT INTO dup_contacts VALUES ('c1', 'DE')")
    try:
        out = tmp_path / "o.jsonl"
        result = Application().score(
            model, None, None, AS_OF, out,
            engine=EngineOptions("postgres", pg_dsn), tables=Inputs(contacts_table="dup_contacts"),
        )  # fmt: skip
        assert rows_of(out)[("c1", "main")]["points"] == 0
        d103 = [d.message for d in result.report.diagnostics() if d.code == "D103"]
        rule = "a table has no input order: the row whose fields sort first counts"
        assert sorted(d103) == [
            f"1 rows repeat a contact_id seen earlier; {rule}",
            f"contact_id 'c1' already given earlier; {rule}",
        ]
    finally:
        with psycopg.connect(pg_dsn, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS dup_contacts")


def test_a_decimal_comma_and_unix_time_are_named_as_such(tmp_path: Path, options: EngineOptions) -> None:
    """A European spreadsheet's `1500,50`, a thousands separator and Unix time got the generic
    reason ("is not a number", "is not a timestamp of the form …")."""
    model = write_model(tmp_path, fields="budget: number, employees: integer")
    (tmp_path / "c.csv").write_text('contact_id,budget,employees\nc1,"1500,50",10\nc2,10,"1,234"\nc3,1.5,2\n')
    (tmp_path / "e.csv").write_text(
        "event_id,contact_id,type,timestamp,amount\ne1,c3,purchase,1764597600,5\ne2,c3,purchase,1764597600000,5\n"
    )
    out = tmp_path / "o.jsonl"
    result = Application().score(model, tmp_path / "c.csv", tmp_path / "e.csv", AS_OF, out, engine=options)
    reasons = sorted(re.sub(r"^\w+ '\w+': ", "", b.reason) for f in result.report.files for b in f.bad)
    comma = "write it with a decimal point and no thousands separator, such as 1500.50"
    epoch = "it looks like Unix time in seconds or milliseconds; write ISO 8601, such as 2026-01-01T09:30:00Z"
    assert reasons == [
        f"budget: '1500,50' is not a number: {comma}",
        # an integer field takes no decimal point: the hint does not offer one (it did)
        "employees: '1,234' is not a whole number: write it without a thousands separator, such as 1200",
        f"timestamp: '1764597600' is not a timestamp: {epoch}",
        f"timestamp: '1764597600000' is not a timestamp: {epoch}",
    ]


JSON_EVENTS = [
    ("e1", "c1", "purchase", '{"amount": "500"}'),
    ("e2", "c1", "purchase", '{"amount": "5", "is_bot": "true"}'),  # a bot: not counted
    ("e3", "c2", "purchase", "not json"),  # a bad row
    ("e4", "c2", "purchase", None),
]


@pytest.mark.parametrize("kind", ["jsonb", "json", "text", "duckdb", "spark"])
def test_a_json_properties_column_of_an_events_table_is_read(
    tmp_path: Path, kind: str, request: pytest.FixtureRequest
) -> None:
    """A table's JSON `properties` was ignored: `where` rules got nothing and bots whose flag was
    inside it counted. A contacts table with a json column the model does not read gave a
    traceback on PostgreSQL (NULLIF of a jsonb)."""
    model = write_model(tmp_path)
    rows = [(e, c, t, "2025-12-01 00:00:00+00", p) for e, c, t, p in JSON_EVENTS]
    tables = Inputs(contacts_table="json_contacts", events_table="json_events")
    if kind == "duckdb":
        import duckdb

        db = tmp_path / "t.duckdb"
        with duckdb.connect(str(db)) as con:
            con.execute(
                "CREATE TABLE json_contacts AS SELECT * FROM (VALUES ('c1', '{}'::JSON), ('c2', NULL)) t(contact_id, notes)"
            )
            con.execute(
                "CREATE TABLE json_events (event_id TEXT, contact_id TEXT, type TEXT, timestamp TIMESTAMPTZ, properties VARCHAR)"
            )
            con.executemany("INSERT INTO json_events VALUES (?, ?, ?, ?, ?)", rows)
        options = EngineOptions("duckdb", str(db))
    elif kind == "spark":
        spark = request.getfixturevalue("spark_session")
        spark.createDataFrame(
            [("c1", "{}"), ("c2", None)], "contact_id string, notes string"
        ).createOrReplaceTempView("json_contacts")
        spark.sql("SELECT * FROM VALUES " + ", ".join(f"('{e}', '{c}', '{t}', TIMESTAMP'{ts}', {('NULL' if p is None else repr(p))})" for e, c, t, ts, p in rows)
                  + " AS t(event_id, contact_id, type, timestamp, properties)").createOrReplaceTempView("json_events")  # fmt: skip
        options = EngineOptions("spark")
    else:
        import psycopg

        dsn = request.getfixturevalue("pg_dsn")
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS json_contacts, json_events")
            conn.execute(f"CREATE TABLE json_contacts (contact_id text, notes {kind})")
            conn.execute("INSERT INTO json_contacts VALUES ('c1', '{}'), ('c2', NULL)")
            conn.execute(
                f"CREATE TABLE json_events (event_id text, contact_id text, type text, timestamp timestamptz, properties {'text' if kind == 'text' else kind})"
            )
            for r in rows:
                properties = r[4] if kind == "text" or r[4] != "not json" else None
                conn.execute("INSERT INTO json_events VALUES (%s, %s, %s, %s, %s)", [*r[:4], properties])
        options = EngineOptions("postgres", dsn)
    out = tmp_path / "o.jsonl"
    result = Application().score(model, None, None, AS_OF, out, engine=options, tables=tables)
    assert {k[0]: r["points"] for k, r in rows_of(out).items()} == {"c1": 11, "c2": 0}
    bad = [re.sub(r"^event_id 'e3': ", "", b.reason) for f in result.report.files for b in f.bad]
    assert bad == ([] if kind in ("jsonb", "json") else ["properties is not valid JSON"])


def test_postgres_out_table_errors_and_an_input_under_another_name(tmp_path: Path, pg_dsn: str) -> None:
    """`--out-table public.t` replaced the input table `t` (the check compared spellings); a view
    of that name or a schema that does not exist gave a Python traceback, not C006."""
    import psycopg

    model = write_model(tmp_path)
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS out_contacts; DROP VIEW IF EXISTS out_view")
        conn.execute("CREATE TABLE out_contacts AS SELECT 'c1' AS contact_id")
        conn.execute("CREATE VIEW out_view AS SELECT 1 AS x")
    options = EngineOptions("postgres", pg_dsn)
    tables = Inputs(contacts_table="out_contacts")
    try:
        for target, code in (
            ("public.out_contacts", "O004"),
            ("out_view", "C006"),
            ("nosuch.scores", "C006"),
        ):
            with pytest.raises(LeadscoreError) as info:
                Application().score(
                    model, None, None, AS_OF, None, engine=options, tables=tables, out_table=target
                )
            assert [d.code for d in info.value.diagnostics] == [code], target
        with psycopg.connect(pg_dsn) as conn:
            assert conn.execute("SELECT contact_id FROM out_contacts").fetchall() == [("c1",)]
    finally:
        with psycopg.connect(pg_dsn, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS out_contacts; DROP VIEW IF EXISTS out_view")


def test_spark_out_table_over_files_an_earlier_session_left(tmp_path: Path, spark_session: Any) -> None:
    """Local Spark keeps its catalog in memory: a second `--out-table` run found the first run's
    files under spark-warehouse/ and stopped with a Python traceback (LOCATION_ALREADY_EXISTS)."""
    from urllib.parse import urlparse

    model = write_model(tmp_path)
    (tmp_path / "c.csv").write_text("contact_id\nc1\n")
    (tmp_path / "e.csv").write_text("event_id,contact_id,type,timestamp\n")
    warehouse = Path(urlparse(spark_session.conf.get("spark.sql.warehouse.dir")).path)
    left = warehouse / "left_by_another_session"
    left.mkdir(parents=True, exist_ok=True)
    (left / "part-0.parquet").write_bytes(b"")
    try:
        with pytest.raises(LeadscoreError) as info:
            Application().score(
                model, tmp_path / "c.csv", tmp_path / "e.csv", AS_OF, None,
                engine=EngineOptions("spark"), out_table="left_by_another_session",
            )  # fmt: skip
        d = info.value.diagnostics[0]
        assert d.code == "C006"
        assert "spark-warehouse/" in str(d.hint)
    finally:
        import shutil

        shutil.rmtree(left, ignore_errors=True)
        shutil.rmtree(warehouse / "left_by_another_session__leadscore_new", ignore_errors=True)
        spark_session.sql("DROP TABLE IF EXISTS left_by_another_session__leadscore_new")


def test_spark_leaves_the_callers_views_alone(tmp_path: Path, spark_session: Any) -> None:
    """leadscore's temporary views (`contacts`, `events`, `scores`, ...) replaced a notebook
    user's views of those names: a second run read leadscore's `events` where the user meant
    theirs. leadscore works in a session of its own now; the user's views are its input. The
    data a run cached stayed cached in the notebook's session."""
    model = write_model(tmp_path)
    mine = {
        "contacts": "SELECT * FROM VALUES ('c1'), ('c2') AS t(contact_id)",
        "events": "SELECT * FROM VALUES ('e1', 'c1', 'purchase', TIMESTAMP'2025-12-01 00:00:00', '500'), "
        "('e2', 'c2', 'purchase', TIMESTAMP'2025-12-02 00:00:00', '5') AS t(event_id, contact_id, type, timestamp, amount)",
        "scores": "SELECT 'mine' AS note",
        "staged_events": "SELECT 'mine' AS note",
    }
    for name, sql in mine.items():
        spark_session.sql(sql).createOrReplaceTempView(name)
    before = {name: spark_session.table(name).collect() for name in mine}
    persisted = spark_session.sparkContext._jsc.sc().getPersistentRDDs().size()
    tables = Inputs(contacts_table="contacts", events_table="events")
    out = tmp_path / "o.jsonl"
    try:
        for _ in range(2):  # the second run read leadscore's `events` (ts_us, no timestamp)
            Application().score(model, None, None, AS_OF, out, engine=EngineOptions("spark"), tables=tables)
            assert {k[0]: r["points"] for k, r in rows_of(out).items()} == {"c1": 11, "c2": 10}
        (tmp_path / "c.csv").write_text("contact_id\nc9\n")
        (tmp_path / "e.csv").write_text("event_id,contact_id,type,timestamp,amount\n")
        Application().score(
            model, tmp_path / "c.csv", tmp_path / "e.csv", AS_OF, out, engine=EngineOptions("spark")
        )
        assert {k[0] for k in rows_of(out)} == {"c9"}
        assert {name: spark_session.table(name).collect() for name in mine} == before
        shared = spark_session.conf.get("spark.sql.globalTempDatabase", "global_temp")
        assert [
            t.name for t in spark_session.catalog.listTables(shared) if t.name.startswith("leadscore_")
        ] == []
        # the data a run cached (the CSV rows, the canonical relations) is freed with it
        assert spark_session.sparkContext._jsc.sc().getPersistentRDDs().size() == persisted
    finally:
        for name in mine:
            spark_session.catalog.dropTempView(name)


def test_spark_scores_alike_whatever_the_callers_settings_and_keeps_its_cache(
    tmp_path: Path, spark_session: Any
) -> None:
    """A notebook's `spark.sql.timestampType=TIMESTAMP_NTZ` moved the scoring instant (an event
    at T stopped counting); `spark.sql.parser.escapedStringLiterals=true` made every value a bad
    row. A view the caller had cached was uncached when the run ended (its cache was taken for
    leadscore's own)."""
    model = write_model(tmp_path)
    (tmp_path / "c.csv").write_text("contact_id\nc1\nc2\n")
    # e1 at T exactly (written at +02:00), e2 an hour after T
    (tmp_path / "e.csv").write_text(
        "event_id,contact_id,type,timestamp,amount\n"
        "e1,c1,purchase,2026-01-01T02:00:00+02:00,500\ne2,c2,purchase,2026-01-01T01:00:00Z,500\n"
    )
    spark_session.sql("SELECT 'c1' AS contact_id UNION ALL SELECT 'c2'").createOrReplaceTempView(
        "my_contacts"
    )
    spark_session.table("my_contacts").cache().count()
    settings = {"spark.sql.timestampType": "TIMESTAMP_NTZ", "spark.sql.parser.escapedStringLiterals": "true"}
    before = {k: spark_session.conf.get(k) for k in settings}
    out = tmp_path / "o.jsonl"
    try:
        for k, v in settings.items():
            spark_session.conf.set(k, v)
        Application().score(
            model, tmp_path / "c.csv", tmp_path / "e.csv", AS_OF, out, engine=EngineOptions("spark")
        )
        assert {k[0]: r["points"] for k, r in rows_of(out).items()} == {"c1": 11, "c2": 0}
        assert {k: spark_session.conf.get(k) for k in settings} == settings  # the caller's, untouched
        tables = Inputs(contacts_table="my_contacts", events_table=None)
        Application().score(model, None, None, AS_OF, out, engine=EngineOptions("spark"), tables=tables)
        assert spark_session.catalog.isCached("my_contacts")
    finally:
        for k, v in before.items():
            spark_session.conf.set(k, v)
        spark_session.catalog.uncacheTable("my_contacts")
        spark_session.catalog.dropTempView("my_contacts")


def test_spark_out_table_next_to_the_callers_views_and_database(tmp_path: Path, spark_session: Any) -> None:
    """`--out-table` onto a view replaced it with a table, and onto the name of the caller's
    temporary view wrote a table the view then hid; after `USE crm`, `events` named the input
    `crm.events` without O004; the caller's session could not read the table once it was written
    a second time (it kept the old table's files); a user's `t__leadscore_new` was dropped."""
    model = write_model(tmp_path)
    spark_session.sql("CREATE DATABASE IF NOT EXISTS crm_out")
    spark_session.sql("USE crm_out")
    try:
        spark_session.sql("CREATE TABLE crm_out.events USING parquet AS SELECT 'e1' AS event_id, 'c1' AS contact_id, "
                          "'purchase' AS type, TIMESTAMP'2025-12-01 00:00:00' AS timestamp, '500' AS amount")  # fmt: skip
        spark_session.sql("CREATE TABLE crm_out.contacts USING parquet AS SELECT 'c1' AS contact_id")
        spark_session.sql("CREATE VIEW crm_out.a_view AS SELECT 1 AS x")
        spark_session.sql("SELECT 1 AS x").createOrReplaceTempView("a_temp_view")
        spark_session.sql("CREATE TABLE crm_out.scores__leadscore_new USING parquet AS SELECT 'mine' AS note")
        tables = Inputs(contacts_table="contacts", events_table="crm_out.events")
        spark = EngineOptions("spark")
        for target, code in (("a_view", "C006"), ("a_temp_view", "C006"), ("events", "O004")):
            with pytest.raises(LeadscoreError) as info:
                Application().score(
                    model, None, None, AS_OF, None, engine=spark, tables=tables, out_table=target
                )
            assert [d.code for d in info.value.diagnostics] == [code], target
        assert spark_session.table("crm_out.a_view").collect()[0]["x"] == 1
        assert spark_session.table("crm_out.events").count() == 1
        for _ in range(2):
            Application().score(
                model, None, None, AS_OF, None, engine=spark, tables=tables, out_table="scores"
            )
            assert [
                (r["contact_id"], r["points"]) for r in spark_session.table("crm_out.scores").collect()
            ] == [("c1", 11)]
        assert spark_session.table("crm_out.scores__leadscore_new").collect()[0]["note"] == "mine"
        left = [t.name for t in spark_session.catalog.listTables("crm_out") if "__leadscore_" in t.name]
        assert left == ["scores__leadscore_new"]
    finally:
        spark_session.sql("USE default")
        spark_session.catalog.dropTempView("a_temp_view")
        spark_session.sql("DROP DATABASE crm_out CASCADE")


def test_properties_text_that_is_not_json_is_a_bad_row(tmp_path: Path, options: EngineOptions) -> None:
    """Spark read a CSV `properties` cell that is not JSON as having no properties, silently."""
    model = write_model(tmp_path)
    (tmp_path / "c.csv").write_text("contact_id\nc1\nc2\n")
    (tmp_path / "e.csv").write_text(
        'event_id,contact_id,type,timestamp,properties\ne1,c1,purchase,2025-12-01T00:00:00Z,"{""amount"": 500}"\n'
        'e2,c2,purchase,2025-12-01T00:00:00Z,"{not json"\n'
    )
    out = tmp_path / "o.jsonl"
    result = Application().score(model, tmp_path / "c.csv", tmp_path / "e.csv", AS_OF, out, engine=options)
    assert {k[0]: r["points"] for k, r in rows_of(out).items()} == {"c1": 11, "c2": 0}
    bad = [b.reason for f in result.report.files for b in f.bad]
    assert len(bad) == 1, bad
    assert "properties is not valid JSON" in bad[0]


def test_event_types_alike_but_for_case_are_named_from_a_duckdb_table(tmp_path: Path) -> None:
    """D106 was given for files on every engine and for PostgreSQL tables, but not for the
    embedded engine's tables."""
    import duckdb

    db = tmp_path / "t.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE t_contacts AS SELECT 'c1' AS contact_id")
        con.execute(
            "CREATE TABLE t_events AS SELECT 'e1' AS event_id, 'c1' AS contact_id, 'Purchase' AS type, "
            "TIMESTAMPTZ '2025-12-01 00:00:00+00' AS timestamp, '5' AS amount"
        )
    result = Application().score(
        write_model(tmp_path), None, None, AS_OF, tmp_path / "o.jsonl", engine=EngineOptions("duckdb", str(db)),
        tables=Inputs(contacts_table="t_contacts", events_table="t_events"),
    )  # fmt: skip
    events = next(f for f in result.report.files if f.kind == "events")
    assert events.near_types == [("Purchase", "purchase", 1)]


def test_warnings_about_a_table_say_table_and_give_no_line(tmp_path: Path, pg_dsn: str) -> None:
    """D102 on a table said "not a column of this file" at line 1 of a table."""
    import psycopg

    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS w_contacts, w_events")
        conn.execute("CREATE TABLE w_contacts AS SELECT 'c1' AS contact_id")
        conn.execute(
            "CREATE TABLE w_events AS SELECT 'e1' AS event_id, 'c1' AS contact_id, 'purchase' AS type, "
            "TIMESTAMPTZ '2025-12-01 00:00:00+00' AS timestamp, '5' AS \"Amount\""
        )
    try:
        result = Application().score(
            write_model(tmp_path), None, None, AS_OF, tmp_path / "o.jsonl", engine=EngineOptions("postgres", pg_dsn),
            tables=Inputs(contacts_table="w_contacts", events_table="w_events"),
        )  # fmt: skip
        d102 = [d for d in result.report.diagnostics() if d.code == "D102"]
        assert [(str(d.location), d.message, d.hint) for d in d102] == [
            ("w_events", "the model reads 'amount', which is not a column of this table; it counts as missing for every row",
             "the table has 'Amount': names must match in letter case too"),
        ]  # fmt: skip
    finally:
        with psycopg.connect(pg_dsn, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS w_contacts, w_events")


def test_a_header_that_repeats_a_column_the_model_does_not_read(
    tmp_path: Path, options: EngineOptions
) -> None:
    """A CRM report's two "Notes" columns refused the whole file (D004), although the model never
    reads them (an unread pair alike but for case was already left out)."""
    model = write_model(tmp_path, fields="country: string")
    (tmp_path / "c.csv").write_text("contact_id,Notes,country,Notes\nc1,a,PL,b\nc2,,NO,\n")
    (tmp_path / "e.csv").write_text(
        "event_id,contact_id,type,timestamp,amount,Tag,Tag\ne1,c1,purchase,2025-12-01T00:00:00Z,5,x,y\n"
    )
    out = tmp_path / "o.jsonl"
    Application().score(model, tmp_path / "c.csv", tmp_path / "e.csv", AS_OF, out, engine=options)
    assert {k[0]: r["points"] for k, r in rows_of(out).items()} == {"c1": 10, "c2": 0}
    (tmp_path / "c2.csv").write_text("contact_id,country,country\nc1,PL,DE\n")
    with pytest.raises(LeadscoreError) as info:
        Application().score(model, tmp_path / "c2.csv", tmp_path / "e.csv", AS_OF, out, engine=options)
    assert [d.code for d in info.value.diagnostics] == ["D004"]


@pytest.mark.parametrize("engine", ["duckdb", "postgres", "spark"])
def test_a_view_that_fails_when_read_is_c005_naming_it(
    tmp_path: Path, engine: str, request: pytest.FixtureRequest
) -> None:
    """A user's view that fails on some row (a cast, a division by zero) came out as the engine's
    own exception, a traceback (on Spark with a Java stack trace), not as a mistake in the input."""
    model = write_model(tmp_path)
    tables = Inputs(contacts_table="failing_contacts", events_table="failing_events")
    events = (
        "SELECT 'e1' AS event_id, 'c1' AS contact_id, 'purchase' AS type, {ts} AS timestamp, '5' AS amount"
    )
    if engine == "duckdb":
        import duckdb

        db = tmp_path / "t.duckdb"
        with duckdb.connect(str(db)) as con:
            con.execute("CREATE VIEW failing_contacts AS SELECT 'c' || x AS contact_id, CAST(x AS INTEGER) AS n "
                        "FROM (VALUES ('1'), ('x')) t(x)")  # fmt: skip
            con.execute(
                "CREATE TABLE failing_events AS " + events.format(ts="TIMESTAMPTZ '2025-12-01 00:00:00+00'")
            )
        options = EngineOptions("duckdb", str(db))
        reason = "Conversion Error: Could not convert string 'x' to INT32"
    elif engine == "spark":
        spark = request.getfixturevalue("spark_session")
        spark.sql("SELECT 'c' || x AS contact_id, CAST(x AS INT) AS n FROM VALUES ('1'), ('x') AS t(x)")\
            .createOrReplaceTempView("failing_contacts")  # fmt: skip
        spark.sql(events.format(ts="TIMESTAMP'2025-12-01 00:00:00'")).createOrReplaceTempView(
            "failing_events"
        )
        options = EngineOptions("spark")
        reason = '[CAST_INVALID_INPUT] The value \'x\' of the type "STRING" cannot be cast to "INT"'
        ansi = spark.conf.get("spark.sql.ansi.enabled")
        spark.conf.set("spark.sql.ansi.enabled", "true")  # (Spark 4's default) casts fail, not NULL
        request.addfinalizer(lambda: spark.conf.set("spark.sql.ansi.enabled", ansi))
    else:
        import psycopg

        dsn = request.getfixturevalue("pg_dsn")
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("CREATE VIEW failing_contacts AS SELECT 'c' || g AS contact_id, 1 / (g - 2) AS n "
                         "FROM generate_series(1, 3) g")  # fmt: skip
            conn.execute(
                "CREATE TABLE failing_events AS " + events.format(ts="TIMESTAMPTZ '2025-12-01 00:00:00+00'")
            )
        options = EngineOptions("postgres", dsn)
        reason = "division by zero"
    with pytest.raises(LeadscoreError) as info:
        Application().score(model, None, None, AS_OF, tmp_path / "o.jsonl", engine=options, tables=tables)
    [d] = info.value.diagnostics
    assert d.code == "C005"
    assert d.message.startswith(f"--contacts-table: reading the table failing_contacts failed ({reason}")
    assert d.hint is not None
    assert "SELECT * FROM failing_contacts" in d.hint


def test_spark_out_table_with_the_catalogs_name(tmp_path: Path, spark_session: Any) -> None:
    """`spark_catalog.crm.scores` was read as an input but refused as --out-table (C006:
    IDENTIFIER_TOO_MANY_NAME_PARTS): RENAME TO takes the name within the catalog."""
    model = write_model(tmp_path)
    spark_session.sql("CREATE DATABASE IF NOT EXISTS crm_three")
    try:
        spark_session.sql("CREATE TABLE crm_three.contacts USING parquet AS SELECT 'c1' AS contact_id")
        spark_session.sql("CREATE TABLE crm_three.events USING parquet AS SELECT 'e1' AS event_id, 'c1' AS contact_id, "
                          "'purchase' AS type, TIMESTAMP'2025-12-01 00:00:00' AS timestamp, '500' AS amount")  # fmt: skip
        tables = Inputs(contacts_table="spark_catalog.crm_three.contacts", events_table="crm_three.events")
        for _ in range(2):  # a new table, then one that replaces it
            Application().score(model, None, None, AS_OF, None, engine=EngineOptions("spark"), tables=tables,
                                out_table="spark_catalog.crm_three.scores")  # fmt: skip
            rows = spark_session.table("crm_three.scores").collect()
            assert [(r["contact_id"], r["points"]) for r in rows] == [("c1", 11)]
        left = [t.name for t in spark_session.catalog.listTables("crm_three") if "__leadscore_" in t.name]
        assert left == []
    finally:
        spark_session.sql("DROP DATABASE crm_three CASCADE")


def test_a_typed_instant_outside_the_years_1000_to_9999_is_a_bad_row(
    tmp_path: Path, options: EngineOptions
) -> None:
    """Text dates outside the years 1000 to 9999 were bad rows, but the same instants in a typed
    Parquet column (0001-01-01, the placeholder some systems write for "no date") counted as
    events two thousand years old."""
    from datetime import UTC, datetime

    model = write_model(tmp_path)
    (tmp_path / "c.csv").write_text("contact_id\nc1\nc2\n")
    stamps = [
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(2025, 12, 1, tzinfo=UTC),
        datetime(999, 12, 31, tzinfo=UTC),
    ]
    events = pa.table({
        "event_id": ["e1", "e2", "e3"], "contact_id": ["c1", "c2", "c1"], "type": ["purchase"] * 3,
        "timestamp": pa.array(stamps, pa.timestamp("us", tz="UTC")), "amount": ["500", "500", "500"],
    })  # fmt: skip
    pq.write_table(events, tmp_path / "e.parquet")
    out = tmp_path / "o.jsonl"
    result = Application().score(
        model, tmp_path / "c.csv", tmp_path / "e.parquet", AS_OF, out, engine=options
    )
    assert {k[0]: r["points"] for k, r in rows_of(out).items()} == {"c1": 0, "c2": 11}
    bad = sorted((b.line, b.reason) for f in result.report.files for b in f.bad)
    assert [line for line, _ in bad] == [1, 3]
    assert all(reason.endswith("is outside the years 1000 to 9999") for _, reason in bad)
    assert "'0001-01-01T00:00:00Z'" in bad[0][1]
