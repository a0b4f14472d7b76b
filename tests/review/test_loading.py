"""Outcomes and feedback files: typed, checked, bad rows reported with file, line and reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from leadscore.data.outcomes import load_feedback, load_outcomes
from leadscore.diagnostics import LeadscoreError

OUTCOMES = """contact_id,outcome,timestamp,value,reason
c1,SQL,2026-08-02T10:00:00+02:00,,
c2,won,2026-08-03,1200.50,
c3,closed,2026-08-03,,
,won,2026-08-03,,
c4,won,yesterday,,
c5,lost,,abc,price
c6,Won,,,
c7,lost,2026-08-04,,"price, and
timing"
c8,,2026-08-04,,
"""


def connect() -> Any:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'").fetchall()
    return con


def test_outcomes_are_typed_and_bad_rows_reported_with_lines(tmp_path: Path) -> None:
    path = tmp_path / "outcomes.csv"
    path.write_text(OUTCOMES, encoding="utf-8")
    con = connect()
    report = load_outcomes(con, path)
    assert [(b.line, b.reason) for b in report.bad] == [
        (4, "outcome: 'closed' is not one of sal, sql, opportunity, won, lost, disqualified"),
        (5, "contact_id is empty"),
        (6, "timestamp: 'yesterday' is not a timestamp of the form 2026-01-01T09:30:00Z (ISO 8601 extended)"),
        (7, "value: 'abc' is not a number"),
        (11, "outcome is empty"),  # c7's reason spans lines 9-10
    ]
    assert (report.rows, report.loaded, report.bad_total) == (9, 4, 5)
    assert report.bad_by_reason == {
        "outcome": 1,
        "contact_id is empty": 1,
        "timestamp": 1,
        "value": 1,
        "outcome is empty": 1,
    }
    rows = con.execute(
        "SELECT contact_id, outcome, ts_us, value, reason FROM outcomes ORDER BY contact_id"
    ).fetchall()
    assert rows == [
        ("c1", "sql", 1785657600000000, None, None),  # 10:00 at +02:00 is 08:00 UTC; lower-cased
        ("c2", "won", 1785715200000000, 1200.5, None),
        ("c6", "won", None, None, None),  # no timestamp: a label only
        ("c7", "lost", 1785801600000000, None, "price, and\ntiming"),
    ]


def test_feedback_verdicts_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "feedback.jsonl"
    lines = [
        {"contact_id": "c1", "verdict": "Accepted", "timestamp": "2026-08-02"},
        {"contact_id": "c2", "verdict": "maybe", "reason": "unsure"},
        "not json",
        {"contact_id": "c3", "verdict": "rejected", "reason": "no budget", "note": "called twice"},
    ]
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n", encoding="utf-8"
    )
    con = connect()
    report = load_feedback(con, path)
    assert [(b.line, b.reason.split(":")[0]) for b in report.bad] == [(2, "verdict"), (3, "not valid JSON")]
    assert report.bad[0].reason == "verdict: 'maybe' is not one of accepted, rejected"
    rows = con.execute(
        "SELECT contact_id, verdict, reason, note, ts_us IS NULL FROM feedback ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("c1", "accepted", None, None, False),
        ("c3", "rejected", "no budget", "called twice", True),
    ]


def test_parquet_outcomes_report_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "outcomes.parquet"
    table = pa.table(
        {
            "contact_id": ["a", "b", None, "d"],
            "outcome": ["won", "opportunity", "sql", "signed"],
            "timestamp": pa.array([1, 2, 3, None], type=pa.timestamp("us", tz="UTC")),
            "value": [1.0, None, None, 2.0],
        }
    )
    pq.write_table(table, path)
    con = connect()
    report = load_outcomes(con, path)
    assert [(b.line, b.reason) for b in report.bad] == [
        (3, "contact_id is empty"),
        (4, "outcome: 'signed' is not one of sal, sql, opportunity, won, lost, disqualified"),
    ]
    assert con.execute("SELECT contact_id, ts_us FROM outcomes ORDER BY 1").fetchall() == [("a", 1), ("b", 2)]


def test_a_file_without_timestamps_is_label_only(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("contact_id,outcome\na,won\nb,lost\n", encoding="utf-8")
    con = connect()
    report = load_outcomes(con, path)
    assert report.loaded == 2
    assert report.notes == ["no timestamp column: every row is a label only"]
    assert con.execute("SELECT count(*) FROM outcomes WHERE ts_us IS NULL").fetchall() == [(2,)]


@pytest.mark.parametrize(
    ("loader", "text", "missing"),
    [
        (load_outcomes, "contact_id,result\na,won\n", "outcome"),
        (load_feedback, "id,verdict\na,accepted\n", "contact_id"),
    ],
)
def test_a_missing_required_column_stops_with_d007(
    tmp_path: Path, loader: Any, text: str, missing: str
) -> None:
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LeadscoreError) as err:
        loader(connect(), path)
    d = err.value.diagnostics[0]
    assert (d.code, d.location.line if d.location else None) == ("D007", 1)
    assert missing in d.message
