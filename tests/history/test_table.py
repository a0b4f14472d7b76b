"""The side-by-side table and its CSV: every expected cell is derived from the edits in helpers.py.

Versions (from a folder): v1 = BASE; v2 = pricing +5 → +8, demo added, careers removed, MQL
40 → 45, author and change note; v3 does not validate; v4 = v2 with email_click's half-life
30d → 14d and saas also matching fintech. v4 is compared with v2, the last valid version.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from leadscore.history.export import to_csv
from leadscore.history.folder import folder_versions
from leadscore.history.html import to_html
from leadscore.history.table import HistoryTable, Row, build_table, merged
from tests.history.helpers import BASE, V2, V3_INVALID, V4, set_mtime


@pytest.fixture
def table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> HistoryTable:
    monkeypatch.chdir(tmp_path)
    folder = Path("versions")
    folder.mkdir()
    for i, (name, text) in enumerate(
        [("v1.yaml", BASE), ("v2.yaml", V2), ("v3.yaml", V3_INVALID), ("v4.yaml", V4)]
    ):
        (folder / name).write_text(text, encoding="utf-8")
        set_mtime(folder / name, f"2026-0{i + 1}-01T09:00:00")  # Jan, Feb, Mar, Apr
    return build_table(folder_versions(folder))


def row(table: HistoryTable, item: str, category: str = "") -> Row:
    return next(r for r in table.rows if r.item == item and r.category == category)


def marks(r: Row) -> list[str]:
    return [c.change for c in r.cells]


def test_rule_cells_and_their_marks(table: HistoryTable) -> None:
    pricing = row(table, "pricing", "interest")
    # v1 +5 within 30d; v2 +8 (changed, was +5); v3 invalid; v4 +8 as in v2 (same).
    assert [c.text for c in pricing.cells] == ["+5 <30d", "+8 <30d", "", "+8 <30d"]
    assert marks(pricing) == ["same", "changed", "invalid", "same"]
    assert pricing.cells[1].note == "was +5 <30d"
    assert pricing.what == 'page_view where url matches "*/pricing*"'

    email = row(table, "email_click", "interest")
    # points 3, half-life (½) 30d → 14d in v4, the 5 most recent (×5), one per day (/1d).
    assert [c.text for c in email.cells] == ["+3 ½30d ×5/1d", "+3 ½30d ×5/1d", "", "+3 ½14d ×5/1d"]
    assert marks(email) == ["same", "same", "invalid", "changed"]  # v4 against v2, across v3

    demo = row(table, "demo", "interest")
    # Added in v2 (after pricing, where v2 has it), critical (!), kept in v4.
    assert [c.text for c in demo.cells] == ["", "+20 !", "", "+20 !"]
    assert marks(demo) == ["absent", "new", "invalid", "same"]

    careers = row(table, "careers", "negative")
    # There in v1, removed in v2, absent from then on; its description comes from v1.
    assert marks(careers) == ["same", "removed", "invalid", "absent"]
    assert careers.what == 'page_view where url matches "*/careers*"'

    saas = row(table, "saas", "market")
    # The points stay +15; only the condition changes in v4, so the note says what it was.
    assert [c.text for c in saas.cells] == ["+15", "+15", "", "+15"]
    assert marks(saas) == ["same", "same", "invalid", "changed"]
    assert saas.cells[3].note == "condition was: industry in [software, saas]"
    assert saas.what == "industry in [software, saas, fintech]"  # from the newest version


def test_settings_rows(table: HistoryTable) -> None:
    mql = row(table, "MQL threshold")
    assert [c.text for c in mql.cells] == [
        "40, gates required",
        "45, gates required",
        "",
        "45, gates required",
    ]
    assert marks(mql) == ["same", "changed", "invalid", "same"]
    decay = next(r for r in table.rows if r.kind == "decay")
    assert decay.dimension == "engagement"
    assert decay.cells[0].text == "10% every 30d after 30d idle"
    bands = next(r for r in table.rows if r.kind == "bands")
    assert bands.cells[0].text == "C≥0 B≥15 A≥30"
    # negative has neither min nor max in any version: no budget row for it.
    assert not [r for r in table.rows if r.category == "negative" and r.kind == "budget"]
    assert row(table, "budget", "interest").cells[0].text == "max 25"
    gate = row(table, "adult")
    assert (gate.kind, gate.what, gate.cells[0].text) == ("gate", "age ≥ 18", "✓")


def test_rows_are_grouped_in_model_order(table: HistoryTable) -> None:
    rules = [r.item for r in table.rows if r.kind == "rule"]
    # demo (new in v2) sits after pricing, as in v2; careers keeps its place before unsubscribe.
    assert rules == ["saas", "mid_size", "email_click", "pricing", "demo", "careers", "unsubscribe"]
    kinds = [r.kind for r in table.rows]
    assert kinds.index("gate") < kinds.index("rule") < kinds.index("mql") < kinds.index("trigger")
    # a b c; then x goes first (before a) and d after c; then e after b.
    assert merged([["a", "b", "c"], ["x", "a", "c", "d"], ["b", "e"]]) == ["x", "a", "b", "e", "c", "d"]


def test_csv_is_the_review_spreadsheet(table: HistoryTable) -> None:
    rows = list(csv.reader(io.StringIO(to_csv(table))))
    assert rows[0] == ["program", "dimension", "category", "item", "kind", "what", "1", "2", "3", "4"]
    head = {r[3]: r[6:] for r in rows[1:7]}
    assert head["version"] == ["1", "2", "3", "4"]
    assert head["date"] == ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01"]  # modification times
    assert head["author"] == ["", "Ben", "", "Ben"]
    assert head["source"] == ["versions/v1.yaml", "versions/v2.yaml", "versions/v3.yaml", "versions/v4.yaml"]
    assert head["status"][0] == "valid"
    assert head["status"][2].startswith(
        "invalid: 1 error(s)\nversions/v3.yaml:5:1: E201: unknown key 'programz'"
    )
    body = {(r[2], r[3]): r[6:] for r in rows[7:]}
    assert body[("interest", "pricing")] == ["+5 <30d", "+8 <30d (was +5 <30d)", "(invalid)", "+8 <30d"]
    assert body[("interest", "demo")] == ["", "+20 ! (new)", "(invalid)", "+20 !"]
    assert body[("negative", "careers")] == ["-10 ×1", "(removed)", "(invalid)", ""]
    assert body[("market", "saas")] == [
        "+15",
        "+15",
        "(invalid)",
        "+15 (condition was: industry in [software, saas])",
    ]
    # One row per rule and setting: 7 rules, 1 gate, 2 dimension budgets, bands, decay,
    # 2 category budgets (market, interest), the MQL threshold and 1 trigger = 16, after the
    # 6 version rows.
    assert len(rows) == 1 + 6 + 16


def test_html_is_one_self_contained_page(table: HistoryTable) -> None:
    page = to_html(table, "acme: versions side by side")
    assert page.startswith("<!doctype html>")
    assert "<script" not in page
    assert "http" not in page  # no stylesheet, font or image to fetch
    assert '<td class="v changed" title="was +5 &lt;30d">+8 &lt;30d<small>was +5 &lt;30d</small></td>' in page
    assert '<td class="v new" title="added in this version">+20 !<small>new</small></td>' in page
    assert "Version 3 does not validate" in page
