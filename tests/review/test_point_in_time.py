"""Nothing after the cutoff changes a score, and nothing after the horizon changes a label.

The same workspace is evaluated twice: as built, and with late data added: events after the
cutoff (demo requests, pricing views, careers visits: every rule would react to them),
positive outcomes after the horizon and feedback after it. Each contact's points and label, and
every figure of the report, must be the same. Then outcomes placed exactly on the edges of the
window are labelled as the window (cutoff, cutoff + horizon] says.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from typing import Any

from leadscore.app import Application
from leadscore.durations import MICROS_PER_DAY, Duration, format_instant
from leadscore.review.evaluate import EvaluationRequest, evaluate
from leadscore.review.report import EvaluationReport
from leadscore.session import Inputs
from tests.review.workspace import CUTOFF_US, END_US, HORIZON, Workspace, build, read_csv


def evaluated(
    ws: Workspace, outcomes: Path | None = None
) -> tuple[EvaluationReport, dict[str, tuple[int, int]]]:
    """The report, and each evaluated contact's (points, label) as the evaluation saw them."""
    request = dataclasses.replace(_request(ws), outcomes=outcomes or ws.outcomes)
    session = Application().open(ws.model, Inputs(contacts=ws.contacts, events=ws.events))
    try:
        report = evaluate(session, request, lambda _: None)
        rows = session.engine.executor.rows("SELECT contact_id, points, y FROM eval_pop")
    finally:
        session.close()
    return report, {str(c): (int(p), int(y)) for c, p, y in rows}


def _append(path: Path, lines: list[str]) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.writelines(line + "\n" for line in lines)


def _comparable(report: EvaluationReport) -> dict[str, Any]:
    """Every figure; journeys' outcomes only up to the horizon (later ones are listed, not used)."""
    data = report.to_json()
    for p in data["programs"]:
        for j in [*p["low_scored_converters"], *p["high_scored_non_converters"]]:
            j["outcomes"] = [o for o in j["outcomes"] if o["when"] != "after the horizon"]
    return {k: data[k] for k in ("programs", "positive", "cutoff", "horizon_end")}


def test_late_events_and_outcomes_change_nothing(tmp_path: Path) -> None:
    ws = build(tmp_path)
    before, rows_before = evaluated(ws)
    ids = [c["contact_id"] for c in read_csv(ws.contacts)]
    rng = random.Random(1)
    late_events, late_outcomes, late_feedback = [], [], []
    for i, cid in enumerate(ids):
        # just after the cutoff (1 µs), and weeks later
        for k, ts in enumerate((CUTOFF_US + 1, CUTOFF_US + rng.randint(1, 60) * MICROS_PER_DAY)):
            t = format_instant(ts)
            late_events += [f"late{i}-{k}a,{cid},demo_request,{t},", f"late{i}-{k}b,{cid},page_view,{t},https://x.example/pricing",
                            f"late{i}-{k}c,{cid},page_view,{t},https://x.example/careers"]  # fmt: skip
        # a positive outcome just after the horizon, and one much later
        late_outcomes += [
            f"{cid},won,{format_instant(END_US + 1)},999,",
            f"{cid},sql,{format_instant(END_US + 90 * MICROS_PER_DAY)},,",
        ]
        late_feedback.append(f"{cid},rejected,too late,,{format_instant(END_US + MICROS_PER_DAY)}")
    _append(ws.events, late_events)
    _append(ws.outcomes, late_outcomes)
    _append(ws.feedback, late_feedback)
    after, rows_after = evaluated(ws)

    assert rows_after == rows_before  # every contact: the same points and the same label
    assert len(rows_before) > 300
    assert any(y for _, y in rows_before.values())
    assert _comparable(after) == _comparable(before)
    # the late rows were read, and are reported as late
    assert after.outcomes.after_horizon == before.outcomes.after_horizon + 2 * len(ids)
    assert after.inputs["files"][1]["loaded"] == before.inputs["files"][1]["loaded"] + len(late_events)


