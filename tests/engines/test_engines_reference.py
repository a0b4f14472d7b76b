"""Every engine gives the reference evaluator's results on generated models and data (SPEC §3).

The whole-model property covers interactions; the focused ones cover each piece with far more
power per example: a condition against many contacts, one behaviour rule against events on its
own `within` / `once_per` / half-life edges, decay on its own, rounding and the encoded format,
and text operators dense in LIKE metacharacters and case-folding traps.
"""

from __future__ import annotations

from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from leadscore.records import Contact
from leadscore.reference import score_rows
from tests.engines.equivalence import assert_rows_equal, model_from_dict
from tests.engines.harness import rows_at_moments
from tests.engines.per_engine import for_each_engine
from tests.strategies import (
    AS_OF,
    DURATIONS,
    POINTS,
    behaviour_rule,
    condition,
    condition_contacts,
    dataset,
    model_dict,
    model_durations,
    rule_events,
    single_rule_model,
)

MOMENTS = st.sampled_from([AS_OF, AS_OF - 86_400_000_000 * 15 - 1, AS_OF + 3_600_000_000])


def check(runner: Any, model: Any, contacts: Any, events: Any, as_of: int) -> None:
    expected = score_rows(model, contacts, events, as_of, rules=True)
    assert_rows_equal(runner.rows(model, contacts, events, as_of), expected)


@for_each_engine(globals(), "whole_model", mdict=model_dict(), data=st.data(), as_of=MOMENTS)
def _whole_model(runner: Any, mdict: dict[str, Any], data: Any, as_of: int) -> None:
    """Generated models of every construct, on data around the model's own edges."""
    model = model_from_dict(mdict)
    assume(model is not None)
    contacts, events = data.draw(dataset(as_of, model_durations(mdict)))
    check(runner, model, contacts, events, as_of)


@for_each_engine(globals(), "contact_conditions", cond=condition("contact", 2), data=st.data())
def _contact_conditions(runner: Any, cond: dict[str, Any], data: Any) -> None:
    """A condition against many contacts whose values sit near its operands."""
    model = model_from_dict(single_rule_model({"id": "r", "when": cond, "points": 1}))
    assume(model is not None)
    check(runner, model, data.draw(condition_contacts(cond)), [], AS_OF)


@for_each_engine(globals(), "one_behaviour_rule", rule=behaviour_rule("r"), data=st.data(), as_of=MOMENTS)
def _one_behaviour_rule(runner: Any, rule: dict[str, Any], data: Any, as_of: int) -> None:
    """One behaviour rule, events placed on its own edges."""
    model = model_from_dict(single_rule_model(rule))
    assume(model is not None)
    contacts, events = data.draw(rule_events(rule, as_of))
    check(runner, model, contacts, events, as_of)


DECAY = st.fixed_dictionaries(
    {"every": DURATIONS, "by": st.sampled_from(["10%", "50%", "100%", 5, 0.5])},
    optional={
        "after": st.sampled_from(["0d", "1d", "30d"]),
        "floor": st.sampled_from([0, 3, -5, "50% of mql"]),
    },
)


@for_each_engine(
    globals(),
    "decay",
    rule=behaviour_rule("r"),
    decay=DECAY,
    mql=st.sampled_from([10, 30, 59.5, 60]),
    data=st.data(),
    as_of=MOMENTS,
)
def _decay(
    runner: Any, rule: dict[str, Any], decay: dict[str, Any], mql: float, data: Any, as_of: int
) -> None:
    """Inactivity decay with every form of `by`, `after` and `floor`."""
    rule["points"] = abs(rule["points"])
    model = model_from_dict(single_rule_model(rule, {"decay": decay}, stages={"mql": {"min": mql}}))
    assume(model is not None)
    contacts, events = data.draw(rule_events(rule, as_of))
    check(runner, model, contacts, events, as_of)


