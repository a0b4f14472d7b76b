"""The model linter (SPEC §4, end): every rule fires on a model built to break its advice,
and stays quiet on a near miss, so no lint is a check that cannot fail.

Expected lines are found with :func:`line_of` on a `# anchor` comment or a unique text in
the YAML, never written as bare numbers.
"""

from __future__ import annotations

import re

from leadscore.diagnostics import Diagnostic, Severity
from leadscore.model.lint import LINT_RULES
from leadscore.model.loader import validate_text
from tests.conftest import FIXTURES

# A model that follows every piece of advice (the test below pins that it is clean).
# fit:        firm ≤ 30 (saas 15 + mid 15; competitor −10)      → budget 30
# engagement: intent ≤ 30 (demo 20×1 + pricing 5×2; unsub −10)   → budget 30
# total ≤ 60, MQL at 40; 6 rules, 2 of them negative; every field declared.
CLEAN = """\
model: t
version: 1
fields: {industry: string, employees: integer, country: string}
programs:
  - id: main  # the program
    dimensions:
      fit:  # fit dimension
        max: 30  # fit budget
        bands: [{name: B, min: 0}, {name: A, min: 20}]  # fit bands
        categories:
          firm:
            max: 30  # firm budget
            rules:
              - {id: saas, when: {field: industry, eq: saas}, points: 15}
              - {id: mid, when: {field: employees, gte: 50}, points: 15}
              - {id: competitor, when: {field: industry, eq: security}, points: -10}
              # more fit rules
      engagement:  # engagement dimension
        max: 30  # engagement budget
        categories:
          intent:
            max: 30  # intent budget
            rules:
              - {id: demo, event: demo_request, points: 20, limit: 1}
              - {id: pricing, event: page_view, where: {field: url, contains: pricing}, points: 5, limit: 2}
              - {id: unsub, event: unsubscribe, points: -10, limit: 1}
              # more behaviours
    stages: {mql: {min: 40}}  # mql
    # program extras
"""


def edit(text: str, old: str, new: str) -> str:
    """Replace `old`, which must occur exactly once (so a stale edit cannot pass silently)."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    """The 1-based line holding `needle`, which must be on exactly one line."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, f"{needle!r} is on lines {hits}"
    return hits[0]


def warnings(text: str) -> list[Diagnostic]:
    report = validate_text(text, "m.yaml")
    assert report.ok, [d.render() for d in report.diagnostics]
    assert all(d.severity is Severity.WARNING for d in report.diagnostics)
    return report.diagnostics


def of(text: str, code: str) -> list[Diagnostic]:
    return [d for d in warnings(text) if d.code == code]


def line(d: Diagnostic) -> int:
    assert d.location is not None
    assert d.location.file == "m.yaml"
    return d.location.line


def lines(text: str, code: str) -> list[int]:
    return [line(d) for d in of(text, code)]


def behaviours(n: int, points: int) -> str:
    """n behaviour rules worth `points` each, counted once (limit 1)."""
    return "".join(
        f"              - {{id: b{points}_{i}, event: e{i}, points: {points}, limit: 1}}\n" for i in range(n)
    )


def more_behaviours(text: str, n: int, points: int) -> str:
    return edit(text, "              # more behaviours\n", behaviours(n, points))


def extras(text: str, yaml: str) -> str:
    return edit(text, "    # program extras\n", yaml)


# --- the registry -----------------------------------------------------------------------


def test_registry_codes_are_unique_sorted_and_documented() -> None:
    codes = [r.code for r in LINT_RULES]
    assert codes == sorted(set(codes))
    assert all(re.fullmatch(r"W4\d\d", c) for c in codes)
    names = [r.name for r in LINT_RULES]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", n) for n in names)
    assert all(r.description and "\n" not in r.description for r in LINT_RULES)


def test_clean_model_has_no_warnings() -> None:
    assert warnings(CLEAN) == []


