"""The practitioners' worked examples, and the edges of SPEC §3, as named tests.

Each test runs on every engine (DuckDB, PostgreSQL, Spark): it scores with the reference
evaluator AND the engine, asserts they agree, and checks the expected number, derived in a
comment from the rules of SPEC §3.
"""

from __future__ import annotations

from typing import Any

from leadscore.durations import MICROS_PER_DAY, MICROS_PER_HOUR, parse_instant
from leadscore.model.loader import load_model_text
from leadscore.records import Contact, Event
from leadscore.reference import score_rows
from tests.engines.equivalence import assert_rows_equal

T = parse_instant("2026-06-01T00:00:00Z")
DAY = MICROS_PER_DAY


def score(
    runner: Any, yaml: str, contacts: list[Contact], events: list[Event], as_of: int = T
) -> dict[str, dict[str, Any]]:
    """Rows by contact_id, after checking that the engine agrees with the reference."""
    model = load_model_text(yaml, "worked.yaml").model
    expected = score_rows(model, contacts, events, as_of, rules=True)
    assert_rows_equal(runner.rows(model, contacts, events, as_of), expected)
    return {r["contact_id"]: r for r in expected}


def ev(eid: str, cid: str, etype: str, ts: int, **props: str) -> Event:
    return Event(eid, cid, etype, ts, props)


ENGAGEMENT = """
model: worked
version: 1
programs:
  - id: main
    dimensions:
      engagement:
        categories:
          all:
            rules:
{rules}
"""


def engagement(*rules: str) -> str:
    return ENGAGEMENT.format(rules="\n".join(f"              - {r}" for r in rules))


def test_newsletter_signup_is_worth_ten_points(runner: Any) -> None:
    yaml = engagement(
        "{id: newsletter, event: form_submit, where: {field: form, eq: newsletter}, points: 10, limit: 1}"
    )
    rows = score(
        runner,
        yaml,
        [Contact("a"), Contact("b")],
        [
            ev("1", "a", "form_submit", T - DAY, form="Newsletter"),  # case-insensitive: counts
            ev("2", "a", "form_submit", T - 2 * DAY, form="newsletter"),  # limit 1: only the latest counts
            ev("3", "b", "form_submit", T - DAY, form="contact"),  # another form: no points
        ],
    )
    assert rows["a"]["score"] == 10  # one signup × 10 points, the second dropped by limit: 1
    assert rows["b"]["score"] == 0


ENCODED = """
model: encoded
version: 1
fields: {{employees: integer, adult: boolean, country: string, budget: number}}
programs:
  - id: sales
    gates:
      - {{id: adult, when: {{field: adult, eq: true}}}}
      - {{id: market, when: {{field: country, in: [PL, DE]}}}}
      - {{id: budget, when: {{field: budget, gte: 10000}}}}
    dimensions:
      fit:
        categories:
          points:
            rules:
              - {{id: base, when: {{all: []}}, points: {points}}}  # always holds
    stages: {{mql: {{min: 300}}}}
    format: {{encoded: {{segment: {{field: employees, map: [[0, 49, 1], [50, 999, 2], [1000, null, 3]]}}}}}}
"""


def test_three_must_haves_and_a_threshold_of_300(runner: Any) -> None:
    yaml = ENCODED.format(points=89)
    rows = score(
        runner,
        yaml,
        [
            Contact("all3", {"employees": 10, "adult": True, "country": "PL", "budget": 20000.0}),
            Contact("two", {"employees": 10, "adult": True, "country": "US", "budget": 20000.0}),
        ],
        [],
    )
    # all three must-haves: 3 × 100 + 89 = 389 ≥ 300 → sales-ready; segment 1 (10 employees) → 1389
    assert rows["all3"]["score"] == 1389
    assert rows["all3"]["gates_met"] == 3
    assert rows["all3"]["mql_eligible"] is True
    # two of three: 2 × 100 + 89 = 289 < 300 → not sales-ready
    assert rows["two"]["score"] == 1289
    assert rows["two"]["mql_eligible"] is False
    assert rows["two"]["points"] == 89  # the plain points are kept beside the displayed score


