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


def suggest(
    points: float, fired: int, lift: float | None, rate: float | None, t: Thresholds = THRESHOLDS
) -> tuple[str, str]:
    """(suggestion, why) for one rule."""
    if fired < t.min_fired:
        return TOO_FEW, f"fired for {fired} contacts (fewer than {t.min_fired})"
    expected = fired * (rate or 0.0)
    if lift is None or expected < t.min_expected_converters:
        return TOO_FEW, (
            f"about {expected:.1f} converters expected among its {fired} contacts "
            f"(fewer than {t.min_expected_converters:g})"
        )
    x = f"its contacts converted at {lift:.2f}× the average"
    if points >= 0:
        if lift >= t.raise_at:
            return "raise", f"{x}: a strong buying signal worth more points"
        if lift >= t.keep_at:
            return "keep", f"{x}: a real signal"
        if lift >= t.lower_at:
            return "lower", f"{x}: barely better than average"
        if lift >= t.remove_at:
            return "remove", f"{x}: no better than average"
        return "make negative", f"{x}: they convert less than others"
    if lift < t.negative_keep_below:
        return "keep", f"{x}: a real warning sign"
    if lift < t.negative_remove_below:
        return "remove", f"{x}: the penalty hits contacts that convert like any other"
    return "make positive", f"{x}: the penalty hits contacts that convert more than others"


def rule_stats(ex: Executor, program: Program, rate: float | None, columns: set[str]) -> list[RuleStat]:
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
        lift = rate_fired / rate if rate_fired is not None and rate else None
        suggestion, why = suggest(points, n_fired, lift, rate)
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
                lift=lift,
                suggestion=suggestion,
                why=why,
            )
        )
    return out