def test_every_warning_has_a_location_and_a_hint() -> None:
    # Break several rules at once: 0 points (W409), which also puts band A (20) out of fit's
    # reach of 15 (W407), an undeclared field (W408) and an engagement without a cap (W411).
    text = edit(CLEAN, "eq: saas}, points: 15}", "eq: saas}, points: 0}")
    text = edit(text, "{field: employees, gte: 50}", "{field: staff, gte: 50}")
    text = edit(text, "        max: 30  # engagement budget\n", "")
    text = edit(text, "            max: 30  # intent budget\n", "")
    text = edit(text, "points: 5, limit: 2}", "points: 5}")
    diags = warnings(text)
    assert sorted(d.code for d in diags) == ["W407", "W408", "W409", "W411"]
    for d in diags:
        assert line(d) > 0
        assert d.hint
        assert d.path


# --- W401 too many behaviours, W402 too many negatives --------------------------------


def test_w401_warns_above_twelve_positive_behaviours() -> None:
    # CLEAN has 2 positive behaviours (demo, pricing); +10 makes 12 (the limit), +11 makes 13.
    assert of(more_behaviours(CLEAN, 10, 1), "W401") == []
    text = more_behaviours(CLEAN, 11, 1)
    assert lines(text, "W401") == [line_of(text, "# the program")]
    assert "13 positive behaviours" in of(text, "W401")[0].message


def test_w402_warns_above_eight_negative_behaviours() -> None:
    # CLEAN has 1 negative behaviour (unsub); +7 makes 8 (the limit), +8 makes 9.
    assert of(more_behaviours(CLEAN, 7, -1), "W402") == []
    text = more_behaviours(CLEAN, 8, -1)
    assert lines(text, "W402") == [line_of(text, "# the program")]
    assert "9 negative behaviour rules" in of(text, "W402")[0].message


def test_w402_counts_behaviours_not_fit_rules() -> None:
    fit = "".join(
        f"              - {{id: n{i}, when: {{field: country, eq: X{i}}}, points: -1}}\n" for i in range(9)
    )
    assert of(edit(CLEAN, "              # more fit rules\n", fit), "W402") == []


# --- W403 no negative rule, W404 too simple ------------------------------------------------


def test_w403_warns_without_any_negative_rule() -> None:
    text = edit(CLEAN, "points: -10}", "points: 10}")  # competitor
    text = edit(text, "points: -10, limit: 1}", "points: 10, limit: 1}")  # unsub
    assert lines(text, "W403") == [line_of(text, "# the program")]


def test_w403_a_negative_fit_rule_is_enough() -> None:
    text = edit(CLEAN, "points: -10, limit: 1}", "points: 10, limit: 1}")  # only competitor left
    assert of(text, "W403") == []


def test_w404_warns_at_four_rules_or_fewer() -> None:
    # CLEAN has 6 rules; without pricing it has 5 (fine); without mid as well, 4.
    five = edit(CLEAN, "              - {id: pricing", "              # - {id: pricing")
    assert of(five, "W404") == []
    four = edit(five, "              - {id: mid", "              # - {id: mid")
    assert lines(four, "W404") == [line_of(four, "# the program")]
    assert "only 4 rules" in of(four, "W404")[0].message


# --- W405 unbalanced budgets ----------------------------------------------------------------


def test_w405_warns_when_one_budget_is_over_three_times_another() -> None:
    # fit 30 against engagement 10: 30 ≤ 3 × 10, fine; engagement 9: 30 > 27, warn at fit.
    ten = edit(CLEAN, "max: 30  # engagement budget", "max: 10  # engagement budget")
    assert of(ten, "W405") == []
    nine = edit(CLEAN, "max: 30  # engagement budget", "max: 9  # engagement budget")
    assert lines(nine, "W405") == [line_of(nine, "# fit dimension")]
    assert "'engagement' only 9" in of(nine, "W405")[0].message


def test_w405_compares_weighted_budgets() -> None:
    # engagement 9 × weight 2 = 18 against fit 30: 30 ≤ 54, fine.
    text = edit(CLEAN, "max: 30  # engagement budget", "max: 9  # engagement budget")
    assert of(extras(text, "    weights: {engagement: 2}\n"), "W405") == []


