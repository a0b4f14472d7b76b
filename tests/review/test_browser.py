"""The HTML report in a real browser (Chromium, driven by Playwright).

It must load from the file alone (no request but the file itself), log no console error and
show the four charts as SVG and the rule table. Skipped locally when Chromium or Playwright is
missing; under CI=true a missing browser fails the test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from leadscore.app import Application
from leadscore.durations import Duration
from leadscore.review.evaluate import EvaluationRequest
from leadscore.review.html import render_html
from tests.conftest import open_offline
from tests.review.workspace import CUTOFF_US, HORIZON, build


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("html")
    ws = build(folder)
    request = EvaluationRequest(ws.outcomes, CUTOFF_US, Duration.parse(HORIZON), feedback=ws.feedback)
    report = Application().evaluate(ws.model, ws.contacts, ws.events, request)
    path = folder / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path


def test_the_report_opens_offline_with_its_charts_and_rule_table(browser: Any, report_file: Path) -> None:
    page = open_offline(browser, report_file)
    assert page.title().startswith("Evaluation of review-test v3")
    for chart in ("distribution", "bands", "gains", "roc"):
        svg = page.locator(f'svg[data-chart="{chart}"]')
        assert svg.count() == 1, chart
        box = svg.bounding_box()
        assert box is not None, chart
        assert (box["width"] > 200, box["height"] > 100) == (True, True), chart  # drawn, with a size
        assert svg.locator("title").first.text_content()  # an accessible name
    assert page.locator('svg[data-chart="roc"] polyline').count() == 2  # the model and the diagonal
    table = page.locator("table.rules")
    assert table.count() == 1
    headers = table.locator("th").all_inner_texts()
    assert headers[:3] == ["rule", "dimension / category", "points"]
    assert "suggestion" in headers
    assert table.locator("tbody tr").count() == 6
    assert page.get_by_role("heading", name="Rules").count() == 1
    page.close()
