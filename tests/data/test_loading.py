"""Data in: typing, bad rows with file/line/reason, duplicates, offsets and JSON properties."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from leadscore.data.loading import ContactSpec, load_inputs
from leadscore.data.report import MAX_LISTED, FileReport, LoadReport
from leadscore.diagnostics import LeadscoreError

SPEC = ContactSpec({"country": "string", "employees": "integer", "budget": "number", "vip": "boolean"})
PROPS = ("url", "form", "is_bot")


def load(
    tmp: Path, contacts: str, events: str | None, cname: str = "c.csv", ename: str = "e.csv"
) -> tuple[Any, LoadReport]:
    cpath = tmp / cname
    cpath.write_text(contacts, encoding="utf-8")
    epath = None
    if events is not None:
        epath = tmp / ename
        epath.write_text(events, encoding="utf-8")
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'").fetchall()
    return con, load_inputs(con, cpath, epath, SPEC, PROPS)


def rows(con: Any, sql: str) -> list[tuple[Any, ...]]:
    return list(con.execute(sql).fetchall())


CONTACTS = """contact_id,country,employees,budget,vip,note
c1,NO,200,1e4,TRUE,plain
c2,PL,12.0,,false,"two
lines"
c3,DE,abc,5,true,x
,US,1,1,true,x
c4, PL,-3,.5,maybe,x
c1,XX,1,1,true,second c1
"""


def test_contacts_are_typed_and_bad_rows_reported_with_lines(tmp_path: Path) -> None:
    con, report = load(tmp_path, CONTACTS, None)
    got = rows(
        con, "SELECT contact_id, country, employees, budget, vip, note FROM contacts ORDER BY contact_id"
    )
    # 'NO' stays text; 12.0 is a whole number; empty cells are null; ' PL' keeps its space
    assert got == [("c1", "NO", 200, 10000.0, True, "plain"), ("c2", "PL", 12, None, False, "two\nlines")]
    f = report.files[0]
    # line 5 holds c3 because c2's note spans lines 3-4; the header is line 1
    assert [(b.line, b.reason) for b in f.bad] == [
        (5, "employees: 'abc' is not a whole number"),
        (6, "contact_id is empty"),
        (7, "vip: 'maybe' is not true or false"),
        (8, "contact_id 'c1' already given on line 2; the first row counts"),
    ]
    assert f.rows == 6  # data rows read
    assert f.loaded == 2
    assert f.duplicates == 1
    # a later row of an id is listed as a duplicate (D103), not as a bad row: --strict counts 3
    assert [b.code for b in f.bad] == ["D101", "D101", "D101", "D103"]
    with pytest.raises(LeadscoreError) as info:
        report.check_strict()
    assert [d.code for d in info.value.diagnostics] == ["D101", "D101", "D101", "D199"]
    assert info.value.diagnostics[-1].message == "3 bad rows and --strict is on"


@pytest.mark.parametrize(
    ("text", "kept", "bad_lines", "duplicates"),
    [
        # ids given twice, no bad row: the later rows go, the first row counts
        (
            "contact_id,country\nc1,NO\nc2,PL\nc1,DE\nc2,FR\nc1,UK\n",
            [("c1", "NO"), ("c2", "PL")],
            [4, 5, 6],
            3,
        ),
        # a bad row but no id given twice: only the bad row goes
        ("contact_id,employees\nc1,1\nc2,x\nc3,3\n", [("c1", None), ("c3", None)], [3], 0),
        # the first row of c1 is bad, so its second (good) row counts and is no duplicate
        ("contact_id,employees,country\nc1,x,NO\nc1,2,DE\n", [("c1", "DE")], [2], 0),
        # neither
        ("contact_id,country\nc2,PL\nc1,NO\n", [("c1", "NO"), ("c2", "PL")], [], 0),
    ],
)
def test_contact_checks_in_every_combination(
    tmp_path: Path, text: str, kept: list[tuple[str, str | None]], bad_lines: list[int], duplicates: int
) -> None:
    con, report = load(tmp_path, text, None)
    assert rows(con, "SELECT contact_id, country FROM contacts ORDER BY contact_id") == kept
    f = report.files[0]
    assert [b.line for b in f.bad] == bad_lines
    assert (f.duplicates, f.loaded, f.rows) == (duplicates, len(kept), text.count("\n") - 1)


EVENTS = """event_id,contact_id,type,timestamp,url,form,is_bot
e1,c1,page_view,2026-01-01T10:00:00+02:00,/pricing,,
e2,c1,page_view,2026-01-01 10:00:00,/pricing,,TRUE
e2,c1,form_submit,2026-01-02T00:00:00Z,,newsletter,
e3,c1,page_view,yesterday,/x,,
e4,c9,page_view,2026-01-01,/x,,
e5,,page_view,2026-01-01,/x,,
e6,c2,,2026-01-01,/x,,
,c2,page_view,2026-01-01,/x,,
"""


def test_events_offsets_duplicates_and_bad_rows(tmp_path: Path) -> None:
    con, report = load(tmp_path, CONTACTS, EVENTS)
    got = rows(
        con,
        "SELECT event_id, contact_id, type, ts_us, url, form, is_bot FROM events ORDER BY event_id",
    )
    # e1: 10:00+02:00 is 08:00 UTC; e2: naive is UTC, and its first row counts (page_view)
    assert got == [
        ("e1", "c1", "page_view", 1767254400000000, "/pricing", None, None),
        ("e2", "c1", "page_view", 1767261600000000, "/pricing", None, "TRUE"),
        ("e4", "c9", "page_view", 1767225600000000, "/x", None, None),
    ]
    f = report.files[1]
    assert [(b.line, b.reason.split(":")[0]) for b in f.bad] == [
        (5, "timestamp"),
        (7, "contact_id is empty"),
        (8, "type is empty"),
        (9, "event_id is empty"),
    ]
    assert f.duplicates == 1  # events of unknown contacts (e4, of c9) are counted when scoring


FORM = "is not a timestamp of the form 2026-01-01T09:30:00Z (ISO 8601 extended)"


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2026-01-01T00:00:00+18:00", "2025-12-31T06:00:00"),
        ("2026-01-01T23:59:59.5-18:00", "2026-01-02T17:59:59.5"),
        ("2026-01-01T00:00:00-0800", "2026-01-01T08:00:00"),
        ("2026-01-01 09:30:00 UTC", "2026-01-01T09:30:00"),
        ("2026-01-01T23:59:00+17:59", "2026-01-01T06:00:00"),
        ("2026-01-01T00:00:00+18:30", FORM),  # offsets reach ±18:00, as for --as-of
        ("2026-01-01T00:00:00+99:99", FORM),  # was read as a shift of 100 hours
        ("2026-01-01T00:00:00+25:00", FORM),
        ("2026-01-01T24:00:00Z", FORM),  # each engine read the end of the day its own way
        ("2026-01-01T09:60:00Z", FORM),
        ("2026-01-01T00:00:00.Z", FORM),
        ("2026-01-01T10:00:00 +02:00", FORM),  # was "not a day of the calendar"
        ("2026-01-01T10:00 Z", FORM),
        ("2026-01-01Z", FORM),
        ("2026-01-01T10:00:00z", FORM),
        ("2026-01-01T10:00-05:00", "2026-01-01T15:00:00"),
        ("0999-12-31T00:00:00Z", "is outside the years 1000 to 9999"),  # it has the form
        ("0001-01-01", "is outside the years 1000 to 9999"),
        ("1000-01-01T00:00:00Z", "1000-01-01T00:00:00"),
        ("9999-12-31T23:59:59Z", "9999-12-31T23:59:59"),
        ("2026-02-30T00:00:00Z", "is not a day of the calendar (a month from 1 to 12, a day the month has)"),
        ("2026-13-01", "is not a day of the calendar (a month from 1 to 12, a day the month has)"),
    ],
)
def test_timestamp_texts_at_the_edges_of_what_reads(tmp_path: Path, text: str, utc: str) -> None:
    """`utc` is the instant read, or (starting with "is") the reason the row is refused."""
    events = f"event_id,contact_id,type,timestamp\ne1,c1,t,{text}\n"
    con, report = load(tmp_path, CONTACTS, events)
    got = rows(con, "SELECT ts_us FROM events")
    if utc.startswith("is "):
        assert got == []
        assert [b.reason for b in report.files[1].bad] == [f"timestamp: '{text}' {utc}"]
    else:
        expected = datetime.fromisoformat(utc).replace(tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)
        assert got == [(expected // timedelta(microseconds=1),)]
        assert report.files[1].bad == []


def test_jsonl_properties_keep_their_written_text(tmp_path: Path) -> None:
    lines = [
        '{"event_id": "e1", "contact_id": "c1", "type": "t", "timestamp": "2026-01-01T00:00:00Z", "properties": {"url": "/a", "form": 12.50, "is_bot": true}}',
        "not json",
        [1, 2],
        {
            "event_id": "e2",
            "contact_id": "c1",
            "type": "t",
            "timestamp": "2026-01-01T00:00:00Z",
            "url": "/top",
            "properties": {"url": "/inner"},
        },
    ]
    text = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n\n"
    con, report = load(tmp_path, CONTACTS, text, ename="e.jsonl")
    got = rows(con, "SELECT event_id, url, form, is_bot FROM events ORDER BY event_id")
    # 12.50 keeps its text; true reads as 'true'; a top-level key wins over properties
    assert got == [("e1", "/a", "12.50", "true"), ("e2", "/top", None, None)]
    assert [(b.line, b.reason.split(":")[0]) for b in report.files[1].bad] == [
        (2, "not valid JSON"),
        (3, "a line must be a JSON object {...}"),
    ]


def test_jsonl_values_that_are_not_one_value_are_bad_rows_not_text(tmp_path: Path) -> None:
    """properties as the text of an object reads like the object; anything else in it, and an
    array, an object or a boolean where an id, a type or a value belongs, is a bad row."""
    head = '"contact_id": "c1", "type": "t", "timestamp": "2026-01-01T00:00:00Z"'
    lines = [
        f'{{"event_id": "e1", {head}, "properties": "{{\\"url\\": \\"/a\\"}}"}}',
        f'{{"event_id": "e2", {head}, "properties": "not json"}}',
        f'{{"event_id": "e3", {head}, "properties": ["/a"]}}',
        f'{{"event_id": "e4", {head}, "properties": 42}}',
        f'{{"event_id": ["e5"], {head}}}',
        f'{{"event_id": true, {head}}}',
        f'{{"event_id": "e7", {head}, "url": {{"path": "/a"}}}}',
        f'{{"event_id": "e8", {head}, "other": [1, 2]}}',  # not read: no matter
    ]
    con, report = load(tmp_path, CONTACTS, "\n".join(lines) + "\n", ename="e.jsonl")
    assert rows(con, "SELECT event_id, url FROM events ORDER BY event_id") == [("e1", "/a"), ("e8", None)]
    assert [(b.line, b.reason) for b in report.files[1].bad] == [
        (2, "properties is not valid JSON: Expecting value"),
        (3, "properties must be a JSON object {...}"),
        (4, "properties must be a JSON object {...}"),
        (5, "event_id: an array where one value belongs"),
        (6, "event_id: true is not an id, a type or a timestamp"),
        (7, "url: an object where one value belongs"),
    ]


def array_hint(tmp_path: Path, text: str, name: str) -> str:
    """The command the D008 hint for a JSON array file suggests."""
    with pytest.raises(LeadscoreError) as info:
        load(tmp_path, text, None, cname=name)
    d = info.value.diagnostics[0]
    assert d.code == "D008"
    assert d.hint is not None
    head, _, command = d.hint.partition("for instance with ")
    assert head == "write one object per line to a new file, "
    return command


def test_jsonl_without_a_required_key_or_holding_an_array_is_a_file_error(tmp_path: Path) -> None:
    with pytest.raises(LeadscoreError) as info:
        load(tmp_path, '{"id": "c1"}\n{"id": "c2"}\n', None, cname="c.jsonl")
    assert info.value.diagnostics[0].code == "D005"  # as for a CSV file without the column
    assert array_hint(tmp_path, '[\n  {"contact_id": "c1"},\n  {"contact_id": "c2"}\n]\n', "c.json") == (
        "jq -c '.[]' c.json > c.jsonl"
    )
    con, report = load(tmp_path, "\n", None, cname="c.jsonl")  # no line at all: an empty table
    assert rows(con, "SELECT count(*) FROM contacts") == [(0,)]
    assert report.diagnostics() == []  # no D102 for columns that no line could have had


def test_a_json_array_on_the_first_line_of_json_lines(tmp_path: Path) -> None:
    """Alone it is a JSON file (D008, and the hint never writes over the file it reads); before
    other lines it is one bad row: the rows after it were refused with it."""
    assert array_hint(tmp_path, '[{"contact_id": "c1"}, {"contact_id": "c2"}]\n', "c.jsonl") == (
        "jq -c '.[]' c.jsonl > c.lines.jsonl"
    )
    con, report = load(
        tmp_path, '[1, 2]\n{"contact_id": "c1"}\n{"contact_id": "c2"}\n', None, cname="c.jsonl"
    )
    assert rows(con, "SELECT contact_id FROM contacts ORDER BY 1") == [("c1",), ("c2",)]
    assert [(b.line, b.reason) for b in report.files[0].bad] == [(1, "a line must be a JSON object {...}")]


def test_csv_properties_column_and_gzip(tmp_path: Path) -> None:
    text = 'event_id,contact_id,type,timestamp,properties\ne1,c1,t,2026-01-01,"{""url"": ""/p"", ""is_bot"": false}"\ne2,c1,t,2026-01-01,{oops\n'
    path = tmp_path / "e.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    (tmp_path / "c.csv").write_text(CONTACTS, encoding="utf-8")
    con = duckdb.connect()
    report = load_inputs(con, tmp_path / "c.csv", path, SPEC, PROPS)
    assert rows(con, "SELECT event_id, url, is_bot FROM events") == [("e1", "/p", "false")]
    assert [(b.line, b.reason.split(":")[0]) for b in report.files[1].bad] == [
        (3, "properties is not valid JSON")
    ]


def test_parquet_typed_columns_struct_properties_and_row_numbers(tmp_path: Path) -> None:
    pq.write_table(
        pa.table(
            {
                "contact_id": ["c1", None, "c2"],
                "country": ["PL", "DE", None],
                "employees": pa.array([10.0, 1.0, 2.5]),  # 2.5 is not a whole number
                "vip": [True, False, None],
            }
        ),
        tmp_path / "c.parquet",
    )
    ts = pa.array([1767225600000000, None], pa.int64()).cast(pa.timestamp("us", tz="Europe/Warsaw"))
    props = pa.array(
        [{"url": "/a", "form": None}, {"url": None, "form": "f"}],
        pa.struct([("url", pa.string()), ("form", pa.string())]),
    )
    pq.write_table(
        pa.table(
            {
                "event_id": ["e1", "e2"],
                "contact_id": ["c1", "c1"],
                "type": ["t", "t"],
                "timestamp": ts,
                "properties": props,
            }
        ),
        tmp_path / "e.parquet",
    )
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'").fetchall()
    report = load_inputs(con, tmp_path / "c.parquet", tmp_path / "e.parquet", SPEC, PROPS)
    assert rows(con, "SELECT contact_id, country, employees, vip FROM contacts") == [("c1", "PL", 10, True)]
    assert [(b.line, b.reason) for b in report.files[0].bad] == [
        (2, "contact_id is empty"),
        (3, "employees: 2.5 is not a whole number"),
    ]
    assert rows(con, "SELECT event_id, ts_us, url FROM events") == [("e1", 1767225600000000, "/a")]
    assert [(b.line, b.reason) for b in report.files[1].bad] == [(2, "timestamp is empty")]
    assert report.files[0].missing_columns == ["budget"]


def test_missing_required_columns_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(LeadscoreError) as info:
        load(tmp_path, "id,country\n1,PL\n", None)
    assert info.value.diagnostics[0].code == "D005"
    with pytest.raises(LeadscoreError) as info:
        load(tmp_path, CONTACTS, "event_id,contact_id,when\ne1,c1,2026-01-01\n")
    assert info.value.diagnostics[0].code == "D006"
    assert "type, timestamp" in info.value.diagnostics[0].message


def test_an_unbalanced_quote_is_reported_and_the_rows_it_swallowed_are_read(tmp_path: Path) -> None:
    """`"UK` opens a quoted value that runs to the next quote, many lines on: that line is a bad
    row and the lines after it are read again; a well-formed value spanning lines still counts."""
    header = "contact_id,country,employees,budget,vip,note\n"
    body = [f"c{i},DE,{i},1,true,x\n" for i in range(1, 21)]
    body[1] = 'c2,PL,2,1,true,"two\nlines"\n'  # well-formed: one row on lines 3-4
    body[4] = 'c5,"UK,5,1,true,x\n'  # line 7 (after the two-line row), an unbalanced quote
    body[14] = 'c15,"UK,15,1,true,x\n'  # line 17: the quote of line 7 closes here
    con, report = load(tmp_path, header + "".join(body), None)
    assert [(b.line, b.reason) for b in report.files[0].bad] == [
        (
            7,
            'a quoted value opened on this line runs on to line 17; check for an unbalanced quote ("UK for UK)',
        ),
        (
            17,
            'a quoted value opened on this line runs on to line 22; check for an unbalanced quote ("UK for UK)',
        ),
    ]
    ids = [r[0] for r in rows(con, "SELECT contact_id FROM contacts ORDER BY _order")]
    assert ids == [f"c{i}" for i in range(1, 21) if i not in (5, 15)]
    assert rows(con, "SELECT note FROM contacts WHERE contact_id = 'c2'") == [("two\nlines",)]
    assert report.files[0].rows == 20 and report.files[0].loaded == 18  # noqa: PT018


def test_semicolon_csv_and_missing_file(tmp_path: Path) -> None:
    con, _ = load(tmp_path, "contact_id;country;employees\nc1;PL;5\n", None)
    assert rows(con, "SELECT contact_id, country, employees FROM contacts") == [("c1", "PL", 5)]
    with pytest.raises(LeadscoreError) as info:
        load_inputs(duckdb.connect(), tmp_path / "nope.csv", None, SPEC, PROPS)
    assert info.value.diagnostics[0].code == "D001"


@pytest.mark.parametrize(
    ("groups", "proven"),
    [
        ([["a", "b"], ["c", None]], True),
        ([[None, None], ["a", "b"]], True),  # a row group of missing values holds no empty text
        ([["a", "b"], ["", "c"]], False),  # the empty text in the second row group only
        ([["", None]], False),
    ],
)
def test_text_proven_never_empty_is_read_as_is_and_empty_text_still_counts_as_missing(
    tmp_path: Path, groups: list[list[str | None]], proven: bool
) -> None:
    """The loader skips turning empty text into a missing value only where the Parquet file's
    statistics prove there is none, in every row group; either way '' reads as missing."""
    from leadscore.data.loading import DuckDBExecutor, stage_input

    values = [v for g in groups for v in g]
    n = len(values)
    table = pa.table(
        {
            "event_id": [f"e{i}" for i in range(n)],
            "contact_id": ["c1"] * n,
            "type": ["page_view"] * n,
            "timestamp": pa.array([1_767_225_600_000_000] * n, pa.timestamp("us", "UTC")),
            "url": pa.array(values, pa.string()),
        }
    )
    epath = tmp_path / "e.parquet"
    pq.write_table(table, epath, row_group_size=len(groups[0]))
    con = duckdb.connect()
    raw = stage_input(con, epath, "events", "raw_events", None, {"url"}, {"contact_id"})
    assert (DuckDBExecutor(con).never_empty(raw, ["url"]) == {"url"}) is proven
    cpath = tmp_path / "c.csv"
    cpath.write_text("contact_id\nc1\n", encoding="utf-8")
    con = duckdb.connect()
    load_inputs(con, cpath, epath, SPEC, ("url",))
    assert rows(con, "SELECT count(url) FROM events")[0][0] == sum(1 for v in values if v)


@pytest.mark.parametrize(
    ("groups", "proven"),
    [
        ([["PL", "DE"], ["NO", None]], True),
        ([["PL", "DE"], ["", "NO"]], False),  # the empty text in the second row group only
    ],
)
def test_contact_text_proven_never_empty_is_read_as_is_and_empty_text_still_counts_as_missing(
    tmp_path: Path, groups: list[list[str | None]], proven: bool
) -> None:
    """The same for the contacts: a field, an unused column and the contact_id itself."""
    values = [v for g in groups for v in g]
    n = len(values)
    table = pa.table(
        {
            "contact_id": [f"c{i}" for i in range(n - 1)] + [""],  # the last id is empty: a bad row
            "country": pa.array(values, pa.string()),
            "note": pa.array(values, pa.string()),  # not a model field: kept for explain
        }
    )
    cpath = tmp_path / "c.parquet"
    pq.write_table(table, cpath, row_group_size=len(groups[0]))
    con = duckdb.connect()
    report = load_inputs(con, cpath, None, SPEC, PROPS)
    assert report.files[0].bad_total == 1  # the empty contact_id still counts as missing
    present = sum(1 for v in values[: n - 1] if v)
    assert rows(con, "SELECT count(country), count(note) FROM contacts") == [(present, present)]
    from leadscore.data.loading import DuckDBExecutor, stage_input

    con = duckdb.connect()
    raw = stage_input(con, cpath, "contacts", "raw_contacts", None, set(), {"contact_id"})
    assert (DuckDBExecutor(con).never_empty(raw, ["country", "note"]) == {"country", "note"}) is proven


def _load_bytes(tmp: Path, cname: str, contacts: bytes, ename: str | None = None, events: bytes = b"") -> Any:
    (tmp / cname).write_bytes(contacts)
    epath = None
    if ename is not None:
        epath = tmp / ename
        epath.write_bytes(events)
    con = duckdb.connect()
    return con, load_inputs(con, tmp / cname, epath, SPEC, PROPS)


def test_a_row_that_is_not_utf8_is_a_bad_row_and_the_rest_is_read(tmp_path: Path) -> None:
    # a Latin-1 'é' on line 3 of the contacts, a stray 0xff on line 3 of the events (CSV) and
    # on line 2 of JSON Lines events: each is reported with its line, the other rows count
    contacts = "contact_id,country\nc1,PL\nc2,Pé\nc3,DE\n".encode("latin-1")
    events = b"event_id,contact_id,type,timestamp\ne1,c1,x,2025-01-01\ne2,c3,x\xff,2025-01-01\n"
    con, report = _load_bytes(tmp_path, "c.csv", contacts, "e.csv", events)
    assert rows(con, "SELECT contact_id, country FROM contacts ORDER BY 1") == [("c1", "PL"), ("c3", "DE")]
    assert [(b.line, b.reason) for b in report.files[0].bad] == [
        (3, "not UTF-8 text (byte 0xe9); save the file as UTF-8")
    ]
    assert [(b.line, b.reason) for b in report.files[1].bad] == [
        (3, "not UTF-8 text (byte 0xff); save the file as UTF-8")
    ]
    assert rows(con, "SELECT event_id FROM events") == [("e1",)]
    lines = b'{"event_id":"e1","contact_id":"c1","type":"x","timestamp":"2025-01-01"}\n'
    lines += b'{"event_id":"e2","contact_id":"c1","type":"\xe9","timestamp":"2025-01-01"}\n'
    con, report = _load_bytes(tmp_path, "c.csv", b"contact_id\nc1\n", "e.jsonl", lines)
    assert [(b.line, b.reason) for b in report.files[1].bad] == [
        (2, "not UTF-8 text (byte 0xe9); save the file as UTF-8")
    ]


def test_a_lone_surrogate_escape_in_json_is_a_bad_row_and_the_rest_is_read(tmp_path: Path) -> None:
    """`"\\ud83d"` (an emoji cut in half by the program that wrote it) crashed the reader with a
    traceback, in a contacts file even in a key the model does not read; a pair is one character."""
    half = "half of a character (a UTF-16 surrogate without its pair), not text"
    contacts = b'{"contact_id":"c1","notes":"\\ud800"}\n{"contact_id":"c2","notes":"ok \\ud83d\\ude00"}\n'
    events = (
        b"event_id,contact_id,type,timestamp,properties\n"
        b'e1,c2,x,2025-01-01,"{""url"":""\\ud83d""}"\ne2,c2,x,2025-01-01,"{""url"":""/a""}"\n'
    )
    con, report = _load_bytes(tmp_path, "c.jsonl", contacts, "e.csv", events)
    assert rows(con, "SELECT contact_id, notes FROM contacts") == [("c2", "ok \U0001f600")]
    assert [(b.line, b.reason.split(" is ")[0], half in b.reason) for b in report.files[0].bad] == [
        (1, "\\ud800", True)
    ]
    assert [(b.line, b.reason.split(" is ")[0], half in b.reason) for b in report.files[1].bad] == [
        (2, "properties: \\ud83d", True)
    ]
    assert rows(con, "SELECT event_id, url FROM events") == [("e2", "/a")]
    lines = b'{"event_id":"e1","contact_id":"c2","type":"x","timestamp":"2025-01-01","url":"\\udc00x"}\n'
    lines += b'{"event_id":"e2","contact_id":"c2","type":"x","timestamp":"2025-01-01","url":"/b"}\n'
    con, report = _load_bytes(tmp_path, "c.csv", b"contact_id\nc2\n", "e.jsonl", lines)
    assert [b.line for b in report.files[1].bad] == [1]
    assert rows(con, "SELECT event_id, url FROM events") == [("e2", "/b")]


def test_the_json_report_tells_a_bad_row_from_a_repeated_id(tmp_path: Path) -> None:
    """`bad_examples` listed a repeated contact_id (D103, counted under duplicates) beside bad
    rows with nothing to tell them apart, while `bad_rows` said 0."""
    _, report = _load_bytes(tmp_path, "c.csv", b"contact_id,employees\nc1,5\nc1,6\nc2,many\n")
    js = report.files[0].to_json()
    assert (js["bad_rows"], js["duplicates"]) == (1, 1)
    assert sorted((e["line"], e["code"]) for e in js["bad_examples"]) == [(3, "D103"), (4, "D101")]


def test_an_empty_properties_text_holds_no_properties_in_json_lines_as_in_csv(tmp_path: Path) -> None:
    """`"properties": ""` was a bad row ("properties is not valid JSON") where an empty CSV cell
    reads as no properties."""
    lines = b'{"event_id":"e1","contact_id":"c1","type":"x","timestamp":"2025-01-01","properties":""}\n'
    lines += b'{"event_id":"e2","contact_id":"c1","type":"x","timestamp":"2025-01-01","properties":"{\\"url\\":\\"/a\\"}"}\n'
    con, report = _load_bytes(tmp_path, "c.csv", b"contact_id\nc1\n", "e.jsonl", lines)
    assert report.files[1].bad == []
    assert rows(con, "SELECT event_id, url FROM events ORDER BY 1") == [("e1", None), ("e2", "/a")]


def test_a_carriage_return_inside_a_json_line_is_whitespace(tmp_path: Path) -> None:
    """JSON Lines ends a line at \\n: a bare \\r inside an object (JSON's whitespace) split it
    into two bad rows, and every later line number was one off."""
    contacts = b'{"contact_id":"c1",\r"country":"PL"}\r\n{"contact_id":"c2",\n{"contact_id":"c3","country":"x\tDE"}\n'
    con, report = _load_bytes(tmp_path, "c.jsonl", contacts)
    assert rows(con, "SELECT contact_id, country FROM contacts ORDER BY 1") == [("c1", "PL")]
    assert [(b.line, b.reason) for b in report.files[0].bad] == [
        (2, "not valid JSON: Expecting property name enclosed in double quotes at column 20"),
        (3, "not valid JSON: Invalid control character at column 32"),  # was "at at column"
    ]


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("c.csv", "contact_id,country\nc1,PL\n".encode("utf-16"), "it is UTF-16 text"),
        ("c.csv", b"contact_\xe9id,country\nc1,PL\n", "its header row is not UTF-8 text (byte 0xe9)"),
        ("c.csv.gz", b"not gzip at all", "Not a gzipped file"),
        ("c.csv.gz", gzip.compress(b"contact_id\n" + b"c1\n" * 1000)[:40], "Truncated compressed stream"),
        ("c.jsonl.gz", gzip.compress(b'{"contact_id":"c1"}\n' * 1000)[:40], "end-of-stream marker"),
        ("c.parquet", b"PAR1 not really", "cannot be read as Parquet"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_user_error(
    tmp_path: Path, name: str, data: bytes, says: str
) -> None:
    with pytest.raises(LeadscoreError) as info:
        _load_bytes(tmp_path, name, data)
    d = info.value.diagnostics[0]
    assert d.code == "D008"
    assert says in d.message
    assert d.location is not None  # the file is the diagnostic's `file` (it was only in the text)
    assert Path(d.location.file).name == name
    assert d.hint


def test_a_truncated_parquet_file_is_a_user_error(tmp_path: Path) -> None:
    whole = tmp_path / "whole.parquet"
    pq.write_table(pa.table({"contact_id": [f"c{i}" for i in range(1000)]}), whole)
    data = whole.read_bytes()
    with pytest.raises(LeadscoreError) as info:
        _load_bytes(tmp_path, "c.parquet", data[: len(data) // 2])
    assert info.value.diagnostics[0].code == "D008"
    assert "No magic bytes" in info.value.diagnostics[0].message


def test_columns_differing_only_in_case_are_refused_where_they_are_read(tmp_path: Path) -> None:
    # the engines compare column names without case: DuckDB would read the second as tier_1
    writers: list[tuple[str, Callable[[Path], object]]] = [
        ("c.csv", lambda p: p.write_text("contact_id,Tier,tier\nc1,gold,x\n", encoding="utf-8")),
        (
            "c.parquet",
            lambda p: pq.write_table(pa.table({"contact_id": ["c1"], "Tier": ["gold"], "tier": ["x"]}), p),
        ),
        (
            "c.jsonl",
            lambda p: p.write_text('{"contact_id": "c1", "Tier": "gold", "tier": "x"}\n', encoding="utf-8"),
        ),
    ]
    tiered = ContactSpec({**SPEC.fields, "tier": "string"})
    for name, write in writers:
        write(tmp_path / name)
        with pytest.raises(LeadscoreError) as info:
            load_inputs(duckdb.connect(), tmp_path / name, None, tiered, PROPS)
        assert info.value.diagnostics[0].code == "D004"
        assert "differ only in letter case: Tier/tier" in info.value.diagnostics[0].message
        # a model that reads neither: the pair is left out (a text file) or kept apart
        # (Parquet: tier_1), and the file is read
        con = duckdb.connect()
        load_inputs(con, tmp_path / name, None, SPEC, PROPS)
        assert rows(con, "SELECT contact_id FROM contacts") == [("c1",)]
    # JSON Lines: the other spelling on one line among many is named with its line (it had none)
    many = [{"contact_id": f"c{i}", "tier": "x"} for i in range(1, 40)]
    many[30] = {"contact_id": "c31", "Tier": "gold"}
    (tmp_path / "many.jsonl").write_text("".join(json.dumps(r) + "\n" for r in many), encoding="utf-8")
    with pytest.raises(LeadscoreError) as info:
        load_inputs(duckdb.connect(), tmp_path / "many.jsonl", None, tiered, PROPS)
    [d] = info.value.diagnostics
    assert (d.code, d.location.line if d.location else None) == ("D004", 31)
    assert d.message.endswith("Tier/tier ('Tier' first on line 31)")
    # in the events only the columns leadscore reads matter: a clash among others is harmless
    (tmp_path / "ok.csv").write_text("contact_id\nc1\n", encoding="utf-8")
    events = pa.table({"event_id": ["e1"], "contact_id": ["c1"], "type": ["x"], "timestamp": ["2026-01-01"],
                       "Note": ["a"], "note": ["b"], "url": ["/u"]})  # fmt: skip
    pq.write_table(events, tmp_path / "e.parquet")
    con = duckdb.connect()
    load_inputs(con, tmp_path / "ok.csv", tmp_path / "e.parquet", SPEC, PROPS)
    assert rows(con, "SELECT url FROM events") == [("/u",)]
    pq.write_table(events.rename_columns([*events.column_names[:6], "URL"]), tmp_path / "e2.parquet")
    pq.write_table(events.append_column("URL", pa.array(["/x"])), tmp_path / "e3.parquet")
    with pytest.raises(LeadscoreError) as info:
        load_inputs(duckdb.connect(), tmp_path / "ok.csv", tmp_path / "e3.parquet", SPEC, PROPS)
    assert "URL/url" in info.value.diagnostics[0].message
    # a column named like a field in other case is not that field: the field is missing
    con = duckdb.connect()
    report = load_inputs(con, tmp_path / "ok.csv", tmp_path / "e2.parquet", SPEC, PROPS)
    assert rows(con, "SELECT url FROM events") == [(None,)]
    assert "url" in report.files[1].missing_columns


def test_a_contact_column_in_other_case_than_the_field_is_not_the_field(tmp_path: Path) -> None:
    con, report = load(tmp_path, "contact_id,Country\nc1,PL\n", None)
    assert rows(con, "SELECT country FROM contacts") == [(None,)]
    assert "country" in report.files[0].missing_columns
    assert "Country" not in [r[0] for r in rows(con, "DESCRIBE SELECT * FROM contacts")]


def test_whole_numbers_beyond_64_bits_are_bad_rows_not_errors(tmp_path: Path) -> None:
    table = pa.table({"contact_id": ["c1", "c2", "c3", "c4"], "employees": [1e30, 50.0, -9.3e18, 2.5]})
    pq.write_table(table, tmp_path / "c.parquet")
    con = duckdb.connect()
    report = load_inputs(con, tmp_path / "c.parquet", None, SPEC, PROPS)
    assert rows(con, "SELECT contact_id, employees FROM contacts") == [("c2", 50)]
    assert [(b.line, b.reason) for b in report.files[0].bad] == [
        (1, "employees: 1e+30 is a whole number beyond 64 bits (more than 9.2e18 from zero)"),
        (3, "employees: -9.3e+18 is a whole number beyond 64 bits (more than 9.2e18 from zero)"),
        (4, "employees: 2.5 is not a whole number"),
    ]
    con, report = load(tmp_path, "contact_id,employees\nc1,99999999999999999999\nc2,-12\nc3,x\n", None)
    assert rows(con, "SELECT contact_id, employees FROM contacts") == [("c2", -12)]
    assert [(b.line, b.reason) for b in report.files[0].bad] == [
        (
            2,
            "employees: '99999999999999999999' is a whole number beyond 64 bits (more than 9.2e18 from zero)",
        ),
        (4, "employees: 'x' is not a whole number"),
    ]


def test_folders_the_embedded_engine_cannot_read_are_d002(tmp_path: Path) -> None:
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "a.csv").write_text("contact_id\nc1\n")
    (tmp_path / "empty" / "_temporary").mkdir(parents=True)
    (tmp_path / "empty" / "_SUCCESS").write_text("")
    for folder, says in (("csv", "is a folder of csv files"), ("empty", "is a folder with no data file")):
        with pytest.raises(LeadscoreError) as info:
            load_inputs(duckdb.connect(), tmp_path / folder, None, SPEC, PROPS)
        d = info.value.diagnostics[0]
        assert d.code == "D002"
        assert says in d.message


def test_unsigned_and_128_bit_parquet_integers_beyond_64_bits_are_bad_rows(tmp_path: Path) -> None:
    big = 2**64 - 1
    table = pa.table(
        {
            "contact_id": ["c1", "c2", "c3"],
            "employees": pa.array([big, 150, 2**63 - 1024], pa.uint64()),
        }
    )
    pq.write_table(table, tmp_path / "c.parquet")
    con = duckdb.connect()
    report = load_inputs(con, tmp_path / "c.parquet", None, SPEC, PROPS)
    assert [(b.line, b.reason) for b in report.files[0].bad] == [
        (1, f"employees: {big} is a whole number beyond 64 bits (more than 9.2e18 from zero)")
    ]
    assert rows(con, "SELECT contact_id, employees FROM contacts ORDER BY _order") == [
        ("c2", 150),
        ("c3", 2**63 - 1024),
    ]


def test_a_key_given_twice_in_a_json_line_is_a_bad_row_when_it_is_read(tmp_path: Path) -> None:
    head = '"type": "t", "timestamp": "2026-01-01T00:00:00Z"'
    lines = [
        f'{{"event_id": "e1", "contact_id": "c1", "contact_id": "c2", {head}}}',
        f'{{"event_id": "e2", "contact_id": "c1", {head}, "properties": {{"url": "/a", "url": "/b"}}}}',
        f'{{"event_id": "e3", "contact_id": "c1", {head}, "note": "x", "note": "y"}}',  # not read
        f'{{"event_id": "e4", "contact_id": "c1", {head}, "properties": "{{\\"url\\": \\"/a\\", \\"url\\": \\"/b\\"}}"}}',
    ]
    con, report = load(tmp_path, CONTACTS, "\n".join(lines) + "\n", ename="e.jsonl")
    assert rows(con, "SELECT event_id FROM events ORDER BY event_id") == [("e3",)]
    assert [(b.line, b.reason) for b in report.files[1].bad] == [
        (1, "the key 'contact_id' is given twice; which one counts is unclear"),
        (2, "the key 'url' is given twice; which one counts is unclear"),
        (4, "properties: the key 'url' is given twice; which one counts is unclear"),
    ]


def test_an_integer_written_with_an_exponent_says_so(tmp_path: Path) -> None:
    # a JSON number may be written 1e3; an integer field reads plain digits (and 2.5 is no whole number)
    contacts = "contact_id,employees\nc1,1e3\nc2,2.5\nc3,+1500\n"
    con, report = load(tmp_path, contacts, None)
    assert rows(con, "SELECT contact_id, employees FROM contacts") == [("c3", 1500)]
    assert [(b.line, b.reason) for b in report.files[0].bad] == [
        (
            2,
            "employees: '1e3' is written with an exponent; an integer field takes plain digits, such as 1500",
        ),
        (3, "employees: '2.5' is not a whole number"),
    ]


def shadowed_warnings(report: LoadReport) -> list[str]:
    return [d.message for d in report.diagnostics() if d.code == "D107"]


def test_a_property_given_as_a_column_and_inside_properties_is_reported(tmp_path: Path) -> None:
    # CSV: a url column and a url key inside properties (the column is read); form only inside
    head = "event_id,contact_id,type,timestamp,url,properties\n"
    csv = head + 'e1,c1,t,2026-01-01T00:00:00Z,/col,"{""url"": ""/inside"", ""form"": ""f""}"\n'
    con, report = load(tmp_path, CONTACTS, csv)
    assert rows(con, "SELECT url, form FROM events") == [("/col", "f")]
    assert shadowed_warnings(report) == [
        "'url' is given both as a column and inside properties; the column is read"
    ]
    # JSON Lines: a top-level key and the same key inside properties
    line = {"event_id": "e1", "contact_id": "c1", "type": "t", "timestamp": "2026-01-01T00:00:00Z",
            "form": "top", "properties": {"form": "inside", "url": "/u"}}  # fmt: skip
    con, report = load(tmp_path, CONTACTS, json.dumps(line) + "\n", ename="e.jsonl")
    assert rows(con, "SELECT url, form FROM events") == [("/u", "top")]
    assert shadowed_warnings(report) == [
        "'form' is given both as a column and inside properties; the column is read"
    ]
    # Parquet with a struct properties column
    table = pa.table(
        {
            "event_id": ["e1"], "contact_id": ["c1"], "type": ["t"], "timestamp": ["2026-01-01T00:00:00Z"],
            "url": ["/col"], "properties": [{"url": "/inside", "form": "f"}],
        }
    )  # fmt: skip
    pq.write_table(table, tmp_path / "e.parquet")
    (tmp_path / "c.csv").write_text(CONTACTS, encoding="utf-8")
    con = duckdb.connect()
    report = load_inputs(con, tmp_path / "c.csv", tmp_path / "e.parquet", SPEC, PROPS)
    assert rows(con, "SELECT url, form FROM events") == [("/col", "f")]
    assert shadowed_warnings(report) == [
        "'url' is given both as a column and inside properties; the column is read"
    ]
    # no clash, no warning
    plain = (
        'event_id,contact_id,type,timestamp,properties\ne1,c1,t,2026-01-01T00:00:00Z,"{""url"": ""/u""}"\n'
    )
    _, report = load(tmp_path, CONTACTS, plain)
    assert shadowed_warnings(report) == []


def test_bad_rows_beyond_those_listed_are_counted_by_reason(tmp_path: Path) -> None:
    """The first MAX_LISTED are D101 rows; D100 counts the rest, and its reasons count all."""
    lines = ["contact_id,employees"]
    lines += [f"c{i},{'many' if i % 3 else ''}" if i % 2 else f",{i}" for i in range(30)]
    _, report = load(tmp_path, "\n".join(lines) + "\n", None)
    f = report.files[0]
    assert f.bad_total == 25  # 15 without an id, 10 of the odd ones with 'many'
    diags = [d for d in report.diagnostics() if d.code != "D102"]  # SPEC's other fields: not in the file
    assert [d.code for d in diags] == ["D101"] * MAX_LISTED + ["D100"]
    assert diags[-1].message == (
        f"{25 - MAX_LISTED} more bad rows not listed (all 25 by reason: 15 × contact_id is empty, 10 × employees)"
    )


def test_a_json_line_cut_short_is_reported_at_its_end(tmp_path: Path) -> None:
    # the line's own newline made json report "line 2, column 1" of a one-line text
    _, report = load(tmp_path, '{"contact_id": "c1"}\n{"contact_id":"c2",\n', None, cname="c.jsonl")
    assert [(b.line, b.reason) for b in report.files[0].bad] == [
        (2, "not valid JSON: Expecting property name enclosed in double quotes at column 20")
    ]


def test_blank_lines_of_a_csv_file_hold_no_row(tmp_path: Path) -> None:
    """As in JSON Lines: the fast reader made each an empty row ("contact_id is empty")."""
    con, report = load(tmp_path, "contact_id,country\nc1,PL\n\nc2,NO\n\n", None)
    assert rows(con, "SELECT contact_id FROM contacts ORDER BY 1") == [("c1",), ("c2",)]
    assert report.files[0].bad == []
    con, report = load(tmp_path, "contact_id,country\nc1,PL\n\nc2,\n,x\n", None)
    assert [(b.line, b.reason) for b in report.files[0].bad] == [(5, "contact_id is empty")]


def test_events_of_contacts_whose_row_was_bad_are_said_to_count_as_unknown(tmp_path: Path) -> None:
    contacts = FileReport("c.csv", "contacts")
    contacts.bad_total = 2
    report = LoadReport([contacts, FileReport("e.csv", "events")], unknown_contact_events=3)
    [d104] = [d for d in report.diagnostics() if d.code == "D104"]
    assert (
        d104.hint
        == "2 contact rows were bad (D101 above): the events of a contact whose row was bad count here too"
    )
    contacts.bad_total = 0
    [d104] = [d for d in report.diagnostics() if d.code == "D104"]
    assert d104.hint is None


def test_a_missing_column_given_in_other_letter_case_is_named(tmp_path: Path) -> None:
    _, report = load(tmp_path, "contact_id,Country,employees,budget,vip\nc1,PL,1,1,true\n", None)
    [d102] = [d for d in report.diagnostics() if d.code == "D102"]
    assert d102.message.startswith("the model reads 'country', which is not a column of this file")
    assert d102.hint == "the file has 'Country': names must match in letter case too"


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_a_row_with_other_bytes_and_cells_is_one_bad_row_and_no_noise(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """pyarrow failed to decode such a row inside its own callback, and Python printed a
    traceback ("Exception ignored in: … UnicodeDecodeError") beside the D101."""
    data = b"contact_id,country\nc1,PL\nc2,caf\xe9,z\nc3,NO\n"
    con, report = _load_bytes(tmp_path, "c.csv", data)
    assert rows(con, "SELECT contact_id FROM contacts ORDER BY 1") == [("c1",), ("c3",)]
    assert [(b.line, b.reason) for b in report.files[0].bad] == [(3, "expected 2 cells, found 3")]
    assert capfd.readouterr().err == ""


def test_a_header_only_csv_still_says_which_columns_it_lacks(tmp_path: Path) -> None:
    _, report = load(tmp_path, "contact_id,country\n", None)
    missing = sorted(d.message.split("'")[1] for d in report.diagnostics() if d.code == "D102")
    assert missing == ["budget", "employees", "vip"]
    # a JSON Lines file whose only line is bad cannot tell: its columns are not missing
    _, report = load(tmp_path, CONTACTS, '{"event_id": "e1", "event_id": "e2"}\n', ename="e.jsonl")
    on_events = [d for d in report.diagnostics() if d.location and d.location.file.endswith("e.jsonl")]
    assert [d.code for d in on_events] == ["D101"]


def test_a_required_or_read_column_in_other_letter_case_is_named(tmp_path: Path) -> None:
    """`Contact_ID` got "the contacts have no contact_id column" and nothing more; the events'
    id, type and timestamp in other case likewise; an event property (`URL`) got "check the
    spelling", where a contact field already got "the file has 'Country'"."""
    with pytest.raises(LeadscoreError) as info:
        _load_bytes(tmp_path, "c.csv", b"Contact_ID,country\nc1,PL\n")
    assert info.value.diagnostics[0].hint == (
        "the file has 'Contact_ID': names must match in letter case too; rename it contact_id"
    )
    with pytest.raises(LeadscoreError) as info:
        _load_bytes(tmp_path, "c.csv", b"contact_id\nc1\n", "e.csv", b"event_id,Contact_Id,Type,timestamp\n")
    d = info.value.diagnostics[0]
    assert (d.code, d.message) == ("D006", "the events have no contact_id, type column")
    assert d.hint == (
        "the file has 'Contact_Id', 'Type': names must match in letter case too; rename them contact_id, type"
    )
    events = b"event_id,contact_id,type,timestamp,URL\ne1,c1,x,2025-01-01,https://a\n"
    _, report = _load_bytes(tmp_path, "c.csv", b"contact_id\nc1\n", "e.csv", events)
    assert next(f for f in report.files if f.kind == "events").alike_columns == {"url": "URL"}


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        (
            "c.csv",
            b"sep=;\ncontact_id;country\nc1;PL\n",
            "its first line 'sep=;' is Excel's note of the delimiter",
        ),
        (
            "c.jsonl",
            b'{\n  "contact_id": "c1"\n}\n',
            "it holds JSON written over several lines (pretty-printed)",
        ),
    ],
)
def test_an_excel_delimiter_line_and_pretty_printed_json_are_named(
    tmp_path: Path, name: str, data: bytes, says: str
) -> None:
    """`sep=;` was taken for the header (D005: no contact_id column); a pretty-printed object
    gave one D101 per line of it."""
    with pytest.raises(LeadscoreError) as info:
        _load_bytes(tmp_path, name, data)
    d = info.value.diagnostics[0]
    assert (d.code, d.message.startswith(f"cannot be read: {says}")) == ("D008", True)


def test_a_key_only_bad_lines_give_is_not_called_missing(tmp_path: Path) -> None:
    """`url` on a line that is a bad row (its country is an array) made D102 say the file has no
    column `url`: it has, on that line only."""
    events = (
        b'{"event_id": "e1", "contact_id": "c1", "type": "x", "timestamp": "2025-01-01"}\n'
        b'{"event_id": "e2", "contact_id": ["c1"], "type": "x", "timestamp": "2025-01-01", "url": "https://a"}\n'
    )
    _, report = _load_bytes(tmp_path, "c.csv", b"contact_id\nc1\n", "e.jsonl", events)
    files = {f.kind: f for f in report.files}
    assert [b.reason for b in files["events"].bad] == ["contact_id: an array where one value belongs"]
    assert "url" not in files["events"].missing_columns
    assert "form" in files["events"].missing_columns  # no line gives it
