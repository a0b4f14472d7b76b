"""The figures docs/review.md shows are the ones the commands print today.

The demo's report head is compared line by line; the X Education figures (AUC, lift, gains) are
recomputed from ../shared/data (skipped locally when it is absent, a failure under CI=true).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from click.testing import CliRunner

from leadscore.app import Application
from leadscore.cli.main import cli
from leadscore.demo import DEMO_MODEL, generate
from leadscore.durations import Duration, parse_instant
from leadscore.review.evaluate import EvaluationRequest
from tests.conftest import ROOT, SHARED_DATA, unavailable

PAGE = ROOT / "docs" / "review.md"


def test_the_demo_report_head_in_the_docs_is_current(tmp_path: Path) -> None:
    data = generate(tmp_path, contacts=5000, seed=7)
    args = ["evaluate", "-m", str(DEMO_MODEL), "-c", str(data.contacts_csv), "-e", str(data.events_csv),
            "--outcomes", str(data.outcomes_csv), "--feedback", str(data.feedback_csv),
            "--cutoff", "2026-08-01", "--horizon", "90d", "-q"]  # fmt: skip
    result = CliRunner().invoke(cli, args, prog_name="leadscore")
    assert result.exit_code == 0, result.output
    shown = re.search(r"```text\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.DOTALL)
    assert shown is not None
    expected = shown.group(1).splitlines()
    assert len(expected) >= 12
    assert result.stdout.splitlines()[: len(expected)] == expected


def test_the_x_education_figures_in_the_docs_are_current(tmp_path: Path) -> None:
    source = SHARED_DATA / "x_education" / "leads-dev.csv.gz"
    if not source.exists():
        unavailable(f"{source} is not here (the shared data sets sit beside the repository)")
    spec = importlib.util.spec_from_file_location("prepare", ROOT / "examples" / "x_education" / "prepare.py")
    assert spec is not None
    assert spec.loader is not None
    prepare = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(prepare)
    assert prepare.prepare(tmp_path, source) == (7392, 2849)
    request = EvaluationRequest(
        outcomes=tmp_path / "outcomes.csv",
        cutoff=parse_instant("2026-01-01"),
        horizon=Duration.parse("1d"),
        positive=("won",),
    )
    model = ROOT / "examples" / "x_education" / "model.yaml"
    p = Application().evaluate(model, tmp_path / "contacts.csv", None, request).programs[0]
    assert p.population.label_only_converters == p.population.converters == 2849
    assert p.auc is not None
    figures = {"auc": f"{p.auc:.3f}", "lift10": f"{p.top[0].lift:.2f}", "lift20": f"{p.top[1].lift:.2f}",
               "gain20": f"{100 * (p.top[1].gain or 0):.1f} %"}  # fmt: skip
    page = PAGE.read_text(encoding="utf-8")
    assert f"| ROC AUC | **{figures['auc']}** |" in page
    assert f"lift **{figures['lift10']}** |" in page
    assert f"gain {figures['gain20']}, lift **{figures['lift20']}** |" in page
