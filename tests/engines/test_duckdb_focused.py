"""Focused property tests: one feature at a time, so each example is likely to hit its edges.

The whole-model test (test_duckdb_reference) covers interactions; these cover each piece of
SPEC §3 with far more power per example: a condition against many contacts, one behaviour rule
against events placed on its own `within` / `once_per` / half-life edges, decay on its own.
"""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from leadscore.reference import score_rows
from tests.engines.equivalence import assert_rows_equal, model_from_dict
from tests.engines.test_duckdb_reference import duckdb_rows
from tests.strategies import (
    AS_OF,
    DURATIONS,
    POINTS,
    behaviour_rule,
    condition,
    condition_contacts,
    rule_events,
    single_rule_model,
)

MOMENTS = st.sampled_from([AS_OF, AS_OF - 86_400_000_000 * 15 - 1, AS_OF + 3_600_000_000])


@given(condition("contact", 2), st.data())
def test_contact_conditions(cond, data):  # type: ignore[no-untyped-def]
    contacts = data.draw(condition_contacts(cond))
    model = model_from_dict(single_rule_model({"id": "r", "when": cond, "points": 1}))
    assume(model is not None)
    assert_rows_equal(
        duckdb_rows(model, contacts, [], AS_OF), score_rows(model, contacts, [], AS_OF, rules=True)
    )


@given(behaviour_rule("r"), st.data(), MOMENTS)
def test_one_behaviour_rule(rule, data, as_of):  # type: ignore[no-untyped-def]
    model = model_from_dict(single_rule_model(rule))
    assume(model is not None)
    contacts, events = data.draw(rule_events(rule, as_of))
    assert_rows_equal(
        duckdb_rows(model, contacts, events, as_of), score_rows(model, contacts, events, as_of, rules=True)
    )


@given(
    behaviour_rule("r"),
    st.fixed_dictionaries(
        {"every": DURATIONS, "by": st.sampled_from(["10%", "50%", "100%", 5, 0.5])},
        optional={
            "after": st.sampled_from(["0d", "1d", "30d"]),
            "floor": st.sampled_from([0, 3, -5, "50% of mql"]),
        },
    ),
    st.sampled_from([10, 30, 59.5, 60]),
    st.data(),
    MOMENTS,
)
def test_decay(rule, decay, mql, data, as_of):  # type: ignore[no-untyped-def]
    rule["points"] = abs(rule["points"])
    model = model_from_dict(single_rule_model(rule, {"decay": decay}, stages={"mql": {"min": mql}}))
    assume(model is not None)
    contacts, events = data.draw(rule_events(rule, as_of))
    assert_rows_equal(
        duckdb_rows(model, contacts, events, as_of), score_rows(model, contacts, events, as_of, rules=True)
    )


@given(POINTS, st.lists(POINTS, max_size=3), st.sampled_from([None, [[None, 10, 1], [11, None, 2]]]))
def test_rounding_and_encoding(points, more, segment):  # type: ignore[no-untyped-def]
    rules = [
        {"id": f"f{i}", "when": {"field": "i1", "exists": True}, "points": p}
        for i, p in enumerate([points, *more])
    ]
    program = {
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
    from leadscore.records import Contact

    # on both sides of each segment edge (10 | 11), and without the field
    contacts = [
        Contact("c0", {"i1": 10, "b1": True}),
        Contact("c1", {"i1": 11}),
        Contact("c2", {}),
        Contact("c3", {"i1": 50}),
    ]
    assert_rows_equal(
        duckdb_rows(model, contacts, [], AS_OF), score_rows(model, contacts, [], AS_OF, rules=True)
    )


META_OPERANDS = ["x_y", "a%b", "_", "%", "!", "a!b", "*_*", "*%*", "?_", "ŁÓDŹ", "straße", "Σ", "x", ""]


@given(
    st.sampled_from(["contains", "starts_with", "ends_with", "glob", "eq", "in", "lt", "between"]),
    st.sampled_from(META_OPERANDS),
    st.sampled_from(["s1", "u1"]),
    st.booleans(),
    st.data(),
)
def test_text_operators(op, operand, field, cs, data):  # type: ignore[no-untyped-def]
    """LIKE metacharacters, the escape character and case folding, densely."""
    if op == "glob" or operand or op in ("contains", "starts_with", "ends_with"):
        value = [operand] if op == "in" else [operand, operand + "z"] if op == "between" else operand
    else:
        value = "x"
    leaf = {"field": field, op: value, **({"case_sensitive": True} if cs else {})}
    model = model_from_dict(single_rule_model({"id": "r", "when": leaf, "points": 1}))
    assume(model is not None)
    contacts = data.draw(condition_contacts(leaf, n=16))
    assert_rows_equal(
        duckdb_rows(model, contacts, [], AS_OF), score_rows(model, contacts, [], AS_OF, rules=True)
    )
