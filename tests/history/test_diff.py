"""`leadscore diff` wording: one edit of BASE per kind of change, and the sentence it gives."""

from __future__ import annotations

import pytest

from leadscore.history.diff import Change, diff_models
from leadscore.model.loader import load_model_text
from tests.history.helpers import BASE, CAREERS, PRICING, edit

EMAIL = "{id: email_click, event: email_click, points: 3, half_life: 30d, once_per: 1d, limit: 5}"
SAAS = "{id: saas, when: {field: industry, in: [software, saas]}, points: 15}"


def changes(*pairs: tuple[str, str]) -> list[Change]:
    old = load_model_text(BASE).model
    new = load_model_text(edit(BASE, *pairs)).model
    return diff_models(old, new)


def one(*pairs: tuple[str, str]) -> Change:
    found = changes(*pairs)
    assert len(found) == 1, [c.message for c in found]
    return found[0]


CASES = [
    # (what changed, edit, kind, message)
    (
        "points",
        (PRICING, PRICING.replace("points: 5", "points: 8")),
        "rule_points",
        "rule pricing (engagement › interest): points +5 → +8",
    ),
    (
        "a behaviour rule's condition",
        (PRICING, PRICING.replace("*/pricing*", "*/plans*")),
        "rule_condition",
        "rule pricing (engagement › interest): condition on the event changed",
    ),
    (
        "within",
        (PRICING, PRICING.replace("within: 30d", "within: 14d")),
        "rule_within",
        "rule pricing (engagement › interest): within 30d → 14d (only events from the last 14d count)",
    ),
    (
        "within dropped",
        (PRICING, PRICING.replace(", within: 30d", "")),
        "rule_within",
        "rule pricing (engagement › interest): within 30d → none (events of any age count)",
    ),
    (
        "limit",
        (EMAIL, EMAIL.replace("limit: 5", "limit: 3")),
        "rule_limit",
        "rule email_click (engagement › interest): limit 5 → 3 (only the 3 most recent events count)",
    ),
    (
        "half-life",
        (EMAIL, EMAIL.replace("half_life: 30d", "half_life: 14d")),
        "rule_half_life",
        "rule email_click (engagement › interest): half-life 30d → 14d (points halve every 14d)",
    ),
    (
        "half-life dropped",
        (EMAIL, EMAIL.replace("half_life: 30d, ", "")),
        "rule_half_life",
        "rule email_click (engagement › interest): half-life 30d → none (points no longer fade)",
    ),
    (
        "once per",
        (EMAIL, EMAIL.replace("once_per: 1d", "once_per: 1w")),
        "rule_once_per",
        "rule email_click (engagement › interest): once per 1d → 1w (at most one event per 1w counts)",
    ),
    (
        "a rule's cap",
        (EMAIL, EMAIL.replace("limit: 5", "limit: 5, max: 10")),
        "rule_max",
        "rule email_click (engagement › interest): cap (max) none → 10 (the rule gives at most 10 points)",
    ),
    (
        "critical",
        (PRICING, PRICING.replace("within: 30d", "within: 30d, critical: true")),
        "rule_critical",
        "rule pricing (engagement › interest) is marked critical",
    ),
    (
        "event types",
        (PRICING, PRICING.replace("event: page_view", "event: [page_view, web_session]")),
        "rule_events",
        "rule pricing (engagement › interest): counts page_view → page_view or web_session",
    ),
    (
        "a rule removed",
        (CAREERS, ""),
        "rule_removed",
        'rule careers removed from engagement › negative; it gave -10 per page_view where url matches "*/careers*" (once)',
    ),
    (
        "a rule added",
        (CAREERS, CAREERS + "              - {id: jobs, event: page_view, points: -5, within: 7d}\n"),
        "rule_added",
        "rule jobs added to engagement › negative: -5 per page_view (only events from the last 7d)",
    ),
    (
        "category budget",
        ("          interest:\n            max: 25", "          interest:\n            max: 30"),
        "category_budget",
        "budget of engagement › interest: max 25 → max 30",
    ),
    (
        "dimension budget",
        ("      engagement:\n        max: 50", "      engagement:\n        max: 60"),
        "dimension_budget",
        "budget of engagement: max 50 → max 60",
    ),
    (
        "decay",
        ("by: 10%}", "by: 15%, floor: 10}"),
        "decay_changed",
        "decay of engagement: each step takes 15% (was 10%); floor 10 (was none)",
    ),
    (
        "decay removed",
        ("        decay: {after: 30d, every: 30d, by: 10%}\n", ""),
        "decay_removed",
        "decay of engagement removed: 10% every 30d after 30d idle",
    ),
    (
        "bands",
        ("{name: B, min: 15}", "{name: B, min: 20}"),
        "dimension_bands",
        "bands of fit: C≥0 B≥15 A≥30 → C≥0 B≥20 A≥30",
    ),
    (
        "the MQL threshold",
        ("{mql: {min: 40,", "{mql: {min: 45,"),
        "mql_threshold",
        "MQL threshold: 40 → 45",
    ),
    (
        "MQL hysteresis",
        ("require_gates: true}", "require_gates: true, recycle_below: 30}"),
        "mql_recycle",
        "an MQL goes back to lead below: none → 30",
    ),
    (
        "a gate added",
        (
            "      - {id: adult, when: {field: age, gte: 18}}\n",
            "      - {id: adult, when: {field: age, gte: 18}}\n      - {id: big, when: {field: employees, gte: 10}}\n",
        ),
        "gate_added",
        "gate big added: employees ≥ 10 must hold",
    ),
    (
        "a trigger changed",
        ("add_to_segment: sales", "add_to_segment: hot"),
        "trigger_changed",
        "trigger hand_to_sales changed",
    ),
    (
        "the review schedule",
        ("every: 90d}", "every: 30d}"),
        "review",
        "review schedule: first after 60d, then every 90d → first after 60d, then every 30d",
    ),
    (
        "a field's type",
        ("employees: integer", "employees: number"),
        "field_type",
        "field employees: type integer → number",
    ),
]


