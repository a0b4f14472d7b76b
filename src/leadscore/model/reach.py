"""Bounds of the values a model can give (SPEC §3 items 3–8), for lint and range checks.

:func:`rule_reach` and its siblings compute a :class:`Reach`: bounds `[lo, hi]` that every
value lies within, by interval arithmetic over the scoring semantics. A rule's raw value is
clamped to its `[min, max]`, a category sums its rules and clamps, a dimension sums its
categories and clamps, decay only lowers a positive value (never below its floor), and the
program total weighs the dimensions. `hi` is `inf` when repeatable events can add up without
limit. The bounds are safe (every real value is inside them), so a lint rule that says a
threshold "can never be reached" is never wrong; they may be loose (a `within` window with
`once_per` does bound the number of events, and decay without `after` lowers even the freshest
value, W412; both are ignored here). :func:`range_errors` uses them for E204.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from leadscore.diagnostics import Diagnostic, Severity
from leadscore.model.derived import floor_points
from leadscore.model.schema import BehaviourRule, Category, Dimension, FitRule, Model, Program
from leadscore.model.walk import program_paths
from leadscore.model.yaml_source import SourceMap
from leadscore.rounding import official_value

INF = math.inf


@dataclass(frozen=True)
class Reach:
    """Bounds `lo ≤ value ≤ hi` of a rule, category, dimension or program total."""

    lo: float
    hi: float

    def __add__(self, other: Reach) -> Reach:
        return Reach(self.lo + other.lo, self.hi + other.hi)

    def clamp(self, lo: float | None, hi: float | None) -> Reach:
        """Clamping is monotone, so the bounds of a clamped value are the clamped bounds."""
        low, high = (-INF if lo is None else lo), (INF if hi is None else hi)
        return Reach(min(max(self.lo, low), high), min(max(self.hi, low), high))

    def scale(self, weight: float) -> Reach:
        if weight == 0:
            return Reach(0.0, 0.0)
        a, b = self.lo * weight, self.hi * weight
        return Reach(min(a, b), max(a, b))


def rule_reach(rule: FitRule | BehaviourRule) -> Reach:
    p = rule.points
    if isinstance(rule, FitRule):
        return Reach(min(0.0, p), max(0.0, p))
    count = INF if rule.limit is None else float(rule.limit)
    total = 0.0 if p == 0 else p * count  # half-life weights are at most 1
    return Reach(min(0.0, total), max(0.0, total)).clamp(rule.min, rule.max)


def category_reach(category: Category) -> Reach:
    return sum((rule_reach(r) for r in category.rules), Reach(0.0, 0.0)).clamp(category.min, category.max)


def raw_dimension_reach(dimension: Dimension) -> Reach:
    """The dimension's value before decay: its categories' sum, clamped."""
    raw = sum((category_reach(c) for c in dimension.categories.values()), Reach(0.0, 0.0))
    return raw.clamp(dimension.min, dimension.max)


def dimension_reach(dimension: Dimension, mql: float | None) -> Reach:
    reach = raw_dimension_reach(dimension)
    if dimension.decay is None or reach.hi <= 0:
        return reach
    # decay lowers a positive value, not below the floor
    return Reach(min(reach.lo, floor_points(dimension.decay, mql)), reach.hi)


def program_reach(program: Program) -> Reach:
    weights = program.weights or {}
    mql = program.mql_threshold
    parts = (dimension_reach(d, mql).scale(weights.get(n, 1.0)) for n, d in program.dimensions.items())
    return sum(parts, Reach(0.0, 0.0))


def threshold_max(program: Program) -> float:
    """The highest value program thresholds compare (SPEC §3 item 8 for encoded programs)."""
    top = official_value(program_reach(program).hi)
    if program.encoded is None:
        return top
    return len(program.gates) * 100 + min(99.0, max(0.0, top))


def bound_text(x: float) -> str:
    return "no limit" if math.isinf(x) else (f"{x:g}" if abs(x) < 1e15 else f"{x:.7g}")


# a total this far from zero no longer rounds reliably to whole points (doubles are exact
# integers to 9e15); each number in a model is at most 1e9, but sums and weights multiply
MAX_SCORE = 1e15


def range_errors(model: Model, source: SourceMap) -> Iterator[Diagnostic]:
    """E204 for a program whose score can reach beyond MAX_SCORE (an error, not advice)."""
    for program, ppath in program_paths(model):
        reach = program_reach(program)
        far = max(abs(reach.lo), abs(reach.hi))
        if math.isfinite(far) and far > MAX_SCORE:
            yield Diagnostic(
                "E204",
                f"program '{program.id}' can score {bound_text(reach.lo)} to {bound_text(reach.hi)}: a score must stay within 1e15 of zero",
                source.location((*ppath, "id")),
                "use smaller points or weights, or cap the dimensions with max",
                Severity.ERROR,
                (*ppath, "id"),
            )
