"""The bank example's figures (examples/bank_marketing/README.md and the short table in
docs/review.md) are the ones the tools give today.

Both periods are prepared from ../shared/data (skipped locally when it is absent, a failure
under CI=true), evaluated with the example's model, and every figure of the README's tables is
recomputed: per period the counts, averages, AUC, gains and lifts, and the rule table of the
later period; then the learned baseline (baseline.py) with and without the macro columns.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from leadscore.app import Application
from leadscore.durations import Duration, parse_instant
from leadscore.review.evaluate import EvaluationRequest
from leadscore.review.report import ProgramEvaluation
from tests.conftest import ROOT, SHARED_DATA, unavailable

EXAMPLE = ROOT / "examples" / "bank_marketing"
README = (EXAMPLE / "README.md").read_text(encoding="utf-8")


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, EXAMPLE / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def periods(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = SHARED_DATA / "bank_marketing" / "bank-additional-dev.csv.gz"
    if not source.exists():
        unavailable(f"{source} is not here (the shared data sets sit beside the repository)")
    out = tmp_path_factory.mktemp("bank")
    counts = _module("prepare").prepare(out, source)
    assert counts == {"early": (19770, 898), "later": (13180, 1202)}
    return out


def _evaluate(folder: Path) -> ProgramEvaluation:
    request = EvaluationRequest(
        outcomes=folder / "outcomes.csv",
        cutoff=parse_instant("2010-12-01"),
        horizon=Duration.parse("1d"),
        positive=("won",),
    )
    return Application().evaluate(EXAMPLE / "model.yaml", folder / "contacts.csv", None, request).programs[0]


def _row(label: str) -> list[str]:
    line = next(x for x in README.replace("**", "").splitlines() if x.startswith(f"| {label} |"))
    return [cell.strip() for cell in line.strip("|").split("|")][1:]


def test_the_figures_of_both_periods_are_current(periods: Path) -> None:
    early, later = _evaluate(periods / "early"), _evaluate(periods / "later")
    cells: dict[str, list[str]] = {"auc": [], "avg": [], "top10": [], "top20": []}
    for p in (early, later):
        assert p.population.label_only_converters == p.population.converters
        assert p.auc is not None
        cells["auc"].append(f"{p.auc:.3f}")
        cells["avg"].append(
            f"{p.averages.converters_points or 0:.1f} / {p.averages.non_converters_points or 0:.1f}"
        )
        for key, top in (("top10", p.top[0]), ("top20", p.top[1])):
            cells[key].append(f"{100 * (top.gain or 0):.1f} %, {top.lift:.2f}")
    assert _row("ROC AUC") == cells["auc"]
    assert _row("average points: subscribed / not") == cells["avg"]
    assert _row("top 10 %: gain, lift") == cells["top10"]
    assert _row("top 20 %: gain, lift") == cells["top20"]
    docs = (ROOT / "docs" / "review.md").read_text(encoding="utf-8")
    assert f"| ROC AUC | {cells['auc'][0]} | {cells['auc'][1]} |" in docs
    lifts = [f"{p.top[0].lift:.2f} / {p.top[1].lift:.2f}" for p in (early, later)]
    assert f"| lift at the top 10 % / 20 % | {lifts[0]} | {lifts[1]} |" in docs
    hand = _row("this hand-written model (11 rules, no fitting)")
    assert hand == [cells["auc"][1], f"{later.top[0].lift:.2f}", f"{later.top[1].lift:.2f}"]


def test_the_later_periods_rule_table_is_current(periods: Path) -> None:
    later = _evaluate(periods / "later")
    rules = {r.rule: r for r in later.rules}
    shown = [line for line in README.splitlines() if line.startswith("| `")]
    assert len(shown) >= 5
    for line in shown:
        name, points, fired, conversion, lift, suggestion = (c.strip() for c in line.strip("|").split("|"))
        r = rules[name.strip("`")]
        assert points.replace("−", "-") == f"{r.points:+g}"
        assert fired == f"{r.fired:,}"
        assert conversion == f"{100 * (r.rate_fired or 0):.1f} % / {100 * (r.rate_not_fired or 0):.1f} %"
        assert lift == f"{r.lift:.2f}"
        assert suggestion == r.suggestion


def test_the_learned_baseline_figures_are_current(periods: Path) -> None:
    for flag, label in (([], "logistic regression, all columns"),
                        (["--without-macro"], "logistic regression, without the macro-economic columns")):  # fmt: skip
        out = subprocess.run(
            [sys.executable, str(EXAMPLE / "baseline.py"), str(periods), *flag],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        auc = out.split("ROC AUC ")[1].split(",")[0]
        lift10 = out.split("top 10 % ")[1].split(",")[0]
        lift20 = out.split("top 20 % ")[1].strip()
        assert _row(label) == [auc, lift10, lift20], out
