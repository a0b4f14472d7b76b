"""The history page in a real browser (Chromium, driven by Playwright): offline, and readable.

Skipped locally when Chromium or Playwright is missing; under CI=true a missing browser fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from leadscore.history.folder import folder_versions
from leadscore.history.html import to_html
from leadscore.history.table import build_table
from tests.conftest import open_offline
from tests.history.helpers import BASE, V2, V3_INVALID, V4, set_mtime


def test_the_history_page_opens_offline_with_changes_marked(browser: Any, tmp_path: Path) -> None:
    for i, (name, text) in enumerate(
        [("v1.yaml", BASE), ("v2.yaml", V2), ("v3.yaml", V3_INVALID), ("v4.yaml", V4)]
    ):
        (tmp_path / name).write_text(text, encoding="utf-8")
        set_mtime(tmp_path / name, f"2026-0{i + 1}-01T09:00:00")
    page_file = tmp_path / "history.html"
    page_file.write_text(to_html(build_table(folder_versions(tmp_path)), "acme: versions"), encoding="utf-8")

    page = open_offline(browser, page_file)
    assert page.title() == "acme: versions"
    assert page.locator("thead th").all_inner_texts() == ["rule or setting", "looks at", "1", "2", "3", "4"]
    # pricing: +5 in v1, +8 in v2 (changed: yellow, "was +5 <30d" in small print), v3 invalid, +8.
    pricing = page.locator("tr", has=page.locator("th", has_text="pricing")).locator("td.v")
    assert pricing.all_inner_texts() == ["+5 <30d", "+8 <30d\nwas +5 <30d", "—", "+8 <30d"]
    changed = pricing.nth(1)
    assert changed.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 241, 194)"
    assert changed.get_attribute("title") == "was +5 <30d"
    removed = page.locator("tr", has=page.locator("th", has_text="careers")).locator("td.removed")
    assert removed.inner_text() == "removed"
    assert page.get_by_role("heading", name="Version 3 does not validate").count() == 1
