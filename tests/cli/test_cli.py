"""The command line as users meet it: exit codes, one-line errors, JSON, stdout, and compile."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import FIXTURES, ROOT

MODEL = FIXTURES / "spec_example.yaml"
CONTACTS = """contact_id,country,employees,job_title,industry,age,budget
c1,PL,200,VP Sales,SaaS,40,20000
c2,US,abc,,software,17,
c3,"NO",12,Head of Growth,,30,1e4
"""
EVENTS = """event_id,contact_id,type,timestamp,url,form,is_bot
e1,c1,demo_request,2025-12-22T00:00:00Z,,,
e2,c1,email_click,2025-12-02T00:00:00+02:00,,,
e3,c1,page_view,2025-12-30T10:00:00Z,https://a.example/pricing,,
e4,c3,page_view,2025-12-30T10:00:00Z,https://a.example/careers,,
e5,c3,email_click,2025-12-31T10:00:00Z,,,true
e6,c1,form_submit,not-a-date,,newsletter,
"""
AS_OF = "2026-01-01T00:00:00Z"


def leadscore(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "leadscore", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.fixture
def data(tmp_path: Path) -> Path:
    (tmp_path / "contacts.csv").write_text(CONTACTS)
    (tmp_path / "events.csv").write_text(EVENTS)
    return tmp_path


def args(data: Path, *extra: str) -> list[str]:
    return [
        "-m",
        str(MODEL),
        "-c",
        str(data / "contacts.csv"),
        "-e",
        str(data / "events.csv"),
        "--as-of",
        AS_OF,
        *extra,
    ]


def test_score_writes_csv_to_stdout_and_reports_bad_rows_on_stderr(data: Path) -> None:
    r = leadscore("score", *args(data))
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["contact_id"] for row in rows] == ["c1", "c3"]  # c2's employees 'abc' is a bad row
    assert list(rows[0])[:4] == ["contact_id", "program", "score", "points"]
    assert "contacts.csv:3: D101" in r.stderr  # the bad contact, with its line
    assert "events.csv:7: D101" in r.stderr  # the unparseable timestamp
    assert "Traceback" not in r.stderr
    assert "\x1b" not in r.stderr  # no progress display or colour in a pipe


def test_strict_turns_bad_rows_into_an_error(data: Path) -> None:
    r = leadscore("score", *args(data, "--strict", "--out", str(data / "s.csv")))
    assert r.returncode == 2
    assert "D199" in r.stderr
    assert not (data / "s.csv").exists()


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["score", "-m", "missing.yaml", "-c", "x.csv"], "E001"),
        (["validate", "-m", "missing.yaml"], "E001"),
        (["score", "-m", str(MODEL), "-c", "nope.csv"], "D001"),
        (["score", "-m", str(MODEL), "-c", "{contacts}", "--out", "scores.xlsx"], "O001"),
        (["explain", "-m", str(MODEL), "-c", "{contacts}", "--contact", "zzz"], "X001"),
        (["explain", "-m", str(MODEL), "-c", "{contacts}", "--contact", "c1", "--program", "nope"], "X002"),
        (["score", "-m", str(MODEL), "-c", "utf16.csv"], "D008"),
        (["score", "-m", str(MODEL), "-c", "broken.parquet"], "D008"),
    ],
)
def test_user_mistakes_give_one_line_and_exit_2(data: Path, argv: list[str], code: str) -> None:
    (data / "utf16.csv").write_text("contact_id\nc1\n", encoding="utf-16")
    (data / "broken.parquet").write_bytes(b"PAR1 and nothing more")
    argv = [a.replace("{contacts}", str(data / "contacts.csv")) for a in argv]
    r = leadscore(*argv, cwd=data)
    assert r.returncode == 2
    assert code in r.stderr
    assert "Traceback" not in r.stderr
    assert len([line for line in r.stderr.splitlines() if not line.startswith("    hint:")]) <= 2


def test_bad_flags_and_bad_as_of_exit_2(data: Path) -> None:
    """An unparseable command line is one line with a code (click printed a four-line usage
    block), or the one JSON error shape with --format json."""
    r = leadscore("score", "--no-such-flag")
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr.splitlines() == [
        "C007: leadscore score: No such option '--no-such-flag'.",
        "    hint: leadscore score --help lists its options",
    ]
    r = leadscore("score", *args(data)[:-2], "--as-of", "yesterday")
    assert r.returncode == 2
    assert r.stderr.startswith(
        "C007: leadscore score: Invalid value for --as-of: 'yesterday' is not a timestamp"
    )
    assert "ISO 8601" in r.stderr
    r = leadscore("score", *args(data)[:-2], "--as-of", "yesterday", "--format", "json")
    err = json.loads(r.stdout)
    assert (r.returncode, err["ok"], err["error"]["code"]) == (2, False, "C007")
    assert err["error"]["message"].startswith("leadscore score: Invalid value for --as-of:")
    r = leadscore("score", "--bogus", "--format=json")  # the other spelling of the option
    assert (r.returncode, json.loads(r.stdout)["error"]["code"]) == (2, "C007")
    r = leadscore("valdate", "-m", "m.yaml")
    assert r.stderr.splitlines()[0].startswith("C007: leadscore: No such command 'valdate'.")
    assert "'validate'" in r.stderr.splitlines()[0]


def test_a_value_without_its_option_is_named_in_the_hint(data: Path) -> None:
    """`leadscore validate model.yaml` said only that --model is missing."""
    r = leadscore("validate", "--strict", "model.yaml", cwd=data)
    assert (r.returncode, r.stderr.splitlines()) == (2, [
        "C007: leadscore validate: Missing option '--model' / '-m'.",
        "    hint: model.yaml is given without an option; did you mean --model model.yaml?",
    ])  # fmt: skip
    r = leadscore("explain", "-m", "model.yaml", "--as-of", "2026-01-01", "c1", cwd=data)
    assert "hint: c1 is given without an option; did you mean --contact c1?" in r.stderr
    r = leadscore("score", "-m", "model.yaml", "contacts.csv", "events.csv", cwd=data)
    assert r.stderr.splitlines() == [
        "C007: leadscore score: Got unexpected extra arguments (contacts.csv events.csv)",
        "    hint: every value follows its option (--contacts FILE, …); leadscore score --help lists its options",
    ]


def test_o_is_out_everywhere_and_a_missing_short_option_names_the_long_ones(data: Path) -> None:
    """`-o` meant --outcomes in backtest and --out in score, schema and history."""
    from leadscore.cli.main import cli

    for name, command in cli.commands.items():
        for param in command.params:
            if "-o" in param.opts:
                assert "--out" in param.opts, name
    r = leadscore(
        "backtest", "-m", "model.yaml", "-c", "c.csv", "-e", "e.csv", "-o", "outcomes.csv", cwd=data
    )
    assert r.stderr.splitlines() == [
        "C007: leadscore backtest: No such option '-o'.",
        "    hint: did you mean --outcomes? leadscore backtest --help lists its options",
    ]
    r = leadscore("evaluate", "-o", "report.html", "-x", cwd=data)
    assert "No such option '-x'" in r.stderr
    assert "    hint: leadscore evaluate --help lists its options" in r.stderr


def test_an_option_without_its_value_names_the_commands_help() -> None:
    """`leadscore validate -m` pointed to `leadscore --help`, which does not list -m."""
    r = leadscore("validate", "-m")
    assert r.stderr.splitlines() == [
        "C007: leadscore validate: Option '-m' requires an argument.",
        "    hint: leadscore validate --help lists its options",
    ]


def test_no_color_turns_the_colours_off_on_a_terminal(tmp_path: Path) -> None:
    """NO_COLOR (no-color.org) was ignored: red and green ANSI codes on a terminal."""
    import pty

    def on_a_terminal(env: dict[str, str]) -> bytes:
        main, secondary = pty.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-m", "leadscore", "validate", "-m", str(MODEL)],
            stdout=secondary, stderr=secondary, env=env,
        )  # fmt: skip
        os.close(secondary)
        out = b""
        with contextlib.suppress(OSError):  # the terminal closes when the command ends
            while chunk := os.read(main, 4096):
                out += chunk
        os.close(main)
        proc.wait(timeout=120)
        return out

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert b"\x1b[" in on_a_terminal(env)
    assert b"\x1b[" not in on_a_terminal({**env, "NO_COLOR": "1"})


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_reader_that_leaves_the_pipe_early_is_not_an_error(data: Path, fmt: str) -> None:
    """`leadscore score … | head -1` exited 2 with "O003: cannot use : Broken pipe" (1 and
    nothing with --format json): now quietly, with the exit code of SIGPIPE, as Unix tools do."""
    many = "contact_id,country\n" + "".join(f"c{i},PL\n" for i in range(50_000))
    (data / "contacts.csv").write_text(many)
    proc = subprocess.Popen(
        [sys.executable, "-m", "leadscore", "score", *args(data, "--format", fmt)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    assert proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # as `head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, err
    assert first
    assert "Broken pipe" not in err
    assert "Traceback" not in err


def test_demo_in_a_pipe_keeps_paths_whole(tmp_path: Path) -> None:
    """Piped, the demo's summary broke at 80 columns in the middle of its folder's path."""
    folder = tmp_path / ("a-rather-long-folder-name-for-a-demo-workspace-" + "x" * 30)
    r = leadscore("demo", str(folder), "--contacts", "300", "-q")
    assert r.returncode == 0, r.stderr
    first = r.stdout.splitlines()[0]
    assert first.startswith("leadscore demo — 300 contacts")
    assert f"in {folder}/, scored as of" in first
    assert "What to try next" in r.stdout


def test_json_errors_have_one_shape(data: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("model: x\nversion: 1\nprograms: []\n")
    r = leadscore("validate", "-m", str(bad), "--format", "json")
    assert r.returncode == 2
    out = json.loads(r.stdout)
    assert out["ok"] is False
    d = out["diagnostics"][0]
    assert set(d) == {"code", "severity", "message", "file", "line", "column", "path", "hint"}
    assert (d["file"], d["line"]) == (str(bad), 3)
    r = leadscore("score", "-m", "missing.yaml", "-c", "x.csv", "--format", "json")
    err = json.loads(r.stdout)
    assert err["ok"] is False
    assert err["error"]["code"] == "E001"
    assert set(err["error"]) == set(d)


def test_explain_adds_up_to_the_score(data: Path) -> None:
    r = leadscore("explain", *args(data, "--contact", "c1", "--format", "json"))
    assert r.returncode == 0, r.stderr
    exp = json.loads(r.stdout)
    assert exp["engine_agrees"] is True
    for d in exp["dimensions"]:
        for c in d["categories"]:
            rule_sum = sum(rule["value"] for rule in c["rules"])
            assert c["sum"] == pytest.approx(rule_sum, abs=1e-9)
            for rule in c["rules"]:
                if rule["kind"] == "behaviour":
                    counted = sum(e["points"] for e in rule["events"] if e["status"] == "counted")
                    assert rule["raw"] == pytest.approx(counted, abs=1e-9)
    total = sum(d["value"] * d["weight"] for d in exp["dimensions"])
    assert exp["total"] == pytest.approx(total, abs=1e-9)
    assert exp["points"] == round(exp["total"])  # 71.5... here; half away from zero agrees for positives
    text = leadscore("explain", *args(data, "--contact", "c1")).stdout
    assert f"score {exp['score']}" in text
    assert "demo_request" in text
    # rounded figures can miss their sum in the last digit: the text says so
    assert (
        "(figures shown to 6 decimals; every sum is of the exact values, which --format json gives)" in text
    )


def test_explain_text_keeps_the_age_column_whatever_the_type() -> None:
    """A type longer than 14 characters (contact_request) ran into the age column."""
    from leadscore.cli.render import _rule

    rule = {"kind": "behaviour", "id": "cr", "value": 10.0, "points": 10.0, "clamped": False, "raw": 10.0,
            "events": [{"status": "counted", "timestamp": "2026-01-01T00:00:00Z", "type": "contact_request",
                        "age_days": 1.5, "weight": 1.0, "points": 10.0}]}  # fmt: skip
    line = _rule(rule, type_width=len("contact_request"))[1]
    assert "contact_request age 1.50 d" in line


def test_explain_shows_the_bad_rows_that_may_be_why_an_event_or_contact_is_missing(data: Path) -> None:
    text = leadscore("explain", *args(data, "--contact", "c1", "-q"))
    assert text.returncode == 0, text.stderr
    assert "events.csv:7: D101: warning timestamp: 'not-a-date'" in text.stderr  # c1's newsletter
    exp = json.loads(leadscore("explain", *args(data, "--contact", "c1", "--format", "json")).stdout)
    assert [(d["code"], d["line"]) for d in exp["diagnostics"]] == [("D101", 3), ("D101", 7)]
    missing = leadscore("explain", *args(data, "--contact", "c2"))  # its employees 'abc' is bad
    assert missing.returncode == 2
    lines = missing.stderr.splitlines()
    assert lines[0].endswith("contacts.csv:3: D101: warning employees: 'abc' is not a whole number")
    assert "X001: no contact 'c2' in the contacts" in lines[-2]
    assert "a contact whose row is bad (D101, listed above) is skipped" in lines[-1]
    # an id in other letter case gets a "did you mean" (it got the generic hint)
    upper = leadscore("explain", *args(data, "--contact", "C1"))
    assert upper.returncode == 2
    assert (
        upper.stderr.splitlines()[-1] == "    hint: did you mean 'c1'? ids compare exactly, letter case too"
    )


def test_compiled_sql_runs_as_printed_and_equals_score(data: Path) -> None:
    r = leadscore("compile", "-m", str(MODEL), "--as-of", AS_OF)
    assert r.returncode == 0, r.stderr
    sql = r.stdout
    assert sql == leadscore("compile", "-m", str(MODEL), "--as-of", AS_OF).stdout  # byte-identical twice
    scored = leadscore("score", *args(data, "--quiet", "--out", str(data / "s.jsonl")))
    assert scored.returncode == 0, scored.stderr
    expected = [json.loads(line) for line in (data / "s.jsonl").read_text().splitlines()]
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    # the user's own tables, with the columns the header comment lists
    con.execute(
        "CREATE TABLE contacts AS SELECT contact_id, country, TRY_CAST(employees AS BIGINT) AS employees, job_title, industry,"
        " CAST(age AS BIGINT) AS age, CAST(budget AS DOUBLE) AS budget"
        f" FROM read_csv('{data / 'contacts.csv'}', all_varchar=true) WHERE contact_id <> 'c2'"
    )
    con.execute(
        "CREATE TABLE events AS SELECT event_id, contact_id, type, CAST(TRY_CAST(timestamp AS TIMESTAMPTZ) AS TIMESTAMP) AS timestamp,"
        f" is_bot, form, url FROM read_csv('{data / 'events.csv'}', all_varchar=true) WHERE event_id <> 'e6'"
    )
    cur = con.execute(sql.rstrip().rstrip(";"))
    names = [c[0] for c in cur.description]
    got = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    assert [(g["contact_id"], g["score"], g["matrix"]) for g in got] == [
        (e["contact_id"], e["score"], e["matrix"]) for e in expected
    ]


def test_validate_reports_lint_and_strict_makes_warnings_fail() -> None:
    r = leadscore("validate", "-m", str(MODEL))
    assert r.returncode == 0
    assert "valid" in r.stdout
    assert "W406" in r.stdout
    assert leadscore("validate", "-m", str(MODEL), "--strict").returncode == 1
    # the JSON says what the exit code says (it said "ok": true with exit code 1)
    strict = leadscore("validate", "-m", str(MODEL), "--strict", "--format", "json")
    assert (strict.returncode, json.loads(strict.stdout)["ok"]) == (1, False)
    assert json.loads(leadscore("validate", "-m", str(MODEL), "--format", "json").stdout)["ok"] is True
    # a model file that is not there: its path in the JSON, as for every other problem (was null)
    missing = leadscore("validate", "-m", "no-such-model.yaml", "--format", "json")
    assert (missing.returncode, json.loads(missing.stdout)["error"]["file"]) == (2, "no-such-model.yaml")
    assert leadscore("validate", "-m", str(MODEL), "--no-lint", "--strict").returncode == 0


def test_schema_is_json_schema_that_accepts_the_example(tmp_path: Path) -> None:
    import jsonschema
    from ruamel.yaml import YAML

    r = leadscore("schema")
    schema = json.loads(r.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    example = YAML(typ="safe").load(MODEL.read_text())
    jsonschema.validate(example, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**example, "surprise": 1}, schema)
    # percentages written with spaces, which validate reads, are in the schema's shape too
    starter = (ROOT / "src/leadscore/demo/starter_model.yaml").read_text()
    assert "by: 10%, floor: 50% of mql" in starter
    spaced = tmp_path / "spaced.yaml"
    spaced.write_text(starter.replace("by: 10%, floor: 50% of mql", "by: 10 %, floor: 50 %  of mql"))
    assert leadscore("validate", "-m", str(spaced), "--no-lint").returncode == 0
    jsonschema.validate(YAML(typ="safe").load(spaced.read_text()), schema)
    # a dimension name that is not a name: refused by the schema as by validate (it let it by)
    program = example["programs"][0]
    bad = {
        **example,
        "programs": [
            {
                **program,
                "dimensions": {
                    **program["dimensions"],
                    "intent level": next(iter(program["dimensions"].values())),
                },
            }
        ],
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_init_writes_a_valid_starter_model_and_refuses_to_overwrite(tmp_path: Path) -> None:
    assert leadscore("init", str(tmp_path / "ws")).returncode == 0
    assert leadscore("validate", "-m", str(tmp_path / "ws" / "model.yaml")).returncode == 0
    again = leadscore("init", str(tmp_path / "ws"))
    assert again.returncode == 2
    assert "--force" in again.stderr
    (tmp_path / "contacts.csv").write_text("contact_id\n")
    a_file = leadscore("init", str(tmp_path / "contacts.csv"))  # said "O003: … File exists"
    assert a_file.returncode == 2
    assert a_file.stderr.startswith(f"I003: {tmp_path / 'contacts.csv'} is a file;")


def test_event_types_that_miss_the_models_by_letter_case_are_named(data: Path) -> None:
    with (data / "events.csv").open("a", encoding="utf-8") as f:
        f.write("e7,c3,Demo_Request,2025-12-30T00:00:00Z,,,\ne8,c3,Demo_Request,2025-12-31T00:00:00Z,,,\n")
    r = leadscore("score", *args(data, "-q", "--out", str(data / "s.csv")))
    assert r.returncode == 0, r.stderr
    assert (
        "events.csv: D106: warning 2 of the first 10,000 events have the type 'Demo_Request', which no rule reads;"
        " the model reads 'demo_request'"
    ) in r.stderr


NEGATIVE_DECAY = """model: idle
version: 1
programs:
  - id: main
    dimensions:
      engagement:
        decay: {after: 5d, every: 5d, by: 10%}
        categories:
          all:
            rules:
              - {id: demo, event: demo_request, points: 5}
              - {id: careers, event: careers_visit, points: -10}