def test_w405_a_budget_is_what_the_rules_can_reach() -> None:
    # fit declares max 200, but its one category is capped at 30: its budget is 30, as engagement's.
    text = edit(CLEAN, "max: 30  # fit budget", "max: 200  # fit budget")
    assert of(text, "W405") == []
    # Raise the category cap and let the rules reach 130: 15 + 15 + 100 > 3 × 30.
    text = edit(text, "max: 30  # firm budget", "max: 200  # firm budget")
    text = edit(
        text,
        "              # more fit rules\n",
        "              - {id: big, when: {field: country, eq: PL}, points: 100}\n",
    )
    assert lines(text, "W405") == [line_of(text, "# fit dimension")]


# --- W406 category overrun ----------------------------------------------------------------


def test_w406_warns_when_rules_exceed_three_times_the_budget() -> None:
    # intent budget 30. demo 20 + pricing 5 × 14 = 90 = 3 × 30, fine; limit 15: 95 > 90, warn.
    fine = edit(CLEAN, "points: 5, limit: 2}", "points: 5, limit: 14}")
    assert of(fine, "W406") == []
    over = edit(CLEAN, "points: 5, limit: 2}", "points: 5, limit: 15}")
    assert lines(over, "W406") == [line_of(over, "# intent budget")]
    assert "can add up to 95" in of(over, "W406")[0].message


def test_w406_an_unlimited_rule_overruns_any_budget() -> None:
    text = edit(CLEAN, "points: 5, limit: 2}", "points: 5}")
    assert lines(text, "W406") == [line_of(text, "# intent budget")]
    assert "rule 'pricing' counts every event" in of(text, "W406")[0].message


def test_w406_a_rule_max_bounds_an_unlimited_rule() -> None:
    # pricing without a limit but capped at 10: 20 + 10 = 30 ≤ 90.
    assert of(edit(CLEAN, "points: 5, limit: 2}", "points: 5, max: 10}"), "W406") == []


# --- W407 unreachable thresholds -----------------------------------------------------------


def test_w407_band_above_the_dimension_budget() -> None:
    assert of(CLEAN, "W407") == []  # band A at 20 ≤ fit's 30
    text = edit(CLEAN, "{name: A, min: 20}", "{name: A, min: 31}")
    assert lines(text, "W407") == [line_of(text, "# fit bands")]
    assert "band 'A' at 31" in of(text, "W407")[0].message


def test_w407_mql_compares_the_rounded_total() -> None:
    # saas 14.5 makes fit ≤ 29.5 and the total ≤ 59.5, whose official score rounds to 60.
    text = edit(CLEAN, "eq: saas}, points: 15}", "eq: saas}, points: 14.5}")
    assert of(edit(text, "min: 40}}", "min: 60}}"), "W407") == []
    over = edit(text, "min: 40}}", "min: 61}}")
    assert lines(over, "W407") == [line_of(over, "# mql")]


def test_w407_rounds_the_bound_as_the_reference_does() -> None:
    # fit weighs 0, so the total is engagement ≤ 0.4999995 + 5 × 2 = 10.4999995: rounded to 6
    # places half away from zero that is 10.5, officially 11 (Python's round() gives 10.499999,
    # so 10, and an MQL at 11 was once wrongly called unreachable).
    text = extras(
        edit(CLEAN, "points: 20, limit: 1}", "points: 0.4999995, limit: 1}"), "    weights: {fit: 0}\n"
    )
    assert of(edit(text, "min: 40}}", "min: 11}}"), "W407") == []
    over = edit(text, "min: 40}}", "min: 12}}")
    assert lines(over, "W407") == [line_of(over, "# mql")]


def test_w407_program_bands_and_weights() -> None:
    # total = 30 + 0.5 × 30 = 45: band top at 45 is reachable, at 46 it is not.
    weighted = extras(
        CLEAN, "    weights: {engagement: 0.5}\n    bands: [{name: low, min: 0}, {name: top, min: 45}]\n"
    )
    assert of(weighted, "W407") == []
    text = edit(weighted, "{name: top, min: 45}", "{name: top, min: 46}")
    assert lines(text, "W407") == [line_of(text, "{name: top")]


def test_w407_a_zero_weight_adds_nothing() -> None:
    text = extras(CLEAN, "    weights: {engagement: 0}\n")  # total ≤ 30 + 0 × 30
    assert of(edit(text, "min: 40}}", "min: 30}}"), "W407") == []
    assert lines(edit(text, "min: 40}}", "min: 31}}"), "W407") == [line_of(text, "# mql")]