def test_mid_size_company_with_89_points_shows_as_2089(runner: Any) -> None:
    rows = score(runner, ENCODED.format(points=89), [Contact("mid", {"employees": 200})], [])
    # segment: 200 employees is in [50, 999] → 2; no gates met → 0 × 100; 89 points → 2 × 1000 + 0 + 89
    assert rows["mid"]["score"] == 2089


def test_encoded_points_are_clamped_to_99_and_a_missing_segment_is_0(runner: Any) -> None:
    rows = score(
        runner,
        ENCODED.format(points=150),
        [Contact("big", {"adult": True}), Contact("neg", {"employees": 5000})],
        [],
    )
    # no employees → digit 0; one gate (adult); 150 points clamp to 99 → 0 + 100 + 99
    assert rows["big"]["score"] == 199
    assert rows["big"]["points"] == 150
    # 5000 employees → digit 3; no gates; 150 → 99: 3099
    assert rows["neg"]["score"] == 3099


DECAY = """
model: decay
version: 1
programs:
  - id: main
    dimensions:
      engagement:
        decay: {after: 30d, every: 30d, by: 50%, floor: 50% of mql}
        categories:
          all:
            rules:
              - {id: demo, event: demo_request, points: 80}
    stages: {mql: {min: 60}}
"""


def test_decay_stops_at_a_floor_of_half_the_mql_threshold(runner: Any) -> None:
    contacts = [Contact("fresh"), Contact("idle40"), Contact("idle200")]
    events = [
        ev("1", "fresh", "demo_request", T - 10 * DAY),
        ev("2", "idle40", "demo_request", T - 40 * DAY),
        ev("3", "idle200", "demo_request", T - 200 * DAY),
    ]
    rows = score(runner, DECAY, contacts, events)
    assert rows["fresh"]["score"] == 80  # 10 days idle < after 30d: no decay
    # 40 days idle: n = 1 + floor((40 - 30) / 30) = 1 step of 50% → 40; floor is 50% × 60 = 30; 40 > 30
    assert rows["idle40"]["score"] == 40
    # 200 days idle: n = 1 + floor(170 / 30) = 6 steps → 80 × 0.5^6 = 1.25, held at the floor 30
    assert rows["idle200"]["score"] == 30
    assert rows["idle200"]["engagement_points"] == 30.0


def test_decay_never_lowers_a_score_already_below_the_floor(runner: Any) -> None:
    yaml = DECAY.replace("points: 80", "points: 20")
    rows = score(runner, yaml, [Contact("c")], [ev("1", "c", "demo_request", T - 300 * DAY)])
    assert (
        rows["c"]["score"] == 20
    )  # raw 20 ≤ floor 30: the value stays 20, decay neither lowers nor raises it


def test_a_careers_page_visit_costs_points(runner: Any) -> None:
    yaml = engagement(
        "{id: pricing, event: page_view, where: {field: url, glob: '*/pricing*'}, points: 5}",
        "{id: careers, event: page_view, where: {field: url, glob: '*/careers*'}, points: -10, limit: 1}",
    )
    rows = score(
        runner,
        yaml,
        [Contact("seeker"), Contact("buyer")],
        [
            ev("1", "seeker", "page_view", T - DAY, url="https://acme.example/careers/engineer"),
            ev("2", "seeker", "page_view", T - DAY, url="https://acme.example/Careers"),  # limit 1: once
            ev("3", "seeker", "page_view", T - DAY, url="https://acme.example/pricing"),
            ev("4", "buyer", "page_view", T - DAY, url="https://acme.example/pricing?plan=team"),
        ],
    )
    assert rows["seeker"]["score"] == -5  # +5 for pricing, −10 once for careers
    assert rows["buyer"]["score"] == 5


def test_a_30_day_half_life_halves_points_after_30_days(runner: Any) -> None:
    yaml = engagement("{id: click, event: email_click, points: 8, half_life: 30d}")
    rows = score(
        runner,
        yaml,
        [Contact("new"), Contact("d30"), Contact("d60")],
        [
            ev("1", "new", "email_click", T),
            ev("2", "d30", "email_click", T - 30 * DAY),
            ev("3", "d60", "email_click", T - 60 * DAY),
        ],
    )
    assert rows["new"]["engagement_points"] == 8.0  # age 0: w = 0.5^0 = 1
    assert rows["d30"]["engagement_points"] == 4.0  # age 30 d: w = 0.5^(30/30) = 0.5
    assert rows["d60"]["engagement_points"] == 2.0  # age 60 d: w = 0.25


