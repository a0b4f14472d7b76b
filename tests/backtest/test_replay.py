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
from leadscore.durations import MICROS_PER_DAY, Duration, from_micros, parse_instant
from leadscore.model.loader import load_model_text
from leadscore.model.schema import Model
from leadscore.records import Contact, Event, Value
from leadscore.reference import evaluate_contact
from leadscore.reference.evaluator import group_events

START = parse_instant("2026-09-01T07:00:00Z")  # neither end on a tick: both are moments too
END = parse_instant("2026-10-15T13:30:00Z")


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
        moments = sorted(set(tick_list) | {START, END} | {e.ts for e in evs if START <= e.ts <= END})
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


ENDS_MODEL = """model: ends
version: 1
fields: {tier: integer}
programs:
  - id: main
    dimensions:
      fit:
        categories:
          market:
            rules:
              - {id: tier20, when: {field: tier, gte: 20}, points: 20}
              - {id: tier45, when: {field: tier, gte: 45}, points: 25}
      engagement:
        bands: [{name: quiet, min: 0}, {name: busy, min: 5}]
        categories:
          intent:
            rules:
              - {id: demo, event: demo_request, points: 30}
              - {id: click, event: email_click, points: 5, within: WINDOW}
    stages: {mql: {min: 40, recycle_below: 30}}
"""


def test_the_period_starts_at_from_and_ends_at_to_not_at_the_first_and_last_tick(tmp_path: Path) -> None:
    """p1 (20 points at --from 06:00) turns MQL with its demo at 10:00: a new MQL of March, not
    one "at start" (its first moment had been the demo); p2 (45 points) is one at --from. And
    the versions differ only in a click's window (1d against 12h): at the 00:00 tick of 03-20
    they differ, at --to (12:00) neither counts it, so no contact moved."""
    (tmp_path / "c.csv").write_text("contact_id,tier\np1,20\np2,45\n")
    (tmp_path / "e.csv").write_text(
        "event_id,contact_id,type,timestamp\n"
        "e1,p1,demo_request,2026-03-01T10:00:00Z\n"
        "e2,p2,email_click,2026-03-19T11:00:00Z\n"
    )
    versions = [tmp_path / "a.yaml", tmp_path / "b.yaml"]
    versions[0].write_text(ENDS_MODEL.replace("WINDOW", "1d"))
    versions[1].write_text(ENDS_MODEL.replace("WINDOW", "12h"))
    for start, tick in (("2026-03-01T06:00:00Z", "1d"), ("2026-03-01T00:00:00Z", "7d")):  # 7d: Thursdays
        report = Application().backtest(
            versions, tmp_path / "c.csv", tmp_path / "e.csv", parse_instant(start),
            parse_instant("2026-03-20T12:00:00Z"), tick_us=Duration.parse(tick).micros,
        )  # fmt: skip
        for version in report.versions:
            t = version.new_mqls["main"]
            assert (t.per_month, t.initial_mqls) == ({"2026-03": 1}, 1), (start, tick, version.label)
        assert report.comparisons[0].moved == {"band": 0, "matrix": 0, "stage": 0}, (start, tick)