def test_w407_encoded_programs_compare_gates_and_clamped_points() -> None:
    # Two gates: the highest threshold value is 2 × 100 + clamp(60, 0, 99) = 260.
    gates = (
        "    format: {encoded: {}}\n"
        "    gates: [{id: pl, when: {field: country, eq: PL}}, {id: big, when: {field: employees, gte: 10}}]\n"
    )
    text = extras(CLEAN, gates)
    assert of(edit(text, "min: 40}}", "min: 260}}"), "W407") == []
    over = edit(text, "min: 40}}", "min: 261}}")
    assert lines(over, "W407") == [line_of(over, "# mql")]
    # Weighing fit by 5 makes the total ≤ 5 × 30 + 30 = 180, but points clamp at 99: 2 × 100 + 99.
    heavy = extras(CLEAN, gates + "    weights: {fit: 5}\n")
    assert of(edit(heavy, "min: 40}}", "min: 299}}"), "W407") == []
    assert lines(edit(heavy, "min: 40}}", "min: 300}}"), "W407") == [line_of(heavy, "# mql")]


def test_w407_trigger_values() -> None:
    trig = (
        "triggers:\n"
        "  - {id: hot, on: {program: main, score_crosses_above: 60}, do: [{add_to_segment: hot}]}\n"
        "  - {id: fit, on: {dimension: fit, score_crosses_above: 30}, do: [{add_to_segment: fit}]}\n"
    )
    assert of(CLEAN + trig, "W407") == []  # total ≤ 60, fit ≤ 30
    text = CLEAN + trig.replace("above: 60", "above: 61").replace("above: 30", "above: 31")
    assert lines(text, "W407") == [line_of(text, "id: hot"), line_of(text, "id: fit")]


def test_w407_decay_keeps_the_highest_value_and_lowers_the_lowest() -> None:
    # Decay never raises a value, so engagement's bound stays 30. (A generous bound here: with no
    # `after` even a contact active at T is one step down, 27 at most, which W412 reports.)
    decay = "        decay: {every: 30d, by: 10%}\n        bands: [{name: hot, min: 30}]\n"
    text = edit(
        CLEAN, "        max: 30  # engagement budget\n", "        max: 30  # engagement budget\n" + decay
    )
    assert of(text, "W407") == []
    over = edit(text, "{name: hot, min: 30}", "{name: hot, min: 31}")
    assert lines(over, "W407") == [line_of(over, "name: hot")]
    # A negative weight adds the lowest engagement value. With min 5 and no decay that is 5,
    # so the total is at most 30 − 5 = 25; decay can bring a positive value down to its floor
    # (0 without one), so with decay the total reaches 30 − 0 = 30.
    low = edit(
        CLEAN,
        "        max: 30  # engagement budget\n",
        "        min: 5\n        max: 30  # engagement budget\n",
    )
    low = extras(low, "    weights: {engagement: -1}\n")
    assert of(edit(low, "min: 40}}", "min: 25}}"), "W407") == []
    assert lines(edit(low, "min: 40}}", "min: 26}}"), "W407") == [line_of(low, "# mql")]
    decayed = edit(low, "        min: 5\n", "        min: 5\n        decay: {every: 30d, by: 10%}\n")
    assert of(edit(decayed, "min: 40}}", "min: 30}}"), "W407") == []
    assert lines(edit(decayed, "min: 40}}", "min: 31}}"), "W407") == [line_of(decayed, "# mql")]


def test_w407_skips_uncapped_scores() -> None:
    text = edit(CLEAN, "        max: 30  # engagement budget\n", "")
    text = edit(text, "            max: 30  # intent budget\n", "")
    text = edit(text, "points: 5, limit: 2}", "points: 5}")
    assert of(edit(text, "min: 40}}", "min: 100000}}"), "W407") == []


# --- W408 undeclared fields -----------------------------------------------------------------


def test_w408_typo_in_a_fit_rule_suggests_the_declared_field() -> None:
    text = edit(CLEAN, "{field: employees, gte: 50}", "{field: employes, gte: 50}")
    [diag] = of(text, "W408")
    assert line(diag) == line_of(text, "employes")
    assert "'employes'" in diag.message
    assert "did you mean 'employees'" in (diag.hint or "")