def test_events_at_T_count_and_later_ones_do_not_exist_yet(runner: Any) -> None:
    yaml = engagement("{id: v, event: page_view, points: 1}")
    rows = score(
        runner, yaml, [Contact("c")], [ev("1", "c", "page_view", T), ev("2", "c", "page_view", T + 1)]
    )
    assert rows["c"]["score"] == 1  # the event at exactly T counts; 1 µs later it does not exist


def test_within_excludes_an_event_exactly_its_length_old(runner: Any) -> None:
    yaml = engagement("{id: v, event: page_view, points: 1, within: 7d}")
    events = [ev("1", "c", "page_view", T - 7 * DAY), ev("2", "c", "page_view", T - 7 * DAY + 1)]
    assert (
        score(runner, yaml, [Contact("c")], events)["c"]["score"] == 1
    )  # age < 7d strictly: only the second


def test_once_per_windows_are_aligned_to_the_epoch(runner: Any) -> None:
    yaml = engagement("{id: v, event: page_view, points: 1, once_per: 1d}")
    events = [
        ev("1", "c", "page_view", T - 1),  # 23:59:59.999999 on May 31
        ev("2", "c", "page_view", T - 20 * MICROS_PER_HOUR),  # 04:00 on May 31: same window
        ev("3", "c", "page_view", T),  # 00:00 on June 1: a new window
        # across the epoch: 1969-12-31 23:00 and 1970-01-01 01:00 are different days
        ev("4", "old", "page_view", -MICROS_PER_HOUR),
        ev("5", "old", "page_view", MICROS_PER_HOUR),
        ev("6", "old", "page_view", -2 * MICROS_PER_HOUR),  # same day as event 4
    ]
    rows = score(runner, yaml, [Contact("c"), Contact("old")], events)
    assert rows["c"]["score"] == 2
    assert rows["old"]["score"] == 2


def test_rounding_is_half_away_from_zero(runner: Any) -> None:
    yaml = engagement("{id: a, event: x, points: 59.5}", "{id: b, event: y, points: -0.5}")
    rows = score(
        runner, yaml, [Contact("up"), Contact("down")], [ev("1", "up", "x", T), ev("2", "down", "y", T)]
    )
    assert rows["up"]["score"] == 60  # 59.5 → 60
    assert rows["down"]["score"] == -1  # −0.5 → −1


def test_case_insensitive_comparison_folds_unicode(runner: Any) -> None:
    yaml = """
model: unicode
version: 1
fields: {city: string}
programs:
  - id: main
    dimensions:
      fit:
        categories:
          where:
            rules:
              - {id: lodz, when: {field: city, eq: ŁÓDŹ}, points: 1}
              - {id: strasse, when: {field: city, eq: straße}, points: 10}
              - {id: exact, when: {field: city, eq: Łódź, case_sensitive: true}, points: 100}
"""
    rows = score(
        runner,
        yaml,
        [Contact("a", {"city": "łódź"}), Contact("b", {"city": "STRAẞE"}), Contact("c", {"city": "Łódź"})],
        [],
    )
    assert rows["a"]["score"] == 1  # ŁÓDŹ and łódź fold to the same text; case-sensitive differs
    assert rows["b"]["score"] == 10  # ẞ (capital sharp s) lowers to ß
    assert rows["c"]["score"] == 101


def test_tied_events_count_equally_under_a_limit(runner: Any) -> None:
    yaml = engagement("{id: v, event: page_view, points: 3, limit: 2, half_life: 10d}")
    events = [ev(str(i), "c", "page_view", T - 10 * DAY) for i in range(3)]
    # three events at the same instant, limit 2: whichever two are kept, 2 × 3 × 0.5 = 3
    assert score(runner, yaml, [Contact("c")], events)["c"]["engagement_points"] == 3.0


