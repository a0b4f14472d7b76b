"""Golden files pin what `leadscore validate` prints for broken models.

Errors are part of the product (STYLE.md): every problem at once, each at `file:line:col`
with a stable code and a hint. Each `golden/NN_name.yaml` is a small model a user could
write (most derived from the SPEC example) with one or a few mistakes; the `.txt` beside it
is exactly what

    leadscore validate -m tests/model/golden/NN_name.yaml

prints on stdout, run from the repository root. A few models also have a `.json` golden for
`--format json` (the shape the API shares).

After a deliberate change to a message, rewrite the golden files and review them:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/model/test_golden.py
    git diff tests/model/golden

Read every changed line as a marketing-ops user would before committing it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from leadscore.cli.main import cli
from leadscore.diagnostics import Severity
from leadscore.model.loader import validate_file, validate_text
from tests.conftest import ROOT

GOLDEN = ROOT / "tests" / "model" / "golden"
MODELS = sorted(GOLDEN.glob("*.yaml"))
JSON_GOLDEN = ("04_duplicate_keys", "09_unknown_condition_operator", "30_empty_file", "32_many_mistakes")
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
CODE = re.compile(r"^[EW][0-9]{3}$")


def rel(model: Path) -> str:
    """The path as a user types it from the repository root (forward slashes everywhere)."""
    return model.relative_to(ROOT).as_posix()


def run_validate(monkeypatch: pytest.MonkeyPatch, model: Path, *extra: str) -> tuple[int, str]:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, ["validate", "-m", rel(model), *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout


def check_golden(expected_file: Path, actual: str) -> None:
    if UPDATE:
        expected_file.write_text(actual, encoding="utf-8")
        return
    assert expected_file.exists(), f"no golden file {expected_file.name}; run with UPDATE_GOLDEN=1"
    assert actual == expected_file.read_text(encoding="utf-8")


def test_there_are_enough_golden_models() -> None:
    assert len(MODELS) >= 30


def test_every_golden_output_has_its_model() -> None:
    """No stale golden file outlives its model."""
    stems = {m.stem for m in MODELS}
    for out in [*GOLDEN.glob("*.txt"), *GOLDEN.glob("*.json")]:
        assert out.stem in stems, f"{out.name} has no {out.stem}.yaml"


@pytest.mark.parametrize("model", MODELS, ids=[m.stem for m in MODELS])
def test_text_output(monkeypatch: pytest.MonkeyPatch, model: Path) -> None:
    code, out = run_validate(monkeypatch, model)
    assert code == 2, out
    check_golden(model.with_suffix(".txt"), out)


@pytest.mark.parametrize("stem", JSON_GOLDEN)
def test_json_output(monkeypatch: pytest.MonkeyPatch, stem: str) -> None:
    model = GOLDEN / f"{stem}.yaml"
    code, out = run_validate(monkeypatch, model, "--format", "json")
    assert code == 2, out
    doc = json.loads(out)
    assert doc["ok"] is False
    assert doc["file"] == rel(model)
    check_golden(model.with_suffix(".json"), out)


@pytest.mark.parametrize("model", MODELS, ids=[m.stem for m in MODELS])
def test_every_problem_is_located_and_coded(monkeypatch: pytest.MonkeyPatch, model: Path) -> None:
    """A problem in a model file always has a line, a column and a stable code."""
    monkeypatch.chdir(ROOT)
    report = validate_file(rel(model))
    assert not report.ok
    assert report.diagnostics
    for d in report.diagnostics:
        assert CODE.match(d.code), d.render()
        assert d.location is not None, d.render()
        assert d.location.file == rel(model)
        assert d.location.line >= 1, d.render()
        assert d.location.column >= 1, d.render()
        assert d.message, d.render()
        assert d.message == d.message.strip(), d.render()


@pytest.mark.parametrize("model", MODELS, ids=[m.stem for m in MODELS])
def test_no_library_wording_leaks(model: Path) -> None:
    """Messages speak the model's language, not pydantic's or the YAML parser's."""
    report = validate_file(model)
    for d in report.diagnostics:
        text = d.render()
        for leak in ("Input should", "input should", "value error", "validation error", "<block", "[type="):
            assert leak not in text, text


def test_one_run_reports_every_mistake() -> None:
    """The many-mistakes model: each of its problems is reported, in file order, in one run."""
    report = validate_file(GOLDEN / "32_many_mistakes.yaml")
    errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    assert len(errors) >= 8
    assert len({d.code for d in errors}) >= 6
    lines = [d.location.line for d in errors if d.location]
    assert lines == sorted(lines)
    assert len(set(lines)) == len(lines), "one problem, one message"


# YAML 1.2 reads NO, yes, on and off as text, so none of these is an error: `country: NO`
# is Norway, and an `in` list mixing quoted and bare "NO" is one kind (text).
YAML12_EDGE_CASES = """\
model: acme-b2b
version: 2026-06
fields:
  country: string
  newsletter: string
programs:
  - id: main
    gates:
      - {id: service_area, when: {field: country, in: [PL, DE, NO, "NO", UK]}}
    dimensions:
      fit:
        max: 50
        categories:
          market:
            max: 50
            rules:
              - {id: norway, when: {field: country, eq: NO}, points: 20}
              - {id: opted_in, when: {field: newsletter, in: [yes, on, Y]}, points: 5}
              - {id: opted_out, when: {field: newsletter, eq: off}, points: -5}
"""


def test_yaml12_words_are_text_not_errors() -> None:
    report = validate_text(YAML12_EDGE_CASES, "edge.yaml", lint=False)
    assert report.ok, [d.render() for d in report.diagnostics]
    assert report.diagnostics == []
    model = report.model
    assert model is not None
    assert model.version == "2026-06"
    gate = model.programs[0].gates[0].when
    assert gate.operand == ["PL", "DE", "NO", "NO", "UK"]  # type: ignore[union-attr]
