"""Session: the scoring statement built ahead, on another thread, while the data loads.

`leadscore score` and `evaluate` tell the session what they will score (`Planned`); its
statement over the stored per-contact aggregate depends on the model alone, so it is built while
the engine reads the files. It must be the very statement built the usual way, and a session
asked for some other scoring must build that one instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from leadscore.app import Application
from leadscore.durations import parse_instant
from leadscore.model.loader import load_model
from leadscore.session import EngineOptions, Inputs, Planned, Session, _stored_score_sql

T1 = parse_instant("2026-06-01T00:00:00Z")
T2 = parse_instant("2026-03-01T00:00:00Z")

MODEL = """
model: ahead
version: 3
programs:
  - id: main
    dimensions:
      fit:
        categories:
          firmographics:
            rules:
              - {id: big, when: {field: employees, gte: 100}, points: 10}
      engagement:
        decay: {after: 30d, every: 7d, by: 10%}
        categories:
          all:
            rules:
              - {id: demo, event: demo_request, points: 20}
              - {id: pricing, event: page_view, where: {field: url, contains: pricing}, points: 5, max: 15}
    bands:
      - {name: hot, min: 25}
      - {name: cold, min: 0}
"""

CONTACTS = "contact_id,employees\nc1,500\nc2,20\nc3,\n"
EVENTS = """event_id,contact_id,type,timestamp,url
1,c1,page_view,2026-02-01T00:00:00Z,/pricing
2,c1,demo_request,2026-05-02T00:00:00Z,
3,c2,page_view,2026-05-03T00:00:00Z,/pricing
3,c2,page_view,2026-05-03T00:00:00Z,/pricing
4,c9,demo_request,2026-05-04T00:00:00Z,
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    model, contacts, events = tmp_path / "m.yaml", tmp_path / "c.csv", tmp_path / "e.csv"
    model.write_text(MODEL, encoding="utf-8")
    contacts.write_text(CONTACTS, encoding="utf-8")
    events.write_text(EVENTS, encoding="utf-8")
    return model, contacts, events


def _scores(files: tuple[Path, Path, Path], planned: Planned | None, as_of: int, rules: bool) -> Any:
    model, contacts, events = files
    session = Application().open(
        model, Inputs(contacts=contacts, events=events), late_duplicates=True, planned=planned
    )
    try:
        session.score(as_of, rules=rules, keep=True)
        table = session.engine.fetch_arrow("SELECT * FROM scores")
        return table.to_pylist(), session.report.to_json()
    finally:
        session.close()


@pytest.mark.parametrize("rules", [False, True])
def test_the_statement_built_ahead_is_the_usual_one(files: tuple[Path, Path, Path], rules: bool) -> None:
    model, contacts, events = files
    loaded = load_model(model)
    session = Session.open(
        loaded,
        Inputs(contacts=contacts, events=events),
        EngineOptions("duckdb"),
        lambda _msg: None,
        late_duplicates=True,
        planned=Planned(T1, rules),
    )
    try:
        assert session._ahead is not None
        planned, future = session._ahead
        assert planned == Planned(T1, rules)
        assert future.result(timeout=30) == _stored_score_sql(
            session.compiled, loaded, session.engine, planned
        )
    finally:
        session.close()


@pytest.mark.parametrize("rules", [False, True])
def test_scores_are_the_same_with_or_without_planning(files: tuple[Path, Path, Path], rules: bool) -> None:
    planned = _scores(files, Planned(T1, rules), T1, rules)
    unplanned = _scores(files, None, T1, rules)
    assert planned == unplanned
    rows, report = planned
    assert [r["contact_id"] for r in rows] == ["c1", "c2", "c3"]  # contacts-file order
    assert report["files"][1]["duplicates"] == 1
    assert report["unknown_contact_events"] == 1


def test_a_session_scored_otherwise_than_planned_builds_its_own_statement(
    files: tuple[Path, Path, Path],
) -> None:
    # planned as of T1 without the rules, scored as of T2 with them: the statement built ahead
    # does not fit and must not be used
    otherwise = _scores(files, Planned(T1, rules=False), T2, rules=True)
    assert otherwise == _scores(files, None, T2, rules=True)
    rows, _ = otherwise
    assert rows[0]["rule:pricing"] == 5.0
    assert rows[0]["rule:demo"] == 0.0
    assert otherwise != _scores(files, None, T1, rules=True)