def test_outcomes_on_the_edges_of_the_window(tmp_path: Path) -> None:
    ws = build(tmp_path, n=60)
    day = MICROS_PER_DAY
    edges = {
        "c0000": (CUTOFF_US, None),  # at the cutoff: already converted, left out
        "c0001": (CUTOFF_US + 1, 1),  # 1 µs after the cutoff: in the window
        "c0002": (END_US, 1),  # exactly at cutoff + horizon: in (the window is closed on the right)
        "c0003": (END_US + 1, 0),  # 1 µs after it: not a conversion
        "c0004": (CUTOFF_US - day, None),  # a day before the cutoff: left out
    }
    lines = ["contact_id,outcome,timestamp,value,reason"]
    lines += [f"{cid},sql,{format_instant(ts)},," for cid, (ts, _) in edges.items()]
    lines += ["c0005,won,,,", "c0006,lost,2026-06-10,,price"]  # label only; a non-positive outcome
    outcomes = tmp_path / "edges.csv"
    outcomes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # every contact known at the cutoff (created_at in the past)
    contacts = read_csv(ws.contacts)
    with ws.contacts.open("w", encoding="utf-8") as f:
        f.write("contact_id,created_at,country,employees,title\n")
        f.writelines(
            f"{c['contact_id']},2026-01-01,{c['country']},{c['employees']},{c['title']}\n" for c in contacts
        )
    report, rows = evaluated(ws, outcomes)
    for cid, (_, label) in edges.items():
        if label is None:
            assert cid not in rows
        else:
            assert rows[cid][1] == label, cid
    assert rows["c0005"][1] == 1  # an outcome without a timestamp is a label
    assert rows["c0006"][1] == 0
    pop = report.programs[0].population
    assert (pop.already_converted, pop.converters, pop.label_only_converters) == (2, 3, 1)
    assert any("no timestamp" in n for n in report.notes)
    assert dataclasses.asdict(report.outcomes)["without_timestamp"] == 1


def test_a_created_at_that_is_not_a_timestamp_is_reported_and_the_contact_kept(tmp_path: Path) -> None:
    """evaluate reads created_at like an event's timestamp: `08/15/2026` is reported (D105, with
    its line), not silently read as "created before the cutoff"; `+02:00` is converted."""
    ws = build(tmp_path)
    contacts = read_csv(ws.contacts)
    late = format_instant(CUTOFF_US + MICROS_PER_DAY)
    created = {0: "08/15/2026 10:00", 1: late.replace("Z", "+00:00"), 2: late}
    with ws.contacts.open("w", encoding="utf-8") as f:
        f.write("contact_id,created_at,country,employees,title\n")
        f.writelines(
            f"{c['contact_id']},{created.get(i, '2026-01-01')},{c['country']},{c['employees']},{c['title']}\n"
            for i, c in enumerate(contacts)
        )
    report, rows = evaluated(ws)
    d105 = [d for d in report.diagnostics if d.code == "D105"]
    assert [(d.location.line if d.location else None, d.message) for d in d105] == [
        (2, "created_at: '08/15/2026 10:00' is not a timestamp of the form 2026-01-01T09:30:00Z"
         " (ISO 8601 extended); the contact's creation time is unknown"),
    ]  # fmt: skip
    ids = [c["contact_id"] for c in contacts]
    assert ids[0] in rows  # kept: counts as created before the cutoff
    assert ids[1] not in rows  # created after the cutoff, with an offset
    assert ids[2] not in rows
    assert report.programs[0].population.created_after_cutoff == 2


def test_the_verdict_that_counts(tmp_path: Path) -> None:
    """Per contact, the latest dated verdict in the horizon; of one timestamp, the last in the
    file; an undated verdict only where no dated one is in the horizon (the last of them)."""
    ws = build(tmp_path)
    session = Application().open(ws.model, Inputs(contacts=ws.contacts, events=ws.events))
    try:  # five MQLs at the cutoff: their verdicts are listed by reason
        evaluate(session, _request(ws), lambda _: None)
        mqls = [
            r[0]
            for r in session.engine.executor.rows(
                "SELECT contact_id FROM eval_pop WHERE mql_eligible ORDER BY 1"
            )
        ]
    finally:
        session.close()
    ids = mqls[:5]
    assert len(ids) == 5
    at, later = format_instant(CUTOFF_US + MICROS_PER_DAY), format_instant(CUTOFF_US + 2 * MICROS_PER_DAY)
    after = format_instant(END_US + MICROS_PER_DAY)
    feedback = [
        (ids[0], "accepted", at), (ids[0], "rejected", ""),  # dated beats undated, wherever it stands
        (ids[1], "accepted", ""), (ids[1], "rejected", ""),  # undated only: the last in the file
        (ids[2], "rejected", at), (ids[2], "accepted", at),  # one timestamp: the last in the file
        (ids[3], "accepted", later), (ids[3], "rejected", at),  # the latest, not the last
        (ids[4], "rejected", ""), (ids[4], "accepted", after),  # after the horizon: not in it
    ]  # fmt: skip
    ws.feedback.write_text(
        "contact_id,verdict,reason,note,timestamp\n"
        + "".join(f"{c},{v},row {i},,{t}\n" for i, (c, v, t) in enumerate(feedback)),
        encoding="utf-8",
    )
    report, _ = evaluated(ws)
    reasons = {(r.verdict, r.reason): r.contacts for r in report.programs[0].acceptance.reasons}
    assert reasons == {("accepted", "row 0"): 1, ("rejected", "row 3"): 1, ("accepted", "row 5"): 1,
                       ("accepted", "row 6"): 1, ("rejected", "row 8"): 1}  # fmt: skip


def _request(ws: Workspace) -> EvaluationRequest:
    return EvaluationRequest(
        outcomes=ws.outcomes, cutoff=CUTOFF_US, horizon=Duration.parse(HORIZON), feedback=ws.feedback
    )
