"""The backtest replay equals a plain-Python replay of SPEC §3 item 10 on reference scores.

A small generated funnel is replayed by leadscore (many-moment SQL and window functions) and,
independently here, by scoring every contact with the reference evaluator at every moment (its
events' arrivals and the daily ticks) and stepping the state machine in Python. The new MQLs per
month, and each contact's final stage, must agree for every stage setting: plain (back to lead
when no longer eligible), recycle_below (hysteresis) and sticky.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadscore.app import Application
from leadscore.backtest.moments import ticks
from leadscore.demo import DEMO_MODEL, generate
from leadscore.durations import MICROS_PER_DAY, from_micros, parse_instant
from leadscore.model.loader import load_model_text
from leadscore.model.schema import Model
from leadscore.records import Contact, Event, Value
from leadscore.reference import evaluate_contact
from leadscore.reference.evaluator import group_events

START = parse_instant("2026-09-01T00:00:00Z")
END = parse_instant("2026-10-15T00:00:00Z")


def _records(
    folder: Path, model: Model
) -> tuple[list[Contact], dict[str, list[Event]], dict[str, tuple[int, str]]]:
    fields = model.fields
    contacts = []
    with open(folder / "contacts.csv", newline="") as f:
        for row in csv.DictReader(f):
            typed: dict[str, Value] = {}
            for name, kind in fields.items():
                v = row.get(name) or None
                if v is not None:
                    typed[name] = int(v) if kind == "integer" else float(v) if kind == "number" else v
            contacts.append(Contact(row["contact_id"], typed))
    events = []
    with open(folder / "events.csv", newline="") as f:
        for row in csv.DictReader(f):
            props = {k: (row[k] or None) for k in ("url", "form", "campaign", "device", "is_bot")}
            events.append(
                Event(row["event_id"], row["contact_id"], row["type"], parse_instant(row["timestamp"]), props)
            )
    first_outcome: dict[str, tuple[int, str]] = {}
    with open(folder / "outcomes.csv", newline="") as f:
        for row in csv.DictReader(f):
            ts = parse_instant(row["timestamp"])
            if row["contact_id"] not in first_outcome or ts < first_outcome[row["contact_id"]][0]:
                first_outcome[row["contact_id"]] = (ts, row["outcome"])
    return contacts, group_events(events), first_outcome


def python_replay(model_text: str, folder: Path) -> tuple[Counter[str], dict[str, bool]]:
    """New MQLs per month and the final MQL state, stepping SPEC §3 item 10 by hand."""
    model = load_model_text(model_text).model
    program = model.programs[0]
    assert program.stages is not None
    mql = program.stages.mql
    assert mql is not None
    contacts, events, outcomes = _records(folder, model)
    per_month: Counter[str] = Counter()
    final: dict[str, bool] = {}
    tick_list = ticks(START, END)
    for c in contacts:
        evs = events.get(c.contact_id, [])
        moments = sorted(set(tick_list) | {e.ts for e in evs if START <= e.ts <= END})
        state = False
        for i, t in enumerate(moments):
            result = evaluate_contact(model, c, evs, t)[0]
            eligible = result.mql_eligible
            if mql.sticky:
                new = state or eligible
            elif mql.recycle_below is not None:
                new = True if eligible else (False if result.threshold_value < mql.recycle_below else state)
            else:
                new = eligible
            outcome = outcomes.get(c.contact_id)
            if outcome is not None and t >= outcome[0]:
                new = False  # an outcome's stage takes precedence from its instant on
            if new and not state and i > 0:
                per_month[from_micros(t).strftime("%Y-%m")] += 1
            state = new
        final[c.contact_id] = state
    return per_month, final


@pytest.fixture(scope="module")
def funnel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("funnel")
    generate(folder, contacts=150, seed=11)
    return folder


STAGES = {
    "plain": "{mql: {min: 40}}",
    "recycle": "{mql: {min: 40, recycle_below: 25}}",
    "sticky": "{mql: {min: 40, sticky: true}}",
}


@pytest.mark.parametrize("setting", sorted(STAGES))
def test_replay_equals_a_python_replay_of_reference_scores(
    funnel: Path, setting: str, tmp_path: Path
) -> None:
    base = DEMO_MODEL.read_text()
    start = base.index("    stages:")
    end = base.index("\n", start)
    text = base[:start] + f"    stages: {STAGES[setting]}" + base[end:]
    other = base[:start] + f"    stages: {STAGES[setting].replace('min: 40', 'min: 30')}" + base[end:]
    paths = [tmp_path / "a.yaml", tmp_path / "b.yaml"]
    paths[0].write_text(text)
    paths[1].write_text(other)
    report = Application().backtest(
        paths, funnel / "contacts.csv", funnel / "events.csv", START, END, funnel / "outcomes.csv"
    )
    for version, model_text in zip(report.versions, (text, other), strict=True):
        expected, _ = python_replay(model_text, funnel)
        got = {m: n for m, n in version.new_mqls["main"].per_month.items() if n}
        assert got == dict(expected), f"{setting} {version.label}"
    assert sum(expected.values()) > 0, "the funnel should produce some MQLs to compare"
    # the version with the lower threshold cannot end with fewer MQL-stage contacts (sticky/plain)
    assert report.comparisons[0].contacts == 150


def test_ticks_are_aligned_to_midnight_utc() -> None:
    t = ticks(parse_instant("2026-01-01T10:00:00Z"), parse_instant("2026-01-03T00:00:00Z"))
    assert [from_micros(x).replace(tzinfo=UTC) for x in t] == [
        datetime(2026, 1, 2, tzinfo=UTC),
        datetime(2026, 1, 3, tzinfo=UTC),
    ]
    assert t[1] - t[0] == MICROS_PER_DAY