@for_each_engine(
    globals(),
    "rounding_and_encoding",
    points=POINTS,
    more=st.lists(POINTS, max_size=3),
    segment=st.sampled_from([None, [[None, 10, 1], [11, None, 2]]]),
)
def _rounding_and_encoding(runner: Any, points: float, more: list[float], segment: Any) -> None:
    """Totals at .5, bands on rounded values, and the encoded score around segment edges."""
    rules = [{"id": f"f{i}", "when": {"all": []}, "points": p} for i, p in enumerate([points, *more])]
    program: dict[str, Any] = {
        "id": "p",
        "dimensions": {
            "d": {
                "categories": {"c": {"rules": rules}},
                "bands": [{"name": "lo", "min": -10}, {"name": "hi", "min": 30}],
            }
        },
        "gates": [{"id": "g", "when": {"field": "b1", "eq": True}}],
        "bands": [{"name": "x", "min": 60}],
    }
    if segment is not None:
        program["format"] = {"encoded": {"segment": {"field": "i1", "map": segment}}}
    model = model_from_dict(
        {"model": "r", "version": 1, "fields": {"i1": "integer", "b1": "boolean"}, "programs": [program]}
    )
    assert model is not None
    # on both sides of the segment edge (10 | 11), and without the field
    contacts = [
        Contact("c0", {"i1": 10, "b1": True}),
        Contact("c1", {"i1": 11}),
        Contact("c2", {}),
        Contact("c3", {"i1": 50}),
    ]
    check(runner, model, contacts, [], AS_OF)


META_OPERANDS = [
    "x_y",
    "a%b",
    "_",
    "%",
    "!",
    "a!b",
    "*_*",
    "*%*",
    "?_",
    "ŁÓDŹ",
    "straße",
    "Σ",
    "ΣΑΣ",
    "x",
    "",
]


@for_each_engine(
    globals(),
    "text_operators",
    op=st.sampled_from(
        ["contains", "starts_with", "ends_with", "glob", "eq", "in", "lt", "between", "regex"]
    ),
    operand=st.sampled_from(META_OPERANDS),
    field=st.sampled_from(["s1", "u1"]),
    cs=st.booleans(),
    data=st.data(),
)
def _text_operators(runner: Any, op: str, operand: str, field: str, cs: bool, data: Any) -> None:
    """LIKE metacharacters, the escape character, case folding (Σ!) and regex anchors, densely."""
    if op == "regex":
        value: Any = (
            operand.replace("*", ".*").replace("?", ".") + "$" if operand not in ("%", "!") else operand
        )
    elif op == "glob" or operand or op in ("contains", "starts_with", "ends_with"):
        value = [operand] if op == "in" else [operand, operand + "z"] if op == "between" else operand
    else:
        value = "x"
    leaf = {"field": field, op: value, **({"case_sensitive": True} if cs else {})}
    model = model_from_dict(single_rule_model({"id": "r", "when": leaf, "points": 1}))
    assume(model is not None)
    check(runner, model, data.draw(condition_contacts(leaf, n=16)), [], AS_OF)


@for_each_engine(globals(), "many_moments", mdict=model_dict(), data=st.data())
def _many_moments(runner: Any, mdict: dict[str, Any], data: Any) -> None:
    """Scoring at many moments in one query equals the reference at each moment (backtests)."""

    model = model_from_dict(mdict)
    assume(model is not None)
    assert model is not None  # narrowed for mypy: assume() rejected None
    contacts, events = data.draw(dataset(AS_OF, model_durations(mdict)))
    instants = sorted({e.ts for e in events} | {AS_OF, AS_OF - 86_400_000_000})
    moments = [
        (c.contact_id, m)
        for c in contacts
        for m in data.draw(st.lists(st.sampled_from(instants), min_size=1, max_size=4, unique=True))
    ]
    got = rows_at_moments(runner, model, contacts, events, moments)
    by_moment: dict[int, list[tuple[str, int]]] = {}
    for cid, m in moments:
        by_moment.setdefault(m, []).append((cid, m))
    for m, pairs in by_moment.items():
        ids = {cid for cid, _ in pairs}
        expected = list(
            score_rows(model, [c for c in contacts if c.contact_id in ids], events, m, rules=True)
        )
        actual = [
            {k: v for k, v in r.items() if k != "moment"} | {"as_of": e_as_of(m)}
            for r in got
            if r["moment"] == m
        ]
        assert_rows_equal(actual, expected)


def e_as_of(m: int) -> str:
    from leadscore.durations import format_instant

    return format_instant(m)
