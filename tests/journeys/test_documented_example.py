"""The lost deal docs/review.md shows is the one `leadscore journeys` prints on the demo today."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from leadscore.cli.main import cli
from leadscore.demo import DEMO_MODEL, generate
from tests.conftest import ROOT


def test_the_documented_lost_deal_is_current(tmp_path: Path) -> None:
    data = generate(tmp_path, contacts=5000, seed=7)
    args = ["journeys", "-m", str(DEMO_MODEL), "-c", str(data.contacts_csv), "-e", str(data.events_csv),
            "--outcomes", str(data.outcomes_csv), "--as-of", "2026-11-01", "--sample", "1", "--show-events", "6",
            "-q"]  # fmt: skip
    result = CliRunner().invoke(cli, args, prog_name="leadscore")
    assert result.exit_code == 0, result.output
    page = (ROOT / "docs" / "review.md").read_text(encoding="utf-8")
    section = page[page.index("## Journeys") :]
    shown = re.search(r"```text\n(.*?)```", section, re.DOTALL)
    assert shown is not None
    expected = shown.group(1).rstrip("\n").splitlines()
    assert expected[0].startswith("lost deals: 1 of ")
    out = result.stdout.rstrip("\n").splitlines()
    start = out.index(expected[0])
    assert out[start:] == expected