def test_text_compares_with_numbers_only_when_it_is_a_decimal_literal(runner: Any) -> None:
    yaml = engagement("{id: big, event: purchase, where: {field: amount, gt: 100}, points: 1}")
    events = [
        ev("1", "a", "purchase", T, amount="150.5"),
        ev("2", "b", "purchase", T, amount="1e3"),  # not a decimal literal: false
        ev("3", "c", "purchase", T, amount=" 150"),  # leading space: not a decimal literal
        ev("4", "d", "purchase", T, amount="+200"),
    ]
    rows = score(runner, yaml, [Contact(x) for x in "abcd"], events)
    assert [rows[x]["score"] for x in "abcd"] == [1, 0, 0, 1]


def test_missing_values_make_ne_and_not_in_true(runner: Any) -> None:
    yaml = """
model: nulls
version: 1
fields: {country: string}
programs:
  - id: main
    dimensions:
      fit:
        categories:
          c:
            rules:
              - {id: ne, when: {field: country, ne: PL}, points: 1}
              - {id: notin, when: {field: country, not_in: [PL]}, points: 10}
              - {id: eq, when: {field: country, eq: PL}, points: 100}
              - {id: absent, when: {field: country, exists: false}, points: 1000}
              - {id: neg, when: {not: {field: country, eq: PL}}, points: 10000}
"""
    rows = score(runner, yaml, [Contact("none"), Contact("pl", {"country": "pl"})], [])
    assert rows["none"]["score"] == 11011  # ne, not_in, exists: false and not(eq) hold; eq does not
    assert rows["pl"]["score"] == 100


def test_integer_fields_compare_exactly_with_whole_numbers(runner: Any) -> None:
    # 2^53 + 1 has no double of its own: compared as doubles it equals 2^53. An integer field
    # against whole-number operands compares as integers (SPEC §3: eq is "equal to the value");
    # with a fraction among the operands, as doubles.
    yaml = """
model: big
version: 1
fields: {big: integer}
programs:
  - id: main
    dimensions:
      fit:
        categories:
          ids:
            rules:
              - {id: gt, when: {field: big, gt: 9007199254740992}, points: 1}
              - {id: eq, when: {field: big, eq: 9007199254740993}, points: 10}
              - {id: ne, when: {field: big, ne: 9007199254740992}, points: 100}
              - {id: top, when: {field: big, in: [9223372036854775807]}, points: 1000}
              - {id: half, when: {field: big, between: [0.5, 9007199254740992]}, points: 10000}
"""
    contacts = [
        Contact("b1", {"big": 2**53 + 1}),
        Contact("b2", {"big": 2**53}),
        Contact("b3", {"big": 2**63 - 2}),
        Contact("b4", {"big": -(2**63)}),
    ]
    rows = score(runner, yaml, contacts, [])
    assert rows["b1"]["score"] == 1 + 10 + 100 + 10000  # as doubles 2^53 + 1 is 2^53 (between)
    assert rows["b2"]["score"] == 10000
    assert rows["b3"]["score"] == 1 + 100  # not 2^63 − 1, which a double would make it
    assert rows["b4"]["score"] == 100


def test_regex_dot_and_dollar_treat_line_breaks_alike_on_every_engine(runner: Any) -> None:
    # `.` is any character but \n (Java's also skipped \r, U+0085 and U+2028 unless told not to);
    # `$` is the very end of the value (Python's and Java's also matched before a final \n)
    yaml = """
model: breaks
version: 1
fields: {s: string}
programs:
  - id: main
    dimensions:
      fit:
        categories:
          text:
            rules:
              - {id: dot, when: {field: s, regex: "a.b"}, points: 1}
              - {id: end, when: {field: s, regex: "b$"}, points: 10}
"""
    values = {"cr": "a\rb", "nel": "a\x85b", "ls": "a\u2028b", "lf": "a\nb", "final_lf": "ab\n"}
    rows = score(runner, yaml, [Contact(k, {"s": v}) for k, v in values.items()], [])
    assert {k: rows[k]["score"] for k in values} == {"cr": 11, "nel": 11, "ls": 11, "lf": 10, "final_lf": 0}
