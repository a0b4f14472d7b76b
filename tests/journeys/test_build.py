"""`journeys` on a generated demo funnel, every figure recomputed from the files.

- the groups: candidates counted again from the CSV files in plain Python, the sample drawn
  from them, of the asked size, the same for the same seed;
- the curve and every event's change: the reference evaluator (the oracle) at the same moments;
- a lost deal's last actions: the newest events at or before the loss;
- time travel: events, outcomes and contacts after the as-of change nothing.
"""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from leadscore.app import Application
from leadscore.demo import DEMO_MODEL, DemoData, generate
from leadscore.durations import MICROS_PER_DAY, Duration, parse_instant
from leadscore.journeys.build import JourneysRequest
from leadscore.journeys.report import JourneysReport
from leadscore.model.schema import Model
from leadscore.records import Contact, Event
from leadscore.reference.evaluator import evaluate_contact
from leadscore.session import Inputs

AS_OF = parse_instant("2026-10-01")
PERIOD = Duration.parse("60d")
START = AS_OF - PERIOD.micros


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoData:
    return generate(tmp_path_factory.mktemp("journeys"), contacts=700, seed=11)


def _run(demo: DemoData, **kw: Any) -> JourneysReport:
    request = JourneysRequest(as_of=AS_OF, period=PERIOD, outcomes=demo.outcomes_csv, **kw)
    return Application().journeys(DEMO_MODEL, demo.contacts_csv, demo.events_csv, request)


@pytest.fixture(scope="module")
def report(demo: DemoData) -> JourneysReport:
    return _run(demo, sample=4, seed=3)


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _candidates(demo: DemoData) -> dict[str, set[str]]:
    """The groups, from the files: created or closed in (START, AS_OF]."""
    outcomes: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for o in _rows(demo.outcomes_csv):
        outcomes[o["contact_id"]].append((o["outcome"], parse_instant(o["timestamp"])))
    contacts = _rows(demo.contacts_csv)
    known = {c["contact_id"] for c in contacts}

    def closed_in(cid: str, what: str) -> bool:
        return any(o == what and START < ts <= AS_OF for o, ts in outcomes[cid])

    def ever(cid: str, whats: tuple[str, ...]) -> bool:
        return any(o in whats and ts <= AS_OF for o, ts in outcomes[cid])

    return {
        "recent": {
            c["contact_id"]
            for c in contacts
            if START < parse_instant(c["created_at"]) <= AS_OF
            and not ever(c["contact_id"], ("won", "lost", "disqualified"))
        },
        "won": {cid for cid in known if closed_in(cid, "won")},
        "lost": {cid for cid in known if closed_in(cid, "lost") and not ever(cid, ("won",))},
    }


def test_the_groups_are_drawn_from_the_right_contacts(demo: DemoData, report: JourneysReport) -> None:
    expected = _candidates(demo)
    assert [g.key for g in report.groups] == ["recent", "won", "lost"]
    for g in report.groups:
        assert g.candidates == len(expected[g.key]), g.key
        shown = [j.contact_id for j in g.journeys]
        assert len(shown) == min(4, len(expected[g.key])) > 0
        assert set(shown) <= expected[g.key]
        assert len(set(shown)) == len(shown)


def test_the_same_seed_draws_the_same_sample_and_another_seed_another(
    demo: DemoData, report: JourneysReport
) -> None:
    again = _run(demo, sample=4, seed=3)
    other = _run(demo, sample=4, seed=4)

    def ids(r: JourneysReport) -> list[list[str]]:
        return [[j.contact_id for j in g.journeys] for g in r.groups]

    assert ids(again) == ids(report)
    assert ids(other) != ids(report)


def _points(model: Model, contact: Contact, events: list[Event], at: int) -> int:
    return next(r.points for r in evaluate_contact(model, contact, events, at) if r.program == "main")


