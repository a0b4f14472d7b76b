"""`leadscore history`, `diff` and `status` as users meet them: output, exit codes and errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leadscore.cli.main import cli
from tests.history.helpers import BASE, V2, V3_INVALID, V4, Repo, edit, set_mtime


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args), prog_name="leadscore")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "versions").mkdir()
    for i, (name, text) in enumerate(
        [("v1.yaml", BASE), ("v2.yaml", V2), ("v3.yaml", V3_INVALID), ("v4.yaml", V4)]
    ):
        (tmp_path / "versions" / name).write_text(text, encoding="utf-8")
        set_mtime(tmp_path / "versions" / name, f"2026-0{i + 1}-01T09:00:00")
    return Path("versions")


# -- history ---------------------------------------------------------------------------------------


def test_history_text_fits_a_terminal_and_marks_changes(folder: Path) -> None:
    r = run("history", "--versions", str(folder))
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80  # CliRunner's terminal is 80 columns wide
    # 80 columns fit (80 − 30 − 4) // 18 = 2 version columns: the newest two, v3 (invalid) and v4.
    assert "showing the 2 newest of 4 versions" in r.stdout
    assert "+3 ½14d ×5/1d *" in r.stdout  # email_click's half-life changed in v4
    assert "version 3 (versions/v3.yaml) does not validate:" in r.stdout
    assert "versions/v3.yaml:5:1: E201: unknown key 'programz'" in r.stdout
    assert "* changed from the previous version" in r.stdout


def test_history_csv_json_and_html(folder: Path, tmp_path: Path) -> None:
    r = run("history", "--versions", str(folder), "--format", "csv")
    assert r.exit_code == 0
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0][6:] == ["1", "2", "3", "4"]
    data = json.loads(run("history", "--versions", str(folder), "--format", "json").stdout)
    assert [v["label"] for v in data["versions"]] == ["1", "2", "3", "4"]
    assert [v["valid"] for v in data["versions"]] == [True, True, False, True]
    pricing = next(r for r in data["rows"] if r["item"] == "pricing")
    assert pricing["cells"][1] == {
        "text": "+8 <30d",
        "change": "changed",
        "was": "+5 <30d",
        "note": "was +5 <30d",
    }
    r = run("history", "--versions", str(folder), "--format", "html", "-o", "h.html")
    assert r.exit_code == 0
    assert "wrote h.html (4 versions, 16 rows)" in r.stderr
    assert (tmp_path / "h.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    # without --format, the file's name says the format (a text table landed in h.html)
    for name, starts in (
        ("g.html", "<!doctype html>"),
        ("g.csv", "program,dimension,"),
        ("g.json", "{"),
        ("g.txt", ""),
    ):
        r = run("history", "--versions", str(folder), "-o", name)
        assert r.exit_code == 0, r.output
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert text.startswith(starts), (name, text[:40])
    assert "<" not in (tmp_path / "g.txt").read_text(encoding="utf-8").split("\n")[0]


def test_history_of_a_file_in_git(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("model.yaml", BASE, "First model", "Ana", "2026-01-05T10:00:00Z")
    repo.commit("model.yaml", V2, "Raise pricing", "Ben", "2026-02-10T10:00:00Z")
    r = run("history", "-m", str(repo.root / "model.yaml"), "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = {row[3]: row[6:] for row in csv.reader(io.StringIO(r.stdout))}
    assert rows["date"] == ["2026-01-05", "2026-02-10"]  # the commit dates
    assert rows["author"] == ["Ana", "Ben"]  # v1 from its commit; v2 from the model (also Ben)
    assert rows["change note"] == ["First model", "Pricing matters more; careers visits no longer count"]


def test_history_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("model.yaml").write_text(BASE, encoding="utf-8")
    r = run("history", "-m", "model.yaml")  # tmp_path is not a git repository
    assert r.exit_code == 2
    assert r.stderr.startswith("H004: model.yaml is not in a git repository")
    assert "Traceback" not in r.output
    r = run("history", "-m", "missing.yaml")
    assert (r.exit_code, r.stderr.split(":")[0]) == (2, "E001")
    r = run("history", "-m", "model.yaml", "--versions", ".")
    assert (r.exit_code, r.stderr.split(":")[0]) == (2, "H009")
    r = run("history")
    assert (r.exit_code, r.stderr.split(":")[0]) == (2, "H009")
    r = run("history", "--versions", "nowhere", "--format", "json")
    assert r.exit_code == 2
    assert json.loads(r.stdout)["error"]["code"] == "H001"


# -- diff ------------------------------------------------------------------------------------------


def test_diff_two_files(folder: Path) -> None:
    # Added rules first, then the other rules in the model's order (pricing before careers).
    r = run("diff", str(folder / "v1.yaml"), str(folder / "v2.yaml"))
    assert r.exit_code == 0, r.output
    assert r.stdout == (
        "acme: version 1 → version 2\n"
        "  from version 1 · 2026-01-01 · versions/v1.yaml\n"
        '  to   version 2 · 2026-02-01 · Ben · "Pricing matters more; careers visits no longer count" · versions/v2.yaml\n'
        "\n"
        "program main\n"
        "  • rule demo added to engagement › interest: +20 per demo_request (critical)\n"
        "  • rule pricing (engagement › interest): points +5 → +8\n"
        '  • rule careers removed from engagement › negative; it gave -10 per page_view where url matches "*/careers*" (once)\n'
        "  • MQL threshold: 40 → 45\n"
        "\n"
        "4 change(s)\n"
    )


def test_diff_by_label_in_a_folder_shows_old_and_new_conditions(folder: Path) -> None:
    r = run("diff", "2", "4", "--versions", str(folder))
    assert r.exit_code == 0, r.output
    assert "  • rule saas (fit › market): condition changed\n" in r.stdout
    assert (
        "      before: industry in [software, saas]\n      after:  industry in [software, saas, fintech]\n"
        in r.stdout
    )
    data = json.loads(run("diff", "2", "v4", "--versions", str(folder), "--format", "json").stdout)
    assert data["new"]["label"] == "4"  # v4 named by its file name
    # Added rules first, then the others in the model's order: saas (fit) before email_click.
    assert [c["kind"] for c in data["changes"]] == ["rule_condition", "rule_half_life"]


def test_diff_in_git_by_label_and_commit(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("model.yaml", BASE, "First model", "Ana", "2026-01-05T10:00:00Z")
    repo.commit("model.yaml", V2, "Raise pricing", "Ben", "2026-02-10T10:00:00Z")
    model = str(repo.root / "model.yaml")
    by_label = run("diff", "1", "2", "-m", model)
    by_commit = run("diff", "HEAD~1", "HEAD", "-m", model)
    last_two = run("diff", "-m", model)
    assert by_label.exit_code == by_commit.exit_code == last_two.exit_code == 0
    assert by_label.stdout == by_commit.stdout == last_two.stdout
    assert "4 change(s)" in by_label.stdout


def test_diff_errors(folder: Path) -> None:
    r = run("diff", "1", "2")  # labels without -m or --versions
    assert (r.exit_code, r.stderr.split(":")[0]) == (2, "H007")
    r = run("diff", "1", "9", "--versions", str(folder))
    assert r.exit_code == 2
    assert r.stderr.startswith(f"H007: no version '9' in {folder}")
    assert r.stderr.rstrip().endswith(
        "name one of them, or a model file"
    )  # not "a commit": a folder has none
    r = run("diff", "1", "3", "--versions", str(folder))  # v3 does not validate
    assert r.exit_code == 2
    assert r.stderr.startswith("H008: version 3 (versions/v3.yaml) does not validate")
    assert "versions/v3.yaml:5:1: E201" in r.stderr


# -- status ----------------------------------------------------------------------------------------

SINCE = edit(BASE, ("every: 90d}", "every: 90d, since: 2026-01-01}"))  # first review due 2026-03-02


@pytest.mark.parametrize(
    ("today", "check", "code", "line"),
    [
        ("2026-03-01", True, 0, "not due yet: 1 day(s) left until 2026-03-02"),
        ("2026-03-02", True, 0, "DUE TODAY (2026-03-02)"),  # due today is not overdue
        ("2026-03-03", False, 0, "OVERDUE by 1 day(s): a review was due on 2026-03-02"),
        ("2026-03-03", True, 1, "OVERDUE by 1 day(s): a review was due on 2026-03-02"),
    ],
)
def test_status_exit_codes(tmp_path: Path, today: str, check: bool, code: int, line: str) -> None:
    path = tmp_path / "model.yaml"
    path.write_text(SINCE, encoding="utf-8")
    r = run("status", "-m", str(path), "--today", today, *(["--check"] if check else []))
    assert r.exit_code == code, r.output
    assert line in r.stdout.splitlines()


def test_status_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("model.yaml").write_text(SINCE, encoding="utf-8")
    r = run("status", "-m", "model.yaml", "--today", "2026-06-01")
    assert r.stdout == (
        "model acme version 1 (model.yaml)\n"
        "live since 2026-01-01: set by review.since in the model\n"
        "review schedule: first 60d after going live, then every 90d\n"
        "last due: 2026-05-31\n"
        "next due: 2026-08-29\n"
        "\n"
        "OVERDUE by 91 day(s): a review was due on 2026-03-02; 2 scheduled review(s) passed without one\n"
        "\n"
        "what to do:\n"
        "  1. run leadscore evaluate with the outcomes since 2026-01-01: conversion per band, lift, and which rules pull their weight;\n"
        "  2. if the model changes: commit the new version (its schedule starts when it goes live);\n"
        "  3. if it stays as it is: record the review with review: {last_review: 2026-06-01}.\n"
    )


def test_status_json_and_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("model.yaml").write_text(SINCE, encoding="utf-8")
    data = json.loads(run("status", "-m", "model.yaml", "--today", "2026-03-01", "--format", "json").stdout)
    assert data["live_since"] == "2026-01-01"
    assert data["review"]["state"] == "not_due"
    assert (data["review"]["days_left"], data["review"]["next_due"]) == (1, "2026-03-02")
    r = run("status", "-m", "model.yaml", "--today", "March 1st")
    assert r.exit_code == 2
    assert "'March 1st' is not a date such as 2026-01-15" in r.stderr
    r = run("status", "-m", "missing.yaml")
    assert (r.exit_code, r.stderr.split(":")[:2]) == (2, ["missing.yaml", " E001"])
    Path("bare.yaml").write_text(
        BASE.replace("review: {first_after: 60d, every: 90d}\n", ""), encoding="utf-8"
    )
    r = run("status", "-m", "bare.yaml", "--check")
    assert r.exit_code == 0  # nothing scheduled, nothing overdue
    assert "no review schedule" in r.stdout
