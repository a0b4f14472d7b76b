"""Models at and past the limits of the format: a clear error at a location, never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from leadscore.diagnostics import LeadscoreError
from leadscore.durations import MAX_DURATION_DAYS, Duration, DurationTooLong
from leadscore.model.loader import read_model_text, validate_text
from leadscore.model.yaml_source import load_yaml

HEAD = "model: x\nversion: 1\nprograms:\n  - id: main\n    dimensions:\n      fit:\n        categories:\n          c:\n            rules:\n"


def _rules(n: int) -> str:
    return "".join(
        f"              - {{id: r{i}, when: {{field: a, eq: v{i}}}, points: 1}}\n" for i in range(n)
    )


def test_a_program_holds_at_most_500_rules() -> None:
    assert validate_text(HEAD + _rules(500), "m.yaml").ok
    report = validate_text(HEAD + _rules(501), "m.yaml")
    errors = [d for d in report.diagnostics if d.code == "E204"]
    assert [d.message for d in errors] == ["program 'main' has 501 rules; a program holds at most 500"]
    assert errors[0].location is not None
    assert errors[0].location.line == 10 + 500


def test_brackets_nested_thousands_deep_are_one_error() -> None:
    report = validate_text("a: " + "[" * 5000 + "]" * 5000 + "\n", "m.yaml")
    assert [d.code for d in report.diagnostics] == ["E100"]
    assert "nests too deeply" in report.diagnostics[0].message


def test_a_model_that_is_not_utf8_is_reported_at_its_byte(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_bytes("model: x\nversion: 1\ndescription: café\n".encode("latin-1"))
    with pytest.raises(LeadscoreError) as info:
        read_model_text(path)
    d = info.value.diagnostics[0]
    assert (d.code, d.message) == ("E002", "the model is not UTF-8 text (byte 0xe9)")
    assert d.location is not None
    assert (d.location.line, d.location.column) == (3, 17)


def test_the_longest_duration() -> None:
    assert Duration.parse(f"{MAX_DURATION_DAYS}d").days == MAX_DURATION_DAYS
    with pytest.raises(DurationTooLong):
        Duration.parse(f"{MAX_DURATION_DAYS * 24 + 1}h")
    with pytest.raises(DurationTooLong):
        Duration.parse("99999999999d")


@pytest.mark.parametrize(
    ("pattern", "case_sensitive", "error"),
    [
        ("[Z-a]", True, None),  # a range from 'Z' to 'a' as written
        ("[Z-a]", False, "bad character range z-a once lower-cased"),
        ("x{255}", True, None),
        ("x{256}", True, "more than every engine accepts (PostgreSQL stops at 255)"),
        ("x{2,1000}", True, "more than every engine accepts (PostgreSQL stops at 255)"),
        ("(?:x{200}){5}", True, None),
        ("(?:x{200}){6}", True, "repeat 1200 times in all"),
        ("(?:(?:x{20}){20}){3}", True, "repeat 1200 times in all"),
        ("(a{5}|b{100}){10}x{255}", True, None),  # the largest branch counts, not the sum
    ],
)
def test_regex_counts_and_ranges_every_engine_accepts(
    pattern: str, case_sensitive: bool, error: str | None
) -> None:
    from leadscore.model.regex import RegexError, check_portable

    if error is None:
        check_portable(pattern, case_sensitive)
    else:
        with pytest.raises(RegexError, match=re.escape(error)):
            check_portable(pattern, case_sensitive)


def test_names_differing_only_in_case_are_one_name_to_the_engines() -> None:
    text = HEAD.replace("programs:", "fields:\n  Tier: string\nprograms:") + (
        "              - {id: a, when: {field: tier, eq: gold}, points: 1}\n"
        "              - {id: b, event: x, where: {field: Order, eq: '1'}, points: 1}\n"
        "              - {id: c, event: x, where: {field: order, eq: '1'}, points: 1}\n"
        "              - {id: d, when: {field: TIER, eq: x}, points: 1}\n"
    )
    errors = [d for d in validate_text(text, "m.yaml").diagnostics if d.code == "E204"]
    assert [d.message for d in errors] == [
        "contact fields 'Tier' and 'tier' differ only in letter case",
        "event properties 'Order' and 'order' differ only in letter case",
        "contact fields 'Tier' and 'TIER' differ only in letter case",
    ]


def test_dimensions_and_rule_ids_differing_only_in_case_would_share_an_output_column() -> None:
    """`fit` and `FIT` would both write `fit_points` (DuckDB kept one value twice, Spark failed);
    rule ids `demo` and `Demo` both `rule:demo`. The same name in two programs is one column."""

    def program(pid: str, dim: str, rule: str) -> str:
        return (
            f"  - id: {pid}\n    dimensions:\n      {dim}:\n        categories:\n          c:\n            rules:\n"
            f"              - {{id: {rule}, event: page_view, points: 1}}\n"
        )

    head = "model: x\nversion: 1\nprograms:\n"
    assert validate_text(head + program("a", "fit", "demo") + program("b", "fit", "demo"), "m.yaml").ok
    report = validate_text(head + program("a", "fit", "demo") + program("b", "FIT", "Demo"), "m.yaml")
    errors = [(d.code, d.message, d.location.line if d.location else None) for d in report.diagnostics]
    assert errors == [
        ("E204", "dimensions 'fit' and 'FIT' differ only in letter case", 13),
        ("E204", "rule ids 'demo' and 'Demo' differ only in letter case", 17),
    ]


def _fit(rules: str, weights: str = "") -> str:
    head = "model: x\nversion: 1\nfields: {a: number}\nprograms:\n  - id: main\n"
    return (
        head
        + weights
        + "    dimensions:\n      fit:\n        categories:\n          c:\n            rules:\n"
        + rules
    )


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_a_condition_compares_with_a_finite_number(value: str) -> None:
    report = validate_text(
        _fit(f"              - {{id: r, when: {{field: a, gte: {value}}}, points: 1}}\n"), "m.yaml"
    )
    assert [(d.code, d.message) for d in report.diagnostics] == [
        ("E203", f"expected a finite number, got {float(value.replace('.', '', 1))}")
    ]


def test_numbers_in_a_model_are_at_most_1e9_and_scores_at_most_1e15() -> None:
    def rule(points: str) -> str:
        return f"              - {{id: r{len(points)}, when: {{field: a, gte: 1}}, points: {points}}}\n"

    assert validate_text(_fit(rule("1000000000") + rule("-1e9")), "m.yaml").ok
    report = validate_text(_fit(rule("1e19")), "m.yaml")
    assert [(d.code, d.message) for d in report.diagnostics] == [
        ("E204", "1e+19 is too large: a number in a model is at most 1e9 from zero")
    ]
    # each number within bounds, but a weight multiplies them past what rounds to whole points
    report = validate_text(_fit(rule("1e9"), "    weights: {fit: 1e9}\n"), "m.yaml")
    assert [(d.code, d.message) for d in report.diagnostics] == [
        ("E204", "program 'main' can score 0 to 1e+18: a score must stay within 1e15 of zero")
    ]
    assert report.diagnostics[0].location is not None
    assert report.diagnostics[0].location.line == 5


def test_aliases_of_aliases_are_one_error_not_a_hang() -> None:
    """Nine aliases of nine aliases …, seven levels deep, is 9^7 values from 7 lines: it took
    24 s and 1.8 GB before the copies were counted (nine levels did not finish)."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    report = validate_text("\n".join(lines) + "\nmodel: m\nversion: 1\nprograms: []\n", "bomb.yaml")
    assert [d.render() for d in report.diagnostics] == [
        "bomb.yaml:5:1: E100: YAML aliases (*name) here copy more than 10,000 values; nested aliases multiply\n"
        "    hint: write the repeated part out, or alias it once rather than aliases of aliases"
    ]


def test_a_few_aliases_read_as_copies() -> None:
    doc = load_yaml("x: &w {field: country, eq: PL}\ny: [*w, *w]\n", "m.yaml")
    assert doc.diagnostics == []
    assert doc.data == {"x": {"field": "country", "eq": "PL"}, "y": [{"field": "country", "eq": "PL"}] * 2}
