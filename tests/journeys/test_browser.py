"""The journeys page in a real browser (Chromium, driven by Playwright): it loads from the file
alone, logs no error, and shows each contact with its curve, its legend and its tables; the curve
is drawn with a size, the MQL line sits at the threshold, a lost deal shows its last actions.
Skipped locally when Chromium or Playwright is missing; under CI=true a missing browser fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from leadscore.app import Application
from leadscore.demo import DEMO_MODEL, generate
from leadscore.durations import Duration, parse_instant
from leadscore.journeys.build import JourneysRequest
from leadscore.journeys.html import render_html
from tests.conftest import open_offline


def test_the_journeys_page_opens_offline_with_curves_and_timelines(browser: Any, tmp_path: Path) -> None:
    demo = generate(tmp_path, contacts=400, seed=5)
    request = JourneysRequest(
        as_of=parse_instant("2026-11-01"), period=Duration.parse("90d"), outcomes=demo.outcomes_csv, sample=3
    )
    report = Application().journeys(DEMO_MODEL, demo.contacts_csv, demo.events_csv, request)
    path = tmp_path / "journeys.html"
    path.write_text(render_html(report), encoding="utf-8")

    page = open_offline(browser, path)
    assert page.title().startswith("Journeys of acme-demo v1")
    sections = page.locator("section.journey")
    shown = {g.key: len(g.journeys) for g in report.groups}
    assert sections.count() == sum(shown.values())
    assert min(shown.values()) >= 1
    for i in range(sections.count()):
        s = sections.nth(i)
        svg = s.locator("svg.chart")
        assert svg.count() == 1
        box = svg.bounding_box()
        assert box is not None
        assert box["width"] > 300
        assert box["height"] > 150
        assert s.locator('polyline[data-series="points"]').count() == 1
        assert s.locator("p.legend").inner_text().startswith("points")
    lost = page.locator("section.journey:has(div.cold)")
    assert lost.count() == shown["lost"]
    assert lost.first.locator("div.cold").inner_text().startswith("Lost on ")
    # the events table is folded: opening it shows the rows
    first = sections.first
    first.locator("details summary").click()
    rows = first.locator("details table tbody tr")
    assert rows.count() == min(30, report.groups[0].journeys[0].events_total)
    assert page.get_by_role("link", name=f"lost deals ({shown['lost']})").count() == 1
    page.close()