@pytest.mark.parametrize(("name", "pair", "kind", "message"), CASES, ids=[c[0] for c in CASES])
def test_each_kind_of_change_in_words(name: str, pair: tuple[str, str], kind: str, message: str) -> None:
    c = one(pair)
    assert (c.kind, c.message) == (kind, message)


def test_a_changed_condition_shows_old_and_new() -> None:
    c = one((SAAS, SAAS.replace("[software, saas]", "[software, saas, fintech]")))
    assert c.message == "rule saas (fit › market): condition changed"
    assert (c.old, c.new) == ("industry in [software, saas]", "industry in [software, saas, fintech]")


def test_a_gate_condition_and_a_trigger_show_old_and_new() -> None:
    gate = one(("{field: age, gte: 18}", "{field: age, gte: 21}"))
    assert (gate.message, gate.old, gate.new) == ("gate adult: condition changed", "age ≥ 18", "age ≥ 21")
    trigger = one(("add_to_segment: sales", "add_to_segment: hot"))
    assert trigger.old == "when stage enters mql (main): add to segment sales"
    assert trigger.new == "when stage enters mql (main): add to segment hot"


def test_a_rule_moved_to_another_category_is_moved_not_removed_and_added() -> None:
    c = one(
        ("              - " + PRICING + "\n", ""),
        (CAREERS, CAREERS + "              - " + PRICING + "\n"),
    )
    assert c.message == "rule pricing moved from engagement › interest to engagement › negative"


def test_several_changes_to_one_rule_are_listed_one_by_one_in_a_stable_order() -> None:
    found = changes(
        (PRICING, PRICING.replace("points: 5", "points: 8").replace("within: 30d", "within: 14d"))
    )
    assert [c.kind for c in found] == ["rule_points", "rule_within"]


def test_descriptions_do_not_count() -> None:
    assert changes((PRICING, PRICING.replace("within: 30d", "within: 30d, description: Pricing page"))) == []
