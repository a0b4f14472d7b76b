"""A small, seeded evaluation workspace: a model, contacts, events, outcomes and feedback.

Written as plain CSV so the tests can recompute every figure from the files themselves. The
cutoff is CUTOFF and the horizon 30 days; events and outcomes fall before the cutoff, inside the
horizon and after it, some contacts are created after the cutoff, ties in score are common.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from leadscore.durations import MICROS_PER_DAY, format_instant, parse_instant

CUTOFF = "2026-06-01T00:00:00Z"
CUTOFF_US = parse_instant(CUTOFF)
HORIZON = "30d"
END_US = CUTOFF_US + 30 * MICROS_PER_DAY

MODEL = """\
model: review-test
version: 3
fields: {country: string, employees: integer, title: string}
programs:
  - id: main
    gates:
      - {id: area, when: {field: country, in: [PL, DE]}}
    dimensions:
      fit:
        bands: [{name: C, min: -100}, {name: B, min: 10}, {name: A, min: 20}]
        categories:
          firm:
            rules:
              - {id: big, when: {field: employees, gte: 100}, points: 10}
              - {id: senior, when: {field: title, eq: head}, points: 15}
              - {id: student, when: {field: title, eq: student}, points: -10}
      engagement:
        bands: [{name: "3", min: -100}, {name: "2", min: 5}, {name: "1", min: 20}]
        categories:
          intent:
            rules:
              - {id: demo, event: demo_request, points: 20, limit: 1}
              - {id: visit, event: page_view, where: {field: url, glob: "*pricing*"}, points: 2, limit: 5}
              - {id: careers, event: page_view, where: {field: url, glob: "*careers*"}, points: -5, limit: 1}
    matrix: [fit, engagement]
    stages: {mql: {min: 30, require_gates: true}}
"""


@dataclass(frozen=True)
class Workspace:
    model: Path
    contacts: Path
    events: Path
    outcomes: Path
    feedback: Path


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def _iso(us: int) -> str:
    return format_instant(us)


def build(folder: Path, n: int = 400, seed: int = 5) -> Workspace:
    rng = random.Random(seed)
    day = MICROS_PER_DAY
    contacts, events, outcomes, feedback = [], [], [], []
    k = 0
    for i in range(n):
        cid = f"c{i:04d}"
        created = (
            CUTOFF_US - rng.randint(1, 200) * day
            if rng.random() < 0.9
            else CUTOFF_US + rng.randint(1, 9) * day
        )
        title = rng.choice(["head", "head", "analyst", "student", "engineer"])
        employees = rng.choice(["20", "150", "500", "", "8"])
        contacts.append([cid, _iso(created), rng.choice(["PL", "DE", "US"]), employees, title])
        intent = rng.random()
        for _ in range(rng.randint(0, 8)):
            ts = CUTOFF_US - rng.randint(1, 90 * 24) * 3_600_000_000
            kind = rng.random()
            if kind < 0.1 * intent * 3:
                events.append([f"e{k}", cid, "demo_request", _iso(ts), ""])
            elif kind < 0.6:
                events.append([f"e{k}", cid, "page_view", _iso(ts), "https://x.example/pricing"])
            else:
                events.append([f"e{k}", cid, "page_view", _iso(ts), "https://x.example/careers"])
            k += 1
        # converting depends on fit and intent, so the score means something but not everything
        p = 0.05 + 0.25 * (title == "head") + 0.2 * (employees in ("150", "500")) + 0.3 * intent
        if rng.random() < p:
            start = CUTOFF_US + rng.randint(-20, 45) * day + rng.randint(0, day - 1)
            outcomes.append([cid, "sal", _iso(start), "", ""])
            if rng.random() < 0.6:
                outcomes.append([cid, "SQL", _iso(start + day), "", ""])
                if rng.random() < 0.5:
                    outcomes.append([cid, "won", _iso(start + 5 * day), "1200", ""])
            else:
                outcomes.append([cid, "disqualified", _iso(start + day), "", "no budget"])
            verdict = "accepted" if rng.random() < 0.7 else "rejected"
            reason = "" if verdict == "accepted" else rng.choice(["no budget", "student", "bad data"])
            feedback.append([cid, verdict, reason, "", _iso(start)])
        elif rng.random() < 0.1:
            feedback.append([cid, "rejected", "not interested", "a note", _iso(CUTOFF_US + 2 * day)])
    model = folder / "model.yaml"
    model.write_text(MODEL, encoding="utf-8")
    return Workspace(
        model,
        _write(
            folder / "contacts.csv", ["contact_id", "created_at", "country", "employees", "title"], contacts
        ),
        _write(folder / "events.csv", ["event_id", "contact_id", "type", "timestamp", "url"], events),
        _write(folder / "outcomes.csv", ["contact_id", "outcome", "timestamp", "value", "reason"], outcomes),
        _write(folder / "feedback.csv", ["contact_id", "verdict", "reason", "note", "timestamp"], feedback),
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