def test_the_curve_and_every_change_equal_the_reference_evaluator(
    demo: DemoData, report: JourneysReport
) -> None:
    app = Application()
    session = app.open(DEMO_MODEL, Inputs(contacts=demo.contacts_csv, events=demo.events_csv))
    checked = 0
    try:
        model = session.model
        for g in report.groups:
            for j in g.journeys:
                contact, events = session.contact_records(j.contact_id)
                points = partial(_points, model, contact, events)
                curve = j.curve
                picks = {0, len(curve) - 1, *range(0, len(curve), max(1, len(curve) // 12))}
                for i in sorted(picks):
                    assert curve[i].points == points(parse_instant(curve[i].at)), (j.contact_id, curve[i].at)
                    checked += 1
                assert j.points == curve[-1].points == points(AS_OF)
                for e in j.events:
                    ts = parse_instant(e.timestamp)
                    assert e.points_after == points(ts)
                    if e.change is not None:
                        assert e.change == points(ts) - points(ts - 1), (j.contact_id, e)
                        checked += 1
                assert j.peak_points == max(p.points for p in curve)
                # the events shown are the newest up to the as-of, newest first
                up_to = sorted((ev.ts for ev in events if ev.ts <= AS_OF), reverse=True)
                assert [parse_instant(e.timestamp) for e in j.events] == up_to[: len(j.events)]
                assert j.events_total == len(up_to)
    finally:
        session.close()
    assert checked > 100


def test_a_curve_covers_a_week_before_the_first_event_to_the_as_of(report: JourneysReport) -> None:
    for g in report.groups:
        for j in g.journeys:
            first = parse_instant(j.curve[0].at)
            assert parse_instant(j.curve[-1].at) == AS_OF
            if j.first_event is not None:
                lead_in = parse_instant(j.first_event) - first
                assert 0 <= lead_in <= 8 * MICROS_PER_DAY
                if j.created_at is not None and parse_instant(j.created_at) <= parse_instant(j.first_event):
                    assert first >= parse_instant(j.created_at) - MICROS_PER_DAY


def test_a_lost_deal_shows_its_last_actions_before_the_loss(report: JourneysReport) -> None:
    lost = next(g for g in report.groups if g.key == "lost")
    for j in lost.journeys:
        assert j.cold is not None
        loss = parse_instant(j.cold.lost_at)
        assert START < loss <= AS_OF
        assert any(o.outcome == "lost" and o.timestamp == j.cold.lost_at for o in j.outcomes)
        before = [e for e in j.events if parse_instant(e.timestamp) <= loss]
        if j.cold.last_actions and len(j.events) == j.events_total:
            assert j.cold.last_actions == before[: len(j.cold.last_actions)]
        if j.cold.last_actions:
            last = parse_instant(j.cold.last_actions[0].timestamp)
            assert j.cold.quiet_days == pytest.approx((loss - last) / MICROS_PER_DAY)
        at_loss = [p for p in j.curve if parse_instant(p.at) <= loss]
        assert j.cold.points_at_loss == at_loss[-1].points
        assert j.cold.peak_points == max(p.points for p in at_loss)
    won = next(g for g in report.groups if g.key == "won")
    assert all(j.cold is None for j in won.journeys)


def _append(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "a", newline="", encoding="utf-8") as f:
        fields = list(_rows(path)[0])
        w = csv.DictWriter(f, fields)
        w.writerows([{k: r.get(k, "") for k in fields} for r in rows])


def test_nothing_after_the_as_of_changes_the_report(
    demo: DemoData, report: JourneysReport, tmp_path: Path
) -> None:
    for p in (demo.contacts_csv, demo.events_csv, demo.outcomes_csv):
        shutil.copy(p, tmp_path / p.name)
    later = "2026-10-01T00:00:00.000001Z"
    shown = [j.contact_id for g in report.groups for j in g.journeys]
    _append(tmp_path / "events.csv", [
        {"event_id": f"late{i}", "contact_id": cid, "type": "demo_request", "timestamp": later, "form": "demo"}
        for i, cid in enumerate(shown)
    ])  # fmt: skip
    _append(tmp_path / "outcomes.csv", [
        *({"contact_id": cid, "outcome": "won", "timestamp": later} for cid in shown),
        *({"contact_id": c["contact_id"], "outcome": "lost", "timestamp": later} for c in _rows(demo.contacts_csv)[:50]),
    ])  # fmt: skip
    _append(tmp_path / "contacts.csv", [{"contact_id": "new-1", "created_at": later, "country": "DE"}])
    moved = DemoData(
        tmp_path / "contacts.csv", tmp_path / "events.csv", tmp_path / "outcomes.csv", 0, 0, 0, ""
    )
    again = _run(moved, sample=4, seed=3)

    def comparable(r: JourneysReport) -> dict[str, Any]:
        data = r.to_json()
        for key in ("seconds", "inputs", "diagnostics"):
            data.pop(key)
        return data

    assert comparable(again) == comparable(report)
