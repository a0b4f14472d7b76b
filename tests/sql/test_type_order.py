"""The CASE on the event type tests the most frequent types first; the order never changes a score."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from leadscore import session
from leadscore.app import Application
from leadscore.compiled import compile_model
from leadscore.data.loading import DuckDBExecutor
from leadscore.demo import DEMO_MODEL
from leadscore.durations import parse_instant
from leadscore.model.loader import load_model
from leadscore.session import near_types, type_sample
from leadscore.sql.dialects import DuckDBDialect
from leadscore.sql.query import Relations, build_event_rules_query

AS_OF = parse_instant("2026-01-01T00:00:00Z")


def _type_branches(common: tuple[str, ...]) -> list[str]:
    cm = compile_model(load_model(DEMO_MODEL).model)
    d = DuckDBDialect()
    sql = d.render(build_event_rules_query(cm, AS_OF, d, Relations(common_types=common)), pretty=False)
    mask = sql[sql.index(" ELSE CASE WHEN ") :]  # the side of the bot test that holds every rule
    branches = re.findall(r"""WHEN "type" = '([a-z_]+)' THEN""", mask)
    return list(dict.fromkeys(branches))


def test_without_a_sample_the_types_are_tested_a_to_z() -> None:
    branches = _type_branches(())
    assert branches == sorted(branches)
    assert len(branches) >= 5


def test_the_most_frequent_types_are_tested_first_then_the_rest_a_to_z() -> None:
    everyone = _type_branches(())
    common = ("page_view", "unknown_type", "email_click")
    branches = _type_branches(common)
    assert branches[:2] == ["page_view", "email_click"]
    assert branches[2:] == sorted(t for t in everyone if t not in common)
    assert sorted(branches) == sorted(everyone)


def test_the_sample_counts_the_first_rows_most_frequent_first_ties_a_to_z() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE ev AS SELECT * FROM (VALUES ('b'), ('a'), ('c'), ('c'), (NULL), ('a'), ('d')) t(type)"
    )
    assert type_sample(DuckDBExecutor(con), "ev") == [("a", 2), ("c", 2), ("b", 1), ("d", 1)]


def test_sampled_types_that_miss_the_models_by_case_or_spaces_are_named() -> None:
    sample = [("page_view", 9), ("Demo_Request", 3), ("email_open ", 2), ("other", 1)]
    read = ("demo_request", "email_open", "page_view")
    assert near_types(sample, read) == [("Demo_Request", "demo_request", 3), ("email_open ", "email_open", 2)]


def test_scores_do_not_depend_on_the_order_of_the_type_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the same events in two orders, and a sample of 4 rows: the two runs see different
    # frequencies, so they run different CASE orders; the scores are identical
    seen: list[tuple[str, ...]] = []

    def spy(ex: object, events: str) -> list[tuple[str, int]]:
        sample = type_sample(ex, events)  # type: ignore[arg-type]
        seen.append(tuple(t for t, _ in sample))
        return sample

    monkeypatch.setattr(session, "TYPE_SAMPLE_ROWS", 4)
    monkeypatch.setattr(session, "type_sample", spy)
    model = tmp_path / "m.yaml"
    model.write_text(
        """model: m
version: 1
programs:
  - id: main
    dimensions:
      engagement:
        categories:
          all:
            rules:
              - {id: views, event: page_view, points: 1}
              - {id: opens, event: email_open, where: {field: subject, glob: "News*"}, points: 2}
              - {id: demo, event: demo_request, points: 30}
""",
        encoding="utf-8",
    )
    (tmp_path / "c.csv").write_text("contact_id\nc1\nc2\n", encoding="utf-8")
    rows = [f"v{i},c{1 + i % 2},page_view,2025-12-0{1 + i % 9}T00:00:00Z," for i in range(30)]
    rows += [f"o{i},c{1 + i % 2},email_open,2025-12-10T00:00:00Z,News {i}" for i in range(3)]
    rows += ["d1,c2,demo_request,2025-12-11T00:00:00Z,"]
    header = "event_id,contact_id,type,timestamp,subject\n"
    (tmp_path / "e1.csv").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "e2.csv").write_text(header + "\n".join(reversed(rows)) + "\n", encoding="utf-8")
    app = Application()
    outs = []
    for events in ("e1.csv", "e2.csv"):
        out = tmp_path / f"{events}.out.csv"
        app.score(model, tmp_path / "c.csv", tmp_path / events, AS_OF, out)
        outs.append(out.read_text(encoding="utf-8"))
    assert seen == [("page_view",), ("email_open", "demo_request")]
    assert outs[0] == outs[1]
    scores = {line.split(",")[0]: line.split(",")[2] for line in outs[0].splitlines()[1:]}
    assert scores == {"c1": "19", "c2": "47"}  # 15 views + 2 opens; 15 views + 1 open + a demo
