"""The compiled SQL, pinned per dialect; compiling twice gives byte-identical SQL.

A change to the SQL builders shows up here as a readable diff of the generated query. To
accept an intended change, regenerate with `UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/sql`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from leadscore.app import Application
from leadscore.demo import DEMO_MODEL
from leadscore.durations import parse_instant
from tests.conftest import FIXTURES

SNAPSHOTS = Path(__file__).parent / "snapshots"
AS_OF = parse_instant("2026-01-01T00:00:00Z")
MODELS = {"spec_example": FIXTURES / "spec_example.yaml", "demo": DEMO_MODEL}


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "spark"])
@pytest.mark.parametrize("name", sorted(MODELS))
def test_compiled_sql_matches_its_snapshot(name: str, dialect: str) -> None:
    sql = Application().compile(MODELS[name], dialect, AS_OF, rules=True)
    snapshot = SNAPSHOTS / f"{name}.{dialect}.sql"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.write_text(sql, encoding="utf-8")
    assert snapshot.exists(), f"no snapshot {snapshot.name}; run with UPDATE_SNAPSHOTS=1"
    assert sql == snapshot.read_text(encoding="utf-8"), (
        f"the {dialect} SQL of {name} changed; review and run with UPDATE_SNAPSHOTS=1"
    )


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "spark"])
def test_compiling_twice_gives_identical_sql(dialect: str) -> None:
    app = Application()
    first = app.compile(DEMO_MODEL, dialect, AS_OF, rules=True)
    second = app.compile(DEMO_MODEL, dialect, AS_OF, rules=True)
    assert first.encode() == second.encode()


def test_dialects_differ_only_where_declared() -> None:
    """The declared differences are visible in the SQL (and nothing dialect-specific leaks)."""
    app = Application()
    sql = {d: app.compile(MODELS["spec_example"], d, AS_OF) for d in ("duckdb", "postgres", "spark")}
    assert "EPOCH_US(" in sql["duckdb"]
    assert "EXTRACT(EPOCH FROM" in sql["postgres"]
    assert "UNIX_MICROS(" in sql["spark"]
    assert 'COLLATE "C"' in sql["postgres"]
    assert "COLLATE" not in sql["duckdb"]
    assert "REPLACE(" in sql["spark"]  # Σ → σ before LOWER (no final-sigma rule)
    assert "AS MATERIALIZED" in sql["postgres"]
    assert "AS MATERIALIZED" not in sql["duckdb"]
    assert " RLIKE " in sql["spark"]
    assert " ~ " in sql["postgres"]
