"""`leadscore journeys` from the command line: formats, files, the sample options, exit codes and
error shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leadscore.cli.main import cli
from leadscore.demo import DEMO_MODEL, DemoData, generate


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoData:
    return generate(tmp_path_factory.mktemp("journeys-cli"), contacts=400, seed=5)


def run(demo: DemoData, *extra: str, outcomes: bool = True) -> Result:
    args = ["journeys", "-m", str(DEMO_MODEL), "-c", str(demo.contacts_csv), "-e", str(demo.events_csv),
            *(["--outcomes", str(demo.outcomes_csv)] if outcomes else []), "--as-of", "2026-11-01", *extra]  # fmt: skip
    return CliRunner().invoke(cli, args, prog_name="leadscore")


def test_text_on_stdout(demo: DemoData) -> None:
    r = run(demo, "--sample", "2", "-q")
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert out.startswith("journeys of model acme-demo version 1, program main\n")
    for heading in ("recent leads: 2 of ", "won deals: 2 of ", "lost deals: 2 of ", "  curve ", "top rules now:",
                    "  events (newest first", "last actions before it was lost:", "  outcomes: "):  # fmt: skip
        assert heading in out, heading
    assert "Traceback" not in r.output


def test_json_holds_the_curves_and_timelines(demo: DemoData) -> None:
    r = run(demo, "--sample", "3", "--show-events", "5", "--format", "json", "-q")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["ok"] is True
    assert data["as_of"] == "2026-11-01T00:00:00Z"
    assert data["period"] == "90d"
    assert [g["key"] for g in data["groups"]] == ["recent", "won", "lost"]
    for g in data["groups"]:
        assert 0 < len(g["journeys"]) <= 3
        for j in g["journeys"]:
            assert len(j["events"]) <= 5
            assert j["curve"][-1]["at"] == "2026-11-01T00:00:00Z"
            assert (j["cold"] is not None) == (g["key"] == "lost")


def test_html_to_a_file(demo: DemoData, tmp_path: Path) -> None:
    out = tmp_path / "journeys.html"
    r = run(demo, "--sample", "2", "--out", str(out))
    assert r.exit_code == 0, r.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") == html.count('class="journey"') == 6
    assert f"to {out}" in r.stderr
    assert r.stdout == ""


def test_chosen_contacts_instead_of_a_sample(demo: DemoData) -> None:
    r = run(demo, "--contact", "c00007", "--contact", "c00003", "--format", "json", "-q")
    assert r.exit_code == 0, r.output
    groups = json.loads(r.stdout)["groups"]
    assert [(g["key"], [j["contact_id"] for j in g["journeys"]]) for g in groups] == [
        ("chosen", ["c00007", "c00003"])
    ]


def test_without_outcomes_only_recent_leads(demo: DemoData) -> None:
    r = run(demo, "--format", "json", "-q", outcomes=False)
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert [len(g["journeys"]) > 0 for g in data["groups"]] == [True, False, False]
    assert any("no outcomes were given" in n for n in data["notes"])


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        (("--contact", "nobody"), "X001"),
        (("--program", "nope"), "R002"),
        (("--out", "journeys.pdf"), "R003"),
        (("--out", "no/such/folder/journeys.html"), "R004"),
    ],
)
def test_user_mistakes_are_coded_errors(demo: DemoData, extra: tuple[str, ...], code: str) -> None:
    r = run(demo, *extra)
    assert r.exit_code == 2, r.output
    assert f"{code}: " in r.stderr
    assert "hint: " in r.stderr
    assert "Traceback" not in r.output


def test_errors_in_json_have_the_api_shape(demo: DemoData) -> None:
    r = run(demo, "--contact", "nobody", "--format", "json")
    assert r.exit_code == 2
    error = json.loads(r.stdout)
    assert error["ok"] is False
    assert error["error"]["code"] == "X001"


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (("--period", "3 months"), "--period"),
        (("--as-of", "yesterday"), "ISO 8601"),
        (("--sample", "0"), "--sample"),
    ],
)
def test_bad_options_are_usage_errors(demo: DemoData, extra: tuple[str, ...], says: str) -> None:
    r = run(demo, *extra)
    assert r.exit_code == 2
    assert says in r.output
