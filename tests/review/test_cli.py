"""`leadscore evaluate` from the command line: formats, files, exit codes and error shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leadscore.cli.main import cli
from tests.review.workspace import CUTOFF, HORIZON, Workspace, build


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return build(tmp_path_factory.mktemp("cli"))


def run(ws: Workspace, *extra: str) -> Result:
    args = ["evaluate", "-m", str(ws.model), "-c", str(ws.contacts), "-e", str(ws.events),
            "--outcomes", str(ws.outcomes), "--cutoff", CUTOFF, "--horizon", HORIZON, *extra]  # fmt: skip
    return CliRunner().invoke(cli, args, prog_name="leadscore")


def test_text_report_on_stdout(ws: Workspace) -> None:
    r = run(ws, "-q")
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert out.startswith("evaluation of model review-test version 3\n")
    for heading in ("ROC AUC: 0.", "top 10 % by score", "conversion by decile of score", "conversion by fit band",
                    "conversion by matrix cell", "funnel in the horizon", "sales acceptance: no feedback given",
                    "rules (fired = value ≠ 0", "low-scored leads that converted", "high-scored leads that did not convert"):  # fmt: skip
        assert heading in out, heading


def test_json_report_holds_every_figure(ws: Workspace) -> None:
    r = run(ws, "--format", "json", "--feedback", str(ws.feedback), "-q")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["ok"] is True
    assert data["positive"] == ["sql", "opportunity", "won"]
    p = data["programs"][0]
    assert 0.5 < p["auc"] < 1
    assert p["population"]["rate"] == pytest.approx(
        p["population"]["converters"] / p["population"]["evaluated"]
    )
    assert {r["rule"] for r in p["rules"]} == {"big", "senior", "student", "demo", "visit", "careers"}
    assert p["acceptance"]["given"] is True
    assert len(p["deciles"]) == 10
    assert [f["kind"] for f in data["inputs"]["files"]] == ["contacts", "events", "outcomes", "feedback"]


def test_html_report_to_a_file(ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    r = run(ws, "--out", str(out))
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") == 4
    assert "AUC" in r.stderr
    assert f"wrote the html report to {out}" in r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        (("--positive", "sql,signed"), "R001"),
        (("--program", "nope"), "R002"),
        (("--out", "report.pdf"), "R003"),
        (("--out", "no/such/folder/report.html"), "R004"),
    ],
)
def test_user_mistakes_are_coded_errors(ws: Workspace, extra: tuple[str, ...], code: str) -> None:
    r = run(ws, *extra)
    assert r.exit_code == 2
    assert f"{code}: " in r.stderr
    assert "hint: " in r.stderr


def test_errors_in_json_have_the_api_shape(ws: Workspace) -> None:
    r = run(ws, "--positive", "signed", "--format", "json")
    assert r.exit_code == 2
    error = json.loads(r.stdout)
    assert error["ok"] is False
    assert error["error"]["code"] == "R001"
    assert error["error"]["hint"].startswith("choose among sal, sql, opportunity, won, lost, disqualified")


def test_bad_options_are_usage_errors(ws: Workspace) -> None:
    assert run(ws, "--horizon", "3 months").exit_code == 2  # the last --horizon wins
    # the words validate gives for a model's duration (it said only "not a duration")
    months = run(ws, "--horizon", "3months")
    assert (
        "'3months' is not a duration: months and years vary in length; write days or weeks" in months.output
    )
    assert "write 30d (no space" in run(ws, "--horizon", "30 days").output
    r = CliRunner().invoke(cli, ["evaluate", "-m", str(ws.model), "-c", str(ws.contacts), "--outcomes",
                                 str(ws.outcomes), "--cutoff", "yesterday", "--horizon", "90d"])  # fmt: skip
    assert r.exit_code == 2
    assert "ISO 8601" in r.output


def test_strict_turns_bad_outcome_rows_into_errors(ws: Workspace, tmp_path: Path) -> None:
    bad = tmp_path / "outcomes.csv"
    bad.write_text(ws.outcomes.read_text(encoding="utf-8") + "c0001,signed,2026-06-03,,\n", encoding="utf-8")
    lines = len(bad.read_text(encoding="utf-8").splitlines())
    args = ["evaluate", "-m", str(ws.model), "-c", str(ws.contacts), "--outcomes", str(bad),
            "--cutoff", CUTOFF, "--horizon", HORIZON]  # fmt: skip
    lenient = CliRunner().invoke(cli, [*args, "-q"])
    assert lenient.exit_code == 0
    assert f"outcomes.csv:{lines}: D101: warning outcome: 'signed' is not one of" in lenient.stderr
    strict = CliRunner().invoke(cli, [*args, "--strict", "--format", "json"])
    assert strict.exit_code == 2
    codes = [(d["code"], d["line"]) for d in json.loads(strict.stdout)["diagnostics"]]
    assert codes == [("D101", lines), ("D199", None)]
