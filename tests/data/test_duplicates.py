"""Repeated event_ids found late (`leadscore score`) or when loading (everything else).

`score` looks for the later copies of an event_id among the events its rules read only, inside
the scoring query; the other commands group every row by event_id when loading. Both must give
the same scores in every case below, each a way to get deduplication wrong: the first copy is
one no rule reads (it still hides the later ones), the first row is bad (so it hides nothing),
three copies, copies under two contacts, a copy after the scoring instant, a first copy of an
unknown contact.
"""

from __future__ import annotations

import json
from pathlib import Path

from leadscore.app import Application
from leadscore.data.report import ALL_ROWS, READ_EVENTS
from leadscore.durations import parse_instant
from leadscore.model.loader import load_model
from leadscore.records import Contact, Event
from leadscore.reference import score_rows
from leadscore.session import Inputs
from tests.engines.equivalence import assert_rows_equal

T = parse_instant("2026-06-01T00:00:00Z")

MODEL = """
model: dups
version: 1
programs:
  - id: main
    dimensions:
      engagement:
        categories:
          all:
            rules:
              - {id: demo, event: demo_request, points: 20}
              - {id: pricing, event: page_view, where: {field: url, contains: pricing}, points: 5}
"""

CONTACTS = "contact_id\nc1\nc2\nc3\n"

# line 2 is the header's next line; comments say what each row tests
EVENTS = """event_id,contact_id,type,timestamp,url
a,c1,page_view,2026-05-01T00:00:00Z,/about
a,c1,demo_request,2026-05-02T00:00:00Z,
b,c1,demo_request,not a time,
b,c2,demo_request,2026-05-03T00:00:00Z,
c,c1,page_view,2026-05-04T00:00:00Z,/pricing
c,c1,page_view,2026-05-04T00:00:00Z,/pricing
c,c1,page_view,2026-05-04T00:00:00Z,/pricing
d,c1,page_view,2026-05-05T00:00:00Z,/pricing
d,c2,page_view,2026-05-05T00:00:00Z,/pricing
e,c3,demo_request,2026-05-06T00:00:00Z,
e,c3,demo_request,2026-06-02T00:00:00Z,
f,c9,page_view,2026-05-07T00:00:00Z,/pricing
f,c3,page_view,2026-05-07T00:00:00Z,/pricing
"""
# a: the first copy is read by no rule, and still hides the demo request (not counted)
# b: the first row is bad (no timestamp): the second is the first good one, and counts for c2
# c: three copies: two dropped
# d: a copy under another contact: dropped
# e: a copy after T: no rule reads it as of T, so `score` does not count it; loading does
# f: the first copy belongs to an unknown contact (counted as such), the second is dropped

REFERENCE_EVENTS = [  # the file's good rows, in order, as the reference reads them
    Event("a", "c1", "page_view", parse_instant("2026-05-01T00:00:00Z"), {"url": "/about"}),
    Event("a", "c1", "demo_request", parse_instant("2026-05-02T00:00:00Z"), {}),
    Event("b", "c2", "demo_request", parse_instant("2026-05-03T00:00:00Z"), {}),
    *[Event("c", "c1", "page_view", parse_instant("2026-05-04T00:00:00Z"), {"url": "/pricing"})] * 3,
    Event("d", "c1", "page_view", parse_instant("2026-05-05T00:00:00Z"), {"url": "/pricing"}),
    Event("d", "c2", "page_view", parse_instant("2026-05-05T00:00:00Z"), {"url": "/pricing"}),
    Event("e", "c3", "demo_request", parse_instant("2026-05-06T00:00:00Z"), {}),
    Event("e", "c3", "demo_request", parse_instant("2026-06-02T00:00:00Z"), {}),
    Event("f", "c9", "page_view", parse_instant("2026-05-07T00:00:00Z"), {"url": "/pricing"}),
    Event("f", "c3", "page_view", parse_instant("2026-05-07T00:00:00Z"), {"url": "/pricing"}),
]


def _files(tmp: Path) -> tuple[Path, Path, Path]:
    (tmp / "model.yaml").write_text(MODEL, encoding="utf-8")
    (tmp / "contacts.csv").write_text(CONTACTS, encoding="utf-8")
    (tmp / "events.csv").write_text(EVENTS, encoding="utf-8")
    return tmp / "model.yaml", tmp / "contacts.csv", tmp / "events.csv"


def test_score_finds_the_copies_the_rules_read_and_scores_like_loading_and_the_reference(
    tmp_path: Path,
) -> None:
    model, contacts, events = _files(tmp_path)
    out = tmp_path / "late.jsonl"
    result = Application().score(model, contacts, events, T, out)
    late = [json.loads(line) for line in out.read_text().splitlines()]

    session = Application().open(model, Inputs(contacts=contacts, events=events))
    try:
        session.score(T, keep=True)
        eager = session.engine.fetch_dicts("SELECT * FROM scores")
        loaded = session.report.files[1]
    finally:
        session.close()

    reference = score_rows(
        load_model(model).model, [Contact(c, {}) for c in ("c1", "c2", "c3")], REFERENCE_EVENTS, T
    )
    # c1: pricing (c) + pricing (d's first copy); c2: demo (b); c3: demo (e before T only)
    assert [r["score"] for r in late] == [10, 20, 20]
    assert_rows_equal(late, reference)
    assert_rows_equal(eager, reference)

    f = result.report.files[1]
    assert (f.duplicates, f.duplicates_among) == (5, READ_EVENTS)  # a, c twice, d, f
    assert (loaded.duplicates, loaded.duplicates_among) == (6, ALL_ROWS)  # and e after T
    assert result.report.unknown_contact_events == 1  # f's first copy
    assert (f.rows, f.bad_total, f.loaded) == (13, 1, 7)
    d103 = [d.message for d in result.report.diagnostics() if d.code == "D103"]
    assert d103 == ["5 events the rules read repeat an event_id seen earlier; the first in the file counts"]


def test_score_without_repeated_ids_reports_none(tmp_path: Path) -> None:
    model, contacts, events = _files(tmp_path)
    events.write_text("event_id,contact_id,type,timestamp,url\nx,c1,demo_request,2026-05-02T00:00:00Z,\n")
    result = Application().score(model, contacts, events, T, tmp_path / "s.csv")
    f = result.report.files[1]
    assert (f.duplicates, f.loaded, f.rows) == (0, 1, 1)
    assert not [d for d in result.report.diagnostics() if d.code == "D103"]


def test_events_of_some_contacts_drop_the_same_copies_either_way(tmp_path: Path) -> None:
    """Session.events_of looks up only the chosen rows' ids when duplicates are left to scoring."""
    model, contacts, events = _files(tmp_path)
    got = {}
    for late in (False, True):
        session = Application().open(model, Inputs(contacts=contacts, events=events), late_duplicates=late)
        try:
            relation = session.events_of("contact_id IN ('c1', 'c3', 'c9')")
            got[late] = session.engine.executor.rows(
                f"SELECT event_id, contact_id, type, ts_us, url FROM {relation} s ORDER BY ts_us, event_id"
            )
        finally:
            session.close()
    assert got[True] == got[False]
    # a (the page view), c once, d (c1's), e once (its copy after T too is a copy), f (c9's)
    assert [(e, c) for e, c, *_ in got[True]] == [
        ("a", "c1"),
        ("c", "c1"),
        ("d", "c1"),
        ("e", "c3"),
        ("f", "c9"),
    ]
