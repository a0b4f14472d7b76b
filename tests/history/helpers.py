"""A small model with every kind of row, edits to it, and a real git repository to commit it to."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import unavailable

# Version 1 of the model the history tests edit. Each edit below names the line it changes.
BASE = """\
model: acme
version: 1
fields: {industry: string, employees: integer, age: integer}
review: {first_after: 60d, every: 90d}
programs:
  - id: main
    gates:
      - {id: adult, when: {field: age, gte: 18}}
    dimensions:
      fit:
        max: 50
        bands: [{name: C, min: 0}, {name: B, min: 15}, {name: A, min: 30}]
        categories:
          market:
            max: 25
            rules:
              - {id: saas, when: {field: industry, in: [software, saas]}, points: 15}
              - {id: mid_size, when: {field: employees, between: [50, 1000]}, points: 10}
      engagement:
        max: 50
        decay: {after: 30d, every: 30d, by: 10%}
        categories:
          interest:
            max: 25
            rules:
              - {id: email_click, event: email_click, points: 3, half_life: 30d, once_per: 1d, limit: 5}
              - {id: pricing, event: page_view, where: {field: url, glob: "*/pricing*"}, points: 5, within: 30d}
          negative:
            rules:
              - {id: careers, event: page_view, where: {field: url, glob: "*/careers*"}, points: -10, limit: 1}
              - {id: unsubscribe, event: unsubscribe, points: -15}
    stages: {mql: {min: 40, require_gates: true}}
triggers:
  - id: hand_to_sales
    on: {program: main, stage_enters: mql}
    do:
      - add_to_segment: sales
"""

PRICING = '{id: pricing, event: page_view, where: {field: url, glob: "*/pricing*"}, points: 5, within: 30d}'
CAREERS = '              - {id: careers, event: page_view, where: {field: url, glob: "*/careers*"}, points: -10, limit: 1}\n'
DEMO = "              - {id: demo, event: demo_request, points: 20, critical: true}\n"


def edit(text: str, *pairs: tuple[str, str]) -> str:
    """Replace each `old` (which must occur exactly once) with `new`."""
    for old, new in pairs:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def version(text: str, n: int | str, **meta: str) -> str:
    """`text` as version `n`, with extra top-level keys such as author or change_note."""
    label = n if isinstance(n, int) else f'"{n}"'
    extra = "".join(f"{k}: {v}\n" for k, v in meta.items())
    return edit(text, ("version: 1\n", f"version: {label}\n{extra}"))


# v2: pricing +5 → +8, careers removed, demo added after pricing, MQL threshold 40 → 45.
V2 = version(
    edit(
        BASE,
        (PRICING + "\n", PRICING.replace("points: 5", "points: 8") + "\n" + DEMO),
        (CAREERS, ""),
        ("{mql: {min: 40,", "{mql: {min: 45,"),
    ),
    2,
    author="Ben",
    change_note="Pricing matters more; careers visits no longer count",
)
# v3 does not validate: a misspelt key.
V3_INVALID = version(BASE, 3).replace("programs:", "programz:")
# v4 (from v2): email_click half-life 30d → 14d, saas also matches fintech.
V4 = edit(
    V2.replace("version: 2\n", "version: 4\n"),
    ("half_life: 30d", "half_life: 14d"),
    ("in: [software, saas]}", "in: [software, saas, fintech]}"),
)


def set_mtime(path: Path, iso: str) -> None:
    t = datetime.fromisoformat(iso).replace(tzinfo=UTC).timestamp()
    os.utime(path, (t, t))


class Repo:
    """A real git repository in a temporary folder; commits carry the given author and date."""

    def __init__(self, root: Path) -> None:
        if shutil.which("git") is None:
            unavailable("git is not installed")
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q")

    def git(self, *args: str, author: str = "Ana", date: str = "2026-01-05T10:00:00Z") -> str:
        env = {
            **os.environ,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": author,
            "GIT_AUTHOR_EMAIL": f"{author.lower()}@example.com",
            "GIT_COMMITTER_NAME": author,
            "GIT_COMMITTER_EMAIL": f"{author.lower()}@example.com",
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
        }
        out = subprocess.run(["git", *args], cwd=self.root, env=env, capture_output=True, text=True)
        if out.returncode != 0:
            pytest.fail(f"git {' '.join(args)}: {out.stderr}")
        return out.stdout.strip()

    def commit(self, path: str, text: str, message: str, author: str, date: str) -> str:
        """Write `path`, commit it, and return the commit's sha."""
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        self.git("add", path)
        self.git("commit", "-q", "-m", message, author=author, date=date)
        return self.git("rev-parse", "HEAD")

    def rename(self, old: str, new: str, message: str, author: str, date: str) -> str:
        self.git("mv", old, new)
        self.git("commit", "-q", "-m", message, author=author, date=date)
        return self.git("rev-parse", "HEAD")