"""


def test_explain_of_decay_on_a_value_that_is_not_positive_and_of_two_contacts(tmp_path: Path) -> None:
    """A negative value said "0.00 days idle, none applied (at or below the floor)" although the
    contact was idle for weeks; and `--contact A --contact B` explained B alone, without a word."""
    (tmp_path / "m.yaml").write_text(NEGATIVE_DECAY)
    (tmp_path / "c.csv").write_text("contact_id\nk1\nk2\n")
    (tmp_path / "e.csv").write_text(
        "event_id,contact_id,type,timestamp\n"
        "e1,k1,careers_visit,2025-12-07T00:00:00Z\ne2,k1,demo_request,2025-12-07T00:00:00Z\n"
    )
    base = [
        "explain",
        "-m",
        str(tmp_path / "m.yaml"),
        "-c",
        str(tmp_path / "c.csv"),
        "-e",
        str(tmp_path / "e.csv"),
    ]
    base += ["--as-of", "2026-01-01T00:00:00Z", "-q"]
    text = leadscore(*base, "--contact", "k1")
    assert text.returncode == 0, text.stderr
    assert (
        "(25.00 days idle), none applied (the value is not positive, and decay lowers a positive value only)"
        in text.stdout
    )
    exp = json.loads(leadscore(*base, "--contact", "k1", "--format", "json").stdout)
    assert exp["dimensions"][0]["decay"]["idle_days"] == 25.0
    two = leadscore(*base, "--contact", "k1", "--contact", "k2")
    assert two.returncode == 2
    assert two.stderr.startswith(
        "C007: leadscore explain: --contact is given 2 times; explain takes one contact"
    )
