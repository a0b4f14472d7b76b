"""Per rule: how often it fired at the cutoff, how those contacts converted, and a suggestion.

A rule **fired** for a contact when its value (`rule:<id>` at the cutoff) is not 0. Its **lift** is
the conversion rate of the contacts it fired for divided by the population's rate: 2 means they
converted twice as often as the average contact.

The suggestion compares the lift with the sign of the rule's points, with fixed thresholds
(:data:`THRESHOLDS`, printed in every report and in docs/review.md). No suggestion is made on too
little data: a rule that fired for fewer than `min_fired` contacts, or among whose contacts fewer
than `min_expected_converters` converters are expected at the population's rate, is "too few to
judge". The lift of a few dozen contacts is noisy; read a suggestion as a question to look into,
not an instruction.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from leadscore.data.normalize import Executor
from leadscore.model.program import Program
from leadscore.model.rules import FitRule
from leadscore.review.labels import POPULATION
from leadscore.review.report import RuleStat, Thresholds

THRESHOLDS = Thresholds(
    min_fired=30,
    min_expected_converters=5.0,
    raise_at=2.0,
    keep_at=1.2,
    lower_at=1.0,
    remove_at=0.8,
    negative_keep_below=0.8,
    negative_remove_below=1.2,
)

TOO_FEW = "too few to judge"


def rules_of(program: Program) -> Iterator[tuple[str, str, str, str, float]]:
    """(rule id, dimension, category, kind, points) in model order."""
    for dname, dim in program.dimensions.items():
        for cname, cat in dim.categories.items():
            for r in cat.rules:
                yield r.id, dname, cname, "fit" if isinstance(r, FitRule) else "behaviour", float(r.points)


def _exact(x: float) -> Fraction:
    """A threshold as the decimal it is written as (0.8 is 4/5, not the double nearest it)."""
    return Fraction(str(x))


def suggest(
    points: float, fired: int, lift: Fraction | None, rate: Fraction | None, t: Thresholds = THRESHOLDS
) -> tuple[str, str]:
    """(suggestion, why) for one rule. `lift` and `rate` are exact ratios of counts, so that a
    lift of exactly 0.8 (8 of 50 against 20 of 100) meets the 0.8 threshold: as doubles it was
    0.7999999999999999, and the report printed "0.80×" beside the suggestion for below 0.8."""
    if fired < t.min_fired:
        return TOO_FEW, f"fired for {fired} contacts (fewer than {t.min_fired})"
    expected = fired * (rate or Fraction(0))
    if lift is None or expected < _exact(t.min_expected_converters):
        return TOO_FEW, (
            f"about {float(expected):.1f} converters expected among its {fired} contacts "
            f"(fewer than {t.min_expected_converters:g})"
        )
    x = f"its contacts converted at {float(lift):.2f}× the average"
    if points >= 0:
        if lift >= _exact(t.raise_at):
            return "raise", f"{x}: a strong buying signal worth more points"
        if lift >= _exact(t.keep_at):
            return "keep", f"{x}: a real signal"
        if lift >= _exact(t.lower_at):
            return "lower", f"{x}: barely better than average"
        if lift >= _exact(t.remove_at):
            return "remove", f"{x}: no better than average"
        return "make negative", f"{x}: they convert less than others"
    if lift < _exact(t.negative_keep_below):
        return "keep", f"{x}: a real warning sign"
    if lift < _exact(t.negative_remove_below):
        return "remove", f"{x}: the penalty hits contacts that convert like any other"
    return "make positive", f"{x}: the penalty hits contacts that convert more than others"


def rule_stats(ex: Executor, program: Program, columns: set[str]) -> list[RuleStat]:
    """Every rule of the program, from one SQL pass over the evaluated contacts."""
    rules = [r for r in rules_of(program) if f"rule:{r[0]}" in columns]
    if not rules:
        return []
    parts = []
    for rule_id, *_ in rules:
        fired = f'coalesce("rule:{rule_id}", 0) <> 0'
        parts.append(f"count(*) FILTER (WHERE {fired}), coalesce(sum(y) FILTER (WHERE {fired}), 0)")
    row = ex.rows(f"SELECT count(*), coalesce(sum(y), 0), {', '.join(parts)} FROM {POPULATION}")[0]
    total, converters = int(row[0]), int(row[1])
    out = []
    for i, (rule_id, dim, cat, kind, points) in enumerate(rules):
        n_fired, conv = int(row[2 + 2 * i]), int(row[3 + 2 * i])
        rest, rest_conv = total - n_fired, converters - conv
        rate_fired = conv / n_fired if n_fired else None
        exact_rate = Fraction(converters, total) if total else None
        lift = Fraction(conv * total, n_fired * converters) if n_fired and converters else None
        suggestion, why = suggest(points, n_fired, lift, exact_rate)
        out.append(
            RuleStat(
                rule=rule_id,
                dimension=dim,
                category=cat,
                kind=kind,
                points=points,
                fired=n_fired,
                fired_share=n_fired / total if total else None,
                rate_fired=rate_fired,
                rate_not_fired=rest_conv / rest if rest else None,
                lift=float(lift) if lift is not None else None,
                suggestion=suggestion,
                why=why,
            )
        )
    return out