def test_w408_gates_applies_to_and_segment_and_one_warning_per_field() -> None:
    text = extras(
        CLEAN,
        "    applies_to: {field: region, eq: EU}  # applies\n"
        "    gates: [{id: adult, when: {field: age, gte: 18}}]  # gate\n"
        "    format: {encoded: {segment: {field: tier, map: {gold: 1}}}}  # segment\n",
    )
    text = edit(text, "{field: industry, eq: security}", "{field: region, eq: security}")
    diags = {d.message.split("'")[1]: d for d in of(text, "W408")}
    assert sorted(diags) == ["age", "region", "tier"]
    # region is used twice: one warning, at its first use (applies_to comes before the rules).
    assert line(diags["region"]) == line_of(text, "# applies")
    assert "1 more place" in diags["region"].message
    assert line(diags["age"]) == line_of(text, "# gate")
    assert line(diags["tier"]) == line_of(text, "# segment")
    assert "declare it under fields" in (diags["tier"].hint or "")


def test_w408_ignores_contact_id_and_event_properties() -> None:
    # pricing's `url` is an event property; contact_id is built in.
    text = extras(CLEAN, "    applies_to: {field: contact_id, starts_with: c}\n")
    assert of(text, "W408") == []


# --- W409 zero points, W410 negative critical ------------------------------------------------


def test_w409_zero_points() -> None:
    text = edit(CLEAN, "eq: saas}, points: 15}", "eq: saas}, points: 0}")
    assert lines(text, "W409") == [line_of(text, "id: saas")]


def test_w410_critical_rule_that_subtracts() -> None:
    positive = edit(CLEAN, "points: 20, limit: 1}", "points: 20, limit: 1, critical: true}")
    assert of(positive, "W410") == []
    text = edit(CLEAN, "points: -10, limit: 1}", "points: -10, limit: 1, critical: true}")
    assert lines(text, "W410") == [line_of(text, "id: unsub")]


# --- W411 uncapped dimension ----------------------------------------------------------------


def test_w411_dimension_without_any_cap() -> None:
    open_ = edit(CLEAN, "points: 5, limit: 2}", "points: 5}")  # pricing counts every event
    assert of(open_, "W411") == []  # intent's max still caps it (W406 says so)
    text = edit(open_, "        max: 30  # engagement budget\n", "")
    assert of(text, "W411") == []  # still capped by intent
    text = edit(text, "            max: 30  # intent budget\n", "")
    assert lines(text, "W411") == [line_of(text, "# engagement dimension")]
    assert "rule 'pricing' counts every event" in of(text, "W411")[0].message


# --- W412 decay without grace ---------------------------------------------------------------


def with_decay(decay: str) -> str:
    return edit(
        CLEAN,
        "        max: 30  # engagement budget\n",
        f"        max: 30  # engagement budget\n        decay: {decay}\n",
    )


def test_w412_decay_without_after_starts_at_once() -> None:
    text = with_decay("{every: 30d, by: 10%}")
    assert lines(text, "W412") == [line_of(text, "decay:")]
    (d,) = of(text, "W412")
    assert "decay of 'engagement' has no after:" in d.message
    assert "(-10%)" in d.message
    assert "after: 30d" in (d.hint or "")
    assert "(-5 points)" in of(with_decay("{every: 2w, by: 5}"), "W412")[0].message
    assert "after: 2w" in (of(with_decay("{every: 2w, by: 5}"), "W412")[0].hint or "")
    # a grace period, or after: 0d written on purpose, silences it
    assert of(with_decay("{after: 30d, every: 30d, by: 10%}"), "W412") == []
    assert of(with_decay("{after: 0d, every: 30d, by: 10%}"), "W412") == []


# --- the SPEC example -------------------------------------------------------------------------


