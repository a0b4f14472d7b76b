"""Models at the edges of their size: every engine still equals the reference.

A category's points are one sum of its rules, in the reference's order (so the same doubles),
which nests as deep as the category has rules; conditions nest as deep as the model says, up to
the 32 levels the model checks allow; a program holds up to 500 rules (E204 beyond: Spark's
parser gives up on a sum of about 1,200 terms).
"""

from __future__ import annotations

from typing import Any

import pytest

from leadscore.records import Contact, Event
from leadscore.reference import score_rows
from tests.conftest import ENGINES, make_runner
from tests.engines.equivalence import assert_rows_equal, model_from_dict
from tests.strategies import AS_OF, single_rule_model

CONTACTS = [Contact(f"c{i}", {"industry": f"v{i % 7}"}) for i in range(20)]


def _check(request: pytest.FixtureRequest, engine: str, mdict: dict[str, Any]) -> None:
    model = model_from_dict(mdict)
    assert model is not None
    expected = score_rows(model, CONTACTS, [], AS_OF, rules=True)
    assert_rows_equal(make_runner(engine, request).rows(model, CONTACTS, [], AS_OF), expected)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_category_of_500_rules(request: pytest.FixtureRequest, engine: str) -> None:
    # the most a category may hold (E204 beyond); 0.1 points each, so the order of
    # the sum shows in the last bits of the double
    mdict = single_rule_model({"id": "r0", "when": {"field": "industry", "eq": "v0"}, "points": 0.1})
    rules = mdict["programs"][0]["dimensions"]["d"]["categories"]["c"]["rules"]
    rules += [
        {"id": f"r{i}", "when": {"field": "industry", "eq": f"v{i % 7}"}, "points": 0.1}
        for i in range(1, 500)
    ]
    _check(request, engine, mdict)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_condition_nested_32_levels(request: pytest.FixtureRequest, engine: str) -> None:
    cond: dict[str, Any] = {"field": "industry", "eq": "v3"}
    for i in range(32):
        cond = {"not": cond} if i % 2 else {"any": [cond, {"field": "industry", "eq": f"v{i % 5}"}]}
    _check(request, engine, single_rule_model({"id": "r", "when": cond, "points": 1}))


@pytest.mark.parametrize("engine", ENGINES)
def test_a_program_of_500_behaviour_rules_on_one_event_type(
    request: pytest.FixtureRequest, engine: str
) -> None:
    # every rule reads the same events, each with its own `where`: the rule mask of an event
    # is one expression over all 500
    mdict = single_rule_model({"id": "r0", "event": "a", "points": 1})
    rules = mdict["programs"][0]["dimensions"]["d"]["categories"]["c"]["rules"]
    rules += [
        {"id": f"r{i}", "event": "a", "where": {"field": "url", "eq": f"/p{i % 90}"}, "points": 0.25}
        for i in range(1, 500)
    ]
    model = model_from_dict(mdict)
    assert model is not None
    # a few bots' events (in any case, or null): 90 filters take two masks, so the bot flag is
    # a column of its own (EventSide.bot_column)
    bots = ["true", "TRUE", "false", None]
    events = [
        Event(
            f"e{i}",
            f"c{i % 20}",
            "a",
            AS_OF - i * 3_600_000_000,
            {"url": f"/p{i % 11}", "is_bot": bots[i % 4] if i % 3 == 0 else "false"},
        )
        for i in range(60)
    ]
    expected = score_rows(model, CONTACTS, events, AS_OF, rules=True)
    assert_rows_equal(make_runner(engine, request).rows(model, CONTACTS, events, AS_OF), expected)
    humans = [Event(e.event_id, e.contact_id, e.type, e.ts, {**e.props, "is_bot": "false"}) for e in events]
    assert score_rows(model, CONTACTS, humans, AS_OF, rules=True) != expected  # the bot test decides


@pytest.mark.parametrize("engine", ENGINES)
def test_regex_counts_at_the_limits(request: pytest.FixtureRequest, engine: str) -> None:
    contacts = [Contact(f"c{i}", {"s1": "x" * i + "Y"}) for i in range(0, 260, 37)]
    mdict = single_rule_model({"id": "r0", "when": {"field": "s1", "regex": "x{255}"}, "points": 1})
    rules = mdict["programs"][0]["dimensions"]["d"]["categories"]["c"]["rules"]
    rules += [
        {"id": "r1", "when": {"field": "s1", "regex": "^(?:x{37}){5}"}, "points": 2},
        {"id": "r2", "when": {"field": "s1", "regex": "(?:(?:x{10}){10}){10}|[W-y]$"}, "points": 4},
    ]
    model = model_from_dict(mdict)
    assert model is not None
    expected = score_rows(model, contacts, [], AS_OF, rules=True)
    assert_rows_equal(make_runner(engine, request).rows(model, contacts, [], AS_OF), expected)
    assert {r["points"] for r in expected} == {4, 6, 7}  # the rules do tell the contacts apart
