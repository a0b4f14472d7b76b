"""Instants and durations on the command line at the ends of what leadscore accepts: a usage
error (exit code 2) that says why, never an overflow deep inside a command."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadscore.durations import parse_instant
from leadscore.model.loader import validate_text
from tests.cli.test_cli import CONTACTS, EVENTS, MODEL, leadscore


@pytest.fixture
def data(tmp_path: Path) -> Path:
    (tmp_path / "contacts.csv").write_text(CONTACTS)
    (tmp_path / "events.csv").write_text(EVENTS)
    (tmp_path / "outcomes.csv").write_text("contact_id,outcome,timestamp\nc1,won,2026-02-01T00:00:00Z\n")
    return tmp_path


def test_instants_are_within_the_years_1000_to_8999() -> None:
    assert parse_instant("1000-01-01T00:00:00Z") == -30610224000000000
    assert parse_instant("8999-12-31T23:59:59.999999Z") > 0
    for text in (
        "0999-12-31T23:59:59Z",
        "1000-01-01T00:00:00+05:00",
        "9000-01-01T00:00:00Z",
        "8999-12-31T23:00:00-05:00",
    ):
        with pytest.raises(ValueError, match="is outside the years 1000 to 8999"):
            parse_instant(text)


@pytest.mark.parametrize(
    ("command", "says"),
    [
        (["score", "--as-of", "0001-01-01T00:00:00+05:00"], "is outside the years 1000 to 8999"),
        (["compile", "--as-of", "9999-12-31T23:59:59-05:00"], "is outside the years 1000 to 8999"),
        (
            ["evaluate", "--outcomes", "{data}/outcomes.csv", "--cutoff", "9999-12-31", "--horizon", "90d"],
            "outside",
        ),
        (
            ["evaluate", "--outcomes", "{data}/outcomes.csv", "--cutoff", "2026-01-01", "--horizon", "0d"],
            "no time at all",
        ),
        (
            ["journeys", "--outcomes", "{data}/outcomes.csv", "--as-of", "2026-01-01", "--period", "0h"],
            "no time at all",
        ),
        (
            ["backtest", "-m", str(MODEL), "--from", "2026-01-01", "--to", "2026-02-01", "--tick", "0d"],
            "no time at all",
        ),
        (["status", "--today", "9999-12-31"], "is outside the years 1000 to 8999"),
    ],
)
def test_instants_and_durations_out_of_range_are_usage_errors(
    data: Path, command: list[str], says: str
) -> None:
    name, *rest = command
    inputs = (
        []
        if name in ("compile", "status")
        else ["-c", str(data / "contacts.csv"), "-e", str(data / "events.csv")]
    )
    result = leadscore(name, "-m", str(MODEL), *inputs, *(a.replace("{data}", str(data)) for a in rest))
    assert result.returncode == 2, result.stderr
    assert says in result.stderr
    assert "Traceback" not in result.stderr


def test_a_model_date_is_within_the_years_1000_to_8999() -> None:
    head = "model: x\nversion: 1\nreview: {since: %s}\nprograms:\n  - id: main\n    dimensions:\n      fit:\n        categories:\n          c:\n            rules:\n              - {id: r, when: {field: a, eq: x}, points: 1}\n"
    assert validate_text(head % "8999-12-31", "m.yaml").model is not None
    report = validate_text(head % "9999-01-01", "m.yaml")
    assert [(d.code, d.message) for d in report.diagnostics] == [
        ("E204", "'9999-01-01' is outside the years 1000 to 8999")
    ]


def test_a_backtest_period_that_is_empty_or_holds_too_many_ticks(data: Path) -> None:
    base = ["backtest", "-m", str(MODEL), "-m", str(MODEL), "-c", str(data / "contacts.csv")]
    empty = leadscore(*base, "--from", "2026-01-01", "--to", "2026-01-01")
    assert empty.returncode == 2
    assert "B002: the period is empty (--from equals --to)" in empty.stderr
    huge = leadscore(*base, "--from", "1001-01-01", "--to", "8999-01-01")  # a year typed wrong
    assert huge.returncode == 2
    assert "B004: the period holds 2,921,210 ticks; a backtest replays at most 10,000" in huge.stderr
    weekly = leadscore(*base, "--from", "1001-01-01", "--to", "1100-01-01", "--tick", "7d", "-q")
    assert weekly.returncode == 0, weekly.stderr  # 5,160 weekly ticks are allowed