def test_spec_example_warnings() -> None:
    """The SPEC §4 example draws exactly two W406 warnings.

    - W401/W402: 5 positive behaviours (demo, trial, newsletter, email_click, pricing) and
      2 negative ones (careers, unsubscribe): within 12 and 8.
    - W403: careers and unsubscribe are negative. W404: 4 fit + 7 behaviour = 11 rules > 4.
    - W405: fit ≤ min(50, 25 + 25) = 50, engagement ≤ min(50, 25 + 25 + 0) = 50: balanced.
    - W406: `critical` (budget 25) holds demo and trial, which have no limit or max, so they
      add up without limit; `interest` (budget 25) holds pricing, also without a limit
      (newsletter 10 × 1 and email_click 3 × 5 are bounded). target_market and ideal reach
      15 + 10 = 25, exactly their budgets; negative has no max.
    - W407: fit bands reach 40 ≤ 50, engagement bands 35 ≤ 50, MQL 60 ≤ 50 + 50 = 100.
    - W408: every contact field used (industry, employees, job_title, budget, age, country) is
      declared. W409/W410: no 0-point rule, both critical rules are positive.
    - W411: both dimensions have a max.
    """
    text = (FIXTURES / "spec_example.yaml").read_text(encoding="utf-8")
    diags = warnings(text)
    assert [d.code for d in diags] == ["W406", "W406"]
    critical = text.splitlines().index("          critical:") + 2  # its `max:` line
    interest = text.splitlines().index("          interest:") + 2
    assert [d.location.line for d in diags if d.location] == [critical, interest]
    assert "rules 'demo', 'trial' count every event" in diags[0].message
    assert "rule 'pricing' counts every event" in diags[1].message


# --- W413 a floor at or above the dimension's reach -------------------------------------------


def test_w413_floor_at_or_above_what_the_dimension_reaches() -> None:
    decay = "      engagement:  # engagement dimension\n        decay: {after: 30d, every: 30d, by: 10%, floor: FLOOR}\n"
    text = edit(CLEAN, "      engagement:  # engagement dimension\n", decay)
    assert of(text.replace("FLOOR", "29"), "W413") == []  # engagement reaches 30
    at = text.replace("FLOOR", "30")
    assert lines(at, "W413") == [line_of(at, "decay: {")]
    assert "its floor is 30 points, and the most 'engagement' can reach is 30" in of(at, "W413")[0].message
    # 50 % of the MQL threshold of 40 is 20: below 30, no warning
    assert of(text.replace("FLOOR", "50% of mql"), "W413") == []


def test_w413_a_share_of_an_encoded_threshold_is_no_floor_in_points() -> None:
    # encoded, two gates, MQL at 250: 50 % of it is 125 points, far above engagement's 30
    decay = "      engagement:  # engagement dimension\n        decay: {after: 30d, every: 30d, by: 10%, floor: 50% of mql}\n"
    text = edit(CLEAN, "      engagement:  # engagement dimension\n", decay)
    text = extras(
        edit(text, "min: 40}}", "min: 250}}"),
        "    format: {encoded: {}}\n"
        "    gates: [{id: pl, when: {field: country, eq: PL}}, {id: big, when: {field: employees, gte: 10}}]\n",
    )
    [w] = of(text, "W413")
    assert "its floor is 125 points" in w.message
    assert "encoded" in (w.hint or "")


def test_w414_where_on_is_bot_without_include_bots_or_on_a_contact_field() -> None:
    """A `where` on is_bot without include_bots tests events already left out; one on a name
    declared under fields reads the event's property, not the contact's field: both were
    "valid" with no word, and the rules scored 0 for every contact."""
    pricing = "- {id: pricing, event: page_view, where: {field: url, contains: pricing}, points: 5, limit: 2}"
    bots = edit(
        CLEAN, pricing, pricing.replace("{field: url, contains: pricing}", "{field: is_bot, eq: true}")
    )
    assert lines(bots, "W414") == [line_of(bots, "is_bot")]
    assert "bot events are left out before `where`" in of(bots, "W414")[0].message
    assert of(edit(bots, "points: 5, limit: 2}", "points: 5, limit: 2, include_bots: true}"), "W414") == []
    country = edit(
        CLEAN, pricing, pricing.replace("{field: url, contains: pricing}", "{field: country, eq: PL}")
    )
    assert lines(country, "W414") == [line_of(country, "field: country")]
    assert "not the contact field declared under fields" in of(country, "W414")[0].message
    assert of(CLEAN, "W414") == []  # `url` is no contact field
