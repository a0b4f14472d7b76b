"""`leadscore backtest` as users run it: text and JSON, with the evaluation side by side."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from leadscore.cli.main import cli
from leadscore.demo import DEMO_MODEL, generate


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bt")
    generate(folder, contacts=300, seed=5)
    # a fixed decay floor, so the versions differ in their MQL threshold only (not in points)
    text = DEMO_MODEL.read_text().replace("floor: 50% of mql", "floor: 30")
    assert "floor: 30" in text
    (folder / "v1.yaml").write_text(text)
    start = text.index("    stages:")
    end = text.index("\n", start)
    (folder / "v2.yaml").write_text(
        text[:start] + "    stages: {mql: {min: 30, require_gates: true, recycle_below: 20}}" + text[end:]
    )
    return folder


def run(folder: Path, *extra: str) -> tuple[int, str]:
    args = ["backtest", "-m", str(folder / "v1.yaml"), "-m", str(folder / "v2.yaml"), "-c", str(folder / "contacts.csv"),
            "-e", str(folder / "events.csv"), "--outcomes", str(folder / "outcomes.csv"), "--from", "2026-07-01", "--to", "2026-10-31", *extra]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    return result.exit_code, result.output


def test_backtest_json_counts_new_mqls_and_evaluates_side_by_side(workspace: Path) -> None:
    code, out = run(workspace, "--cutoff", "2026-08-01", "--format", "json")
    assert code == 0, out
    report = json.loads(out)
    v1, v2 = report["versions"]
    months = report["months"]
    assert months[0] == "2026-07"
    # a lower MQL threshold (30 < 60) cannot make fewer contacts eligible at any moment, so with
    # recycling below 20 it produces at least as many MQLs over the period in total
    assert (
        v2["new_mqls"]["main"]["total"] + v2["new_mqls"]["main"]["mqls_at_start"]
        >= v1["new_mqls"]["main"]["total"]
    )
    assert sum(v1["new_mqls"]["main"]["per_month"].values()) == v1["new_mqls"]["main"]["total"]
    assert len(report["evaluations"]) == 2
    e1, e2 = (e["programs"][0] for e in report["evaluations"])
    assert e1["auc"] == e2["auc"]  # the versions differ only in the MQL threshold: the same points
    assert e2["funnel"][0]["mql"] >= e1["funnel"][0]["mql"]
    moved = report["comparisons"][0]["moved"]
    assert moved["band"] == moved["matrix"] == 0  # points are the same, so bands cannot move


def test_backtest_text_shows_months_and_the_evaluation(workspace: Path) -> None:
    code, out = run(workspace, "--cutoff", "2026-08-01")
    assert code == 0, out
    assert "new MQLs per month" in out
    assert "2026-09" in out
    assert "ROC AUC" in out
    # the bands of the first banding in band order (they were A to Z), as the JSON lists them
    # every banding, not the first alone (the engagement bands and the matrix were JSON-only)
    _, js = run(workspace, "--cutoff", "2026-08-01", "--format", "json")
    bandings = json.loads(js)["evaluations"][0]["programs"][0]["bandings"]
    assert len(bandings) >= 2
    lines = out.splitlines()
    for banding in bandings:
        at = lines.index("    conversion by " + banding["title"].lower())
        shown = [line.split()[0] for line in lines[at + 1 : at + 1 + len(banding["groups"])]]
        assert shown == [g["label"] for g in banding["groups"]]
    assert "×" in next(line for line in lines if "lift in the top 10%" in line)


def test_backtest_user_mistakes(workspace: Path) -> None:
    code, _ = run(workspace, "--cutoff", "2026-08-01", "--horizon", "3 months")
    assert code == 2
    result = CliRunner().invoke(
        cli,
        [
            "backtest",
            "-m",
            str(workspace / "v1.yaml"),
            "-c",
            str(workspace / "contacts.csv"),
            "--from",
            "2026-07-01",
            "--to",
            "2026-10-31",
        ],
    )
    assert result.exit_code == 2
    assert "B001" in result.output
    result = CliRunner().invoke(
        cli,
        [
            "backtest",
            "-m",
            str(workspace / "v1.yaml"),
            "-m",
            str(workspace / "v2.yaml"),
            "-c",
            str(workspace / "contacts.csv"),
            "--from",
            "2026-07-01",
            "--to",
            "2026-10-31",
            "--cutoff",
            "2026-08-01",
        ],
    )
    assert result.exit_code == 2
    assert "B003" in result.output


def test_horizon_without_cutoff_is_a_usage_error(workspace: Path) -> None:
    """--horizon without --cutoff was accepted and ignored without a word."""
    args = ["backtest", "-m", str(workspace / "v1.yaml"), "-m", str(workspace / "v2.yaml")]
    args += ["-c", str(workspace / "contacts.csv"), "--from", "2026-07-01", "--to", "2026-10-31"]
    result = CliRunner().invoke(cli, [*args, "--horizon", "30d"])
    assert result.exit_code == 2
    assert (
        "backtest: --horizon and --positive set the evaluation of --cutoff; give --cutoff too"
        in result.output
    )
    assert result.output.startswith("C007: ")


def test_backtest_reports_bad_rows_and_refuses_them_with_strict(workspace: Path, tmp_path: Path) -> None:
    """Bad rows of the contacts, events and outcomes are listed once (not once per version),
    and --strict makes them an error; they were skipped without a word."""
    lines = (workspace / "contacts.csv").read_text().splitlines()
    (tmp_path / "contacts.csv").write_text("\n".join([*lines[:3], lines[3] + ",EXTRA", *lines[4:]]) + "\n")
    events = (workspace / "events.csv").read_text().splitlines()
    (tmp_path / "events.csv").write_text("\n".join([*events, "e-bad,c1,page_view,yesterday,,,,"]) + "\n")
    outcomes = (workspace / "outcomes.csv").read_text().splitlines()
    (tmp_path / "outcomes.csv").write_text("\n".join([*outcomes, ",won,2026-08-01T00:00:00Z"]) + "\n")
    for name in ("v1.yaml", "v2.yaml"):
        (tmp_path / name).write_text((workspace / name).read_text())
    code, out = run(tmp_path, "--format", "json")
    assert code == 0, out
    diagnostics = json.loads(out)["diagnostics"]
    assert [d["code"] for d in diagnostics if d["code"] != "D101"] == ["D103"]  # the demo's retried events
    found = [(d["code"], Path(d["file"]).name, d["line"]) for d in diagnostics if d["code"] == "D101"]
    assert found == [
        ("D101", "contacts.csv", 4),
        ("D101", "events.csv", len(events) + 1),
        ("D101", "outcomes.csv", len(outcomes) + 1),
    ]
    result = CliRunner().invoke(cli, ["backtest", "-m", str(tmp_path / "v1.yaml"), "-m", str(tmp_path / "v2.yaml"),
                                      "-c", str(tmp_path / "contacts.csv"), "-e", str(tmp_path / "events.csv"),
                                      "--from", "2026-07-01", "--to", "2026-10-31"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.count("contacts.csv:4: D101") == 1  # on standard error (CliRunner mixes them)
    code, out = run(tmp_path, "--strict")
    assert code == 2
    assert "D199: 3 bad rows and --strict is on" in out
