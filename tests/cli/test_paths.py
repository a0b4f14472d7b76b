"""Where output goes, and what the command line names: an output that is an input, a folder, or
a place that cannot be written; a database, table or column that does not exist. Each is a
coded one-line error with exit code 2 before any work, never a traceback or a lost input."""

from __future__ import annotations

import subprocess
from pathlib import Path

import click
import duckdb
import pytest
from click.testing import CliRunner

from leadscore.cli.main import handle_errors
from tests.cli.test_cli import AS_OF, CONTACTS, EVENTS, MODEL, args, leadscore


@pytest.fixture
def data(tmp_path: Path) -> Path:
    (tmp_path / "contacts.csv").write_text(CONTACTS)
    (tmp_path / "events.csv").write_text(EVENTS)
    return tmp_path


def fails_with(result: subprocess.CompletedProcess[str], code: str) -> str:
    assert result.returncode == 2, result.stderr
    out = result.stdout + result.stderr
    assert f"{code}:" in out or f'"code": "{code}"' in out, out
    assert "Traceback" not in out
    return out


def test_scores_written_over_an_input_are_refused_and_the_input_kept(data: Path) -> None:
    before = (data / "contacts.csv").read_bytes()
    for name in ("contacts.csv", "events.csv"):
        fails_with(leadscore("score", *args(data, "--out", str(data / name))), "O004")
    assert (data / "contacts.csv").read_bytes() == before
    parts = data / "parts"
    parts.mkdir()
    duckdb.sql(
        f"COPY (SELECT * FROM read_csv('{data / 'contacts.csv'}', all_varchar=true)) TO '{parts / 'p1.parquet'}'"
    )
    out = fails_with(
        leadscore(
            "score", "-m", str(MODEL), "-c", str(parts), "--as-of", AS_OF, "--out", str(parts / "s.parquet")
        ),
        "O004",
    )
    assert "one of this run's inputs" in out
    assert sorted(p.name for p in parts.iterdir()) == ["p1.parquet"]


def test_an_output_that_is_a_folder_or_cannot_be_written(data: Path) -> None:
    (data / "out.csv").mkdir()
    out = fails_with(leadscore("score", *args(data, "--out", str(data / "out.csv"))), "O003")
    assert "it is a folder" in out
    assert sorted(p.name for p in data.iterdir()) == ["contacts.csv", "events.csv", "out.csv"]  # no .tmp left
    fails_with(leadscore("score", *args(data, "--out", "/proc/scores.csv")), "O003")
    fails_with(leadscore("schema", "--out", str(data / "missing" / "schema.json")), "O003")
    fails_with(leadscore("schema", "--out", str(data / "out.csv")), "O003")


def test_a_report_written_over_the_outcomes_is_refused(data: Path) -> None:
    outcomes = data / "outcomes.csv"
    outcomes.write_text("contact_id,outcome,timestamp\nc1,won,2026-02-01T00:00:00Z\n")
    before = outcomes.read_bytes()
    result = leadscore(
        "evaluate", "-m", str(MODEL), "-c", str(data / "contacts.csv"), "-e", str(data / "events.csv"),
        "--outcomes", str(outcomes), "--cutoff", AS_OF, "--horizon", "90d", "--out", str(outcomes), "--format", "json",
    )  # fmt: skip
    fails_with(result, "O004")
    assert outcomes.read_bytes() == before


def test_databases_tables_and_columns_that_do_not_exist(data: Path) -> None:
    (data / "folder.duckdb").mkdir()
    fails_with(leadscore("score", *args(data, "--db", str(data / "folder.duckdb"))), "C004")
    fails_with(leadscore("score", *args(data, "--db", str(data / "no" / "x.duckdb"))), "C004")
    db = data / "crm.duckdb"
    with duckdb.connect(str(db)) as con:
        for name in ("contacts", "events"):
            con.execute(
                f"CREATE TABLE crm_{name} AS SELECT * FROM read_csv('{data / name}.csv', all_varchar=true)"
            )
    base = ["score", "-m", str(MODEL), "--as-of", AS_OF, "--db", str(db)]
    tables = ["--contacts-table", "crm_contacts", "--events-table", "crm_events"]
    out = fails_with(leadscore(*base, "--contacts-table", "nope"), "C005")
    assert "nope" in out
    fails_with(leadscore(*base, "--contacts-table", "crm_contacts", "--events-table", "nope"), "C005")
    out = fails_with(leadscore(*base, *tables, "--order-by", "nope"), "C005")
    assert "event_id" in out  # the hint lists the columns
    fails_with(leadscore(*base, *tables, "--out-table", "nosuch.scores"), "C006")
    fails_with(leadscore(*base, *tables, "--out-table", "crm_contacts"), "O004")
    # the same table under another name: it was replaced by the scores
    fails_with(leadscore(*base, *tables, "--out-table", "main.CRM_Events"), "O004")
    # no database to keep the table in: the scores were thrown away with "→ table scores"
    no_db = ["score", "-m", str(MODEL), "--as-of", AS_OF, "-c", str(data / "contacts.csv")]
    fails_with(leadscore(*no_db, "--out-table", "scores"), "C006")
    ok = leadscore(*base, *tables, "--out-table", "scores", "-q")
    assert ok.returncode == 0, ok.stderr
    with duckdb.connect(str(db)) as con:
        assert con.execute("SELECT count(*) FROM crm_contacts").fetchall() == [(3,)]
        assert con.execute("SELECT count(*) FROM crm_events").fetchall()[0][0] > 2
        assert con.execute("SELECT count(*) FROM scores").fetchall() == [(2,)]  # c2's row is bad


def test_ctrl_c_inside_a_duckdb_statement_exits_130_and_other_errors_still_surface() -> None:
    @click.command()
    @click.argument("message")
    @handle_errors
    def cmd(message: str) -> None:
        raise RuntimeError(message)

    interrupted = CliRunner().invoke(cmd, ["Query interrupted"])
    assert interrupted.exit_code == 130
    other = CliRunner().invoke(cmd, ["something else"])
    assert isinstance(other.exception, RuntimeError)  # a bug stays a bug, not a quiet exit
    with pytest.raises(RuntimeError, match="something else"):
        CliRunner().invoke(cmd, ["something else"], catch_exceptions=False)
