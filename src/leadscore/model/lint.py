"""Model lint (SPEC §4): warnings drawn from practitioners' advice on scoring models.

Each rule is a small class with a stable code (`W401` …), a kebab-case name, a one-line
description and a `check(model, source)` method yielding warnings located in the YAML.
:data:`LINT_RULES` lists one instance of each, in code order, for `validate` and the docs.
Lint runs only on a model that loaded without errors.

Several rules need the highest value a part of a model can reach: see :mod:`leadscore.model.reach`.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from typing import ClassVar

from leadscore.diagnostics import Diagnostic, Severity
from leadscore.model.derived import decay_floor
from leadscore.model.dimension import Decay, Dimension
from leadscore.model.reach import (
    INF,
    bound_text,
    category_reach,
    dimension_reach,
    raw_dimension_reach,
    rule_reach,
    threshold_max,
)
from leadscore.model.schema import BehaviourRule, FitRule, Model, Program
from leadscore.model.suggest import did_you_mean
from leadscore.model.walk import leaves, program_paths, program_rule_sites, rule_sites
from leadscore.model.yaml_source import Path, SourceMap
from leadscore.rounding import official_value


def _counting(ids: list[str]) -> str:
    names = ", ".join(f"'{i}'" for i in ids)
    return f"rule {names} counts" if len(ids) == 1 else f"rules {names} count"


class LintRule(ABC):
    """One piece of advice: a stable code, a kebab-case name and a one-line description."""

    code: ClassVar[str]
    name: ClassVar[str]
    description: ClassVar[str]

    @abstractmethod
    def check(self, model: Model, source: SourceMap) -> Iterable[Diagnostic]: ...

    def warn(
        self, source: SourceMap, path: Path, message: str, hint: str, prefer_key: bool = False
    ) -> Diagnostic:
        loc = source.location(path, prefer_key=prefer_key)
        return Diagnostic(self.code, message, loc, hint, Severity.WARNING, path)


class ProgramRule(LintRule):
    """A rule that looks at one program at a time."""

    def check(self, model: Model, source: SourceMap) -> Iterator[Diagnostic]:
        for program, ppath in program_paths(model):
            yield from self.check_program(program, ppath, source)

    @abstractmethod
    def check_program(self, program: Program, ppath: Path, source: SourceMap) -> Iterable[Diagnostic]: ...


class ShapeRule(ProgramRule):
    """Advice on the shape of a program (how many rules of a kind), pointed at its id."""

    hint: ClassVar[str]

    @abstractmethod
    def problem(self, program: Program) -> str | None:
        """The warning's message, or None when the program follows the advice."""

    def check_program(self, program: Program, ppath: Path, source: SourceMap) -> Iterator[Diagnostic]:
        if (message := self.problem(program)) is not None:
            yield self.warn(source, (*ppath, "id"), message, self.hint)


def _behaviour_points(program: Program) -> list[float]:
    return [s.rule.points for s in program_rule_sites(program) if isinstance(s.rule, BehaviourRule)]


class TooManyBehaviours(ShapeRule):
    code = "W401"
    name = "too-many-behaviours"
    description = "A program has far more positive behaviour rules than the 5–7 to start with."
    hint = "keep the behaviours that separate buyers from browsers; drop or merge the rest"
    LIMIT: ClassVar[int] = 12

    def problem(self, program: Program) -> str | None:
        n = sum(1 for p in _behaviour_points(program) if p > 0)
        if n <= self.LIMIT:
            return None
        return f"program '{program.id}' scores {n} positive behaviours; the advice is to start with 5–7"


class TooManyNegatives(ShapeRule):
    code = "W402"
    name = "too-many-negatives"
    description = "A program has far more negative behaviour rules than the 3–5 advised."
    hint = "keep the strongest signs of a poor lead (unsubscribe, careers pages); drop the rest"
    LIMIT: ClassVar[int] = 8

    def problem(self, program: Program) -> str | None:
        n = sum(1 for p in _behaviour_points(program) if p < 0)
        if n <= self.LIMIT:
            return None
        return f"program '{program.id}' has {n} negative behaviour rules; the advice is 3–5"


class NoNegativeRule(ShapeRule):
    code = "W403"
    name = "no-negative-rule"
    description = "A program has no rule with negative points, so no signal lowers a score."
    hint = "subtract points for signs of a poor lead, such as an unsubscribe or a careers page visit"

    def problem(self, program: Program) -> str | None:
        if any(s.rule.points < 0 for s in program_rule_sites(program)):
            return None
        return f"program '{program.id}' has no negative rule, so nothing lowers a score"


class TooSimple(ShapeRule):
    code = "W404"
    name = "too-simple"
    description = "A program has too few rules (4 or fewer) to separate good leads from the rest."
    hint = "add fit rules (industry, size, role) and behaviour rules (demo request, pricing visits)"
    MIN_RULES: ClassVar[int] = 5

    def problem(self, program: Program) -> str | None:
        n = sum(1 for _ in program_rule_sites(program))
        if n >= self.MIN_RULES:
            return None
        return f"program '{program.id}' has only {n} rule{'s' * (n != 1)}, too few to tell leads apart"


class UnbalancedBudgets(ProgramRule):
    """Compares the dimensions' weighted budgets (the most each adds to the total).

    A dimension's budget is the highest value it can reach (its `max`, or less when its
    categories cannot add up to it), times its weight, since the total is what the budgets
    share. Dimensions without a cap are skipped here (W411 reports them), as are those that
    cannot add anything to the total.
    """

    code = "W405"
    name = "unbalanced-budgets"
    description = "One dimension can add far more to the total than another."
    RATIO: ClassVar[float] = 3.0

    def check_program(self, program: Program, ppath: Path, source: SourceMap) -> Iterator[Diagnostic]:
        weights = program.weights or {}
        budgets = {
            name: dimension_reach(dim, program.mql_threshold).hi * weights.get(name, 1.0)
            for name, dim in program.dimensions.items()
        }
        budgets = {k: v for k, v in budgets.items() if 0 < v < INF}
        if len(budgets) < 2:
            return
        big = max(budgets, key=lambda k: budgets[k])
        small = min(budgets, key=lambda k: budgets[k])
        if budgets[big] > self.RATIO * budgets[small]:
            yield self.warn(
                source,
                (*ppath, "dimensions", big),
                f"dimension '{big}' can add {bound_text(budgets[big])} points to the total but '{small}' only "
                f"{bound_text(budgets[small])}; '{small}' will hardly matter",
                f"bring the budgets (max, or weights) within {self.RATIO:g}× of each other",
                prefer_key=True,
            )


class CategoryOverrun(ProgramRule):
    code = "W406"
    name = "category-overrun"
    description = "A category's rules can add up to many times its budget, so the cap hides them."
    RATIO: ClassVar[float] = 3.0

    def check_program(self, program: Program, ppath: Path, source: SourceMap) -> Iterator[Diagnostic]:
        for dname, dim in program.dimensions.items():
            for cname, cat in dim.categories.items():
                if cat.max is None or cat.max <= 0:
                    continue
                reaches = [(r, rule_reach(r).hi) for r in cat.rules]
                total = sum(max(0.0, hi) for _, hi in reaches)
                if total <= self.RATIO * cat.max:
                    continue
                open_ = [r.id for r, hi in reaches if math.isinf(hi)]
                why = (
                    f"can add up without limit ({_counting(open_)} every event), far beyond"
                    if open_
                    else f"can add up to {bound_text(total)}, more than {self.RATIO:g}×"
                )
                yield self.warn(
                    source,
                    (*ppath, "dimensions", dname, "categories", cname, "max"),
                    f"the rules of category '{cname}' {why} its budget of {bound_text(cat.max)}",
                    "cap repeatable rules with limit or max (a demo request counts once), "
                    "lower their points, or raise the budget",
                )


class UnreachableThreshold(ProgramRule):
    """Bands, the MQL threshold and trigger values above the highest value a lead can reach.

    Values are official (rounded) ones; on an encoded program, program thresholds compare
    `gates_met × 100 + clamp(points, 0, 99)`. Thresholds on a part without a cap are skipped.
    """

    code = "W407"
    name = "unreachable-threshold"
    description = "A band, the MQL threshold or a trigger value is above the highest reachable score."

    def check(self, model: Model, source: SourceMap) -> Iterator[Diagnostic]:
        yield from super().check(model, source)
        by_id = {p.id: p for p in model.programs}
        for i, trig in enumerate(model.triggers):
            on, value = trig.on, trig.on.score_crosses_above
            if value is None:
                continue
            program = by_id[on.program] if on.program else model.programs[0]
            if on.dimension is not None:
                top = official_value(
                    dimension_reach(program.dimensions[on.dimension], program.mql_threshold).hi
                )
                what = f"dimension '{on.dimension}'"
            else:
                top, what = threshold_max(program), f"program '{program.id}'"
            path = ("triggers", i, "on", "score_crosses_above")
            yield from self._compare(source, path, value, top, f"trigger '{trig.id}'", what)

    def check_program(self, program: Program, ppath: Path, source: SourceMap) -> Iterator[Diagnostic]:
        top = threshold_max(program)
        what = f"program '{program.id}'"
        for k, band in enumerate(program.bands or []):
            path = (*ppath, "bands", k, "min")
            yield from self._compare(source, path, band.min, top, f"band '{band.name}'", what)
        if program.mql_threshold is not None:
            path = (*ppath, "stages", "mql", "min")
            yield from self._compare(source, path, program.mql_threshold, top, "the MQL threshold", what)
        for dname, dim in program.dimensions.items():
            dtop = official_value(dimension_reach(dim, program.mql_threshold).hi)
            for k, band in enumerate(dim.bands or []):
                path = (*ppath, "dimensions", dname, "bands", k, "min")
                yield from self._compare(
                    source, path, band.min, dtop, f"band '{band.name}'", f"dimension '{dname}'"
                )

    def _compare(
        self, source: SourceMap, path: Path, value: float, top: float, thing: str, what: str
    ) -> Iterator[Diagnostic]:
        if value > top:
            yield self.warn(
                source,
                path,
                f"{thing} at {bound_text(value)} can never be reached: the highest score of {what} is {bound_text(top)}",
                "lower the threshold, or raise the budgets (max) or points that feed it",
            )


class UndeclaredField(LintRule):
    code = "W408"
    name = "undeclared-field"
    description = "A rule, gate, applies_to or segment reads a contact field not declared under fields."

    def check(self, model: Model, source: SourceMap) -> Iterator[Diagnostic]:
        declared = [*model.fields, "contact_id"]
        uses: dict[str, list[Path]] = {}
        for field, path in self._uses(model):
            if field not in declared:
                uses.setdefault(field, []).append(path)
        for field, paths in uses.items():
            guess = did_you_mean(field, declared)
            more = f" (and {len(paths) - 1} more place{'s' * (len(paths) > 2)})" if len(paths) > 1 else ""
            message = f"contact field '{field}' is not declared under fields, so it is read as text{more}"
            hint = f"declare it under fields (for example {field}: string) to give it a type"
            if guess:
                hint = f"did you mean '{guess}'? If not, {hint}"
            yield self.warn(source, paths[0], message, hint)

    def _uses(self, model: Model) -> Iterator[tuple[str, Path]]:
        for program, ppath in program_paths(model):
            conditions = [(program.applies_to, (*ppath, "applies_to"))]
            conditions += [(g.when, (*ppath, "gates", i, "when")) for i, g in enumerate(program.gates)]
            conditions += [
                (s.rule.when, (*s.path, "when"))
                for s in program_rule_sites(program, ppath)
                if isinstance(s.rule, FitRule)
            ]
            for cond, cpath in conditions:
                for leaf, lpath in leaves(cond, cpath):
                    yield leaf.field, (*lpath, "field")
            if program.encoded is not None and program.encoded.segment is not None:
                yield program.encoded.segment.field, (*ppath, "format", "encoded", "segment", "field")


class ZeroPoints(LintRule):
    code = "W409"
    name = "zero-points"
    description = "A rule gives 0 points, so it never changes a score."

    def check(self, model: Model, source: SourceMap) -> Iterator[Diagnostic]:
        for site in rule_sites(model):
            if site.rule.points == 0:
                yield self.warn(
                    source,
                    (*site.path, "points"),
                    f"rule '{site.rule.id}' gives 0 points, so it never changes a score",
                    "give it points, or remove it (a gate or applies_to filters contacts instead)",
                )


class NegativeCritical(LintRule):
    """`critical: true` marks a conversion behaviour; a rule that subtracts points is not one.

    Zero points are W409's business, so this rule looks only at negative points.
    """

    code = "W410"
    name = "negative-critical"
    description = "A rule marked critical subtracts points."

    def check(self, model: Model, source: SourceMap) -> Iterator[Diagnostic]:
        for site in rule_sites(model):
            rule = site.rule
            if isinstance(rule, BehaviourRule) and rule.critical and rule.points < 0:
                yield self.warn(
                    source,
                    (*site.path, "critical"),
                    f"rule '{rule.id}' is marked critical but subtracts {bound_text(-rule.points)} points",
                    "critical marks conversion behaviours such as a demo request; drop critical: true here",
                )


class UncappedDimension(ProgramRule):
    code = "W411"
    name = "uncapped-dimension"
    description = "A dimension can grow without limit, so volume alone reaches any band or threshold."

    def check_program(self, program: Program, ppath: Path, source: SourceMap) -> Iterator[Diagnostic]:
        for dname, dim in program.dimensions.items():
            if not math.isinf(dimension_reach(dim, program.mql_threshold).hi):
                continue
            open_ = [
                rule.id
                for cat in dim.categories.values()
                if math.isinf(category_reach(cat).hi)
                for rule in cat.rules
                if math.isinf(rule_reach(rule).hi)
            ]
            yield self.warn(
                source,
                (*ppath, "dimensions", dname),
                f"dimension '{dname}' has no cap: {_counting(open_)} every event, "
                "so enough repeats reach any threshold",
                f"give '{dname}' or its categories a max, or give repeatable rules a limit",
                prefer_key=True,
            )


def _decays(program: Program) -> Iterator[tuple[str, Dimension, Decay]]:
    """Each dimension of the program that decays, with its name and its decay."""
    for name, dim in program.dimensions.items():
        if dim.decay is not None:
            yield name, dim, dim.decay


class DecayWithoutGrace(ProgramRule):
    """Decay with no `after`: idle time is never under 0d, so the first step comes at once.

    SPEC §3 item 6: n = 1 + floor((idle − after) / every) once idle ≥ after, and `after`
    defaults to 0d, so even a contact active at the scoring instant is one step down. Often
    meant (then `after: 0d` says so and silences this), often not: practitioners give a grace
    period before interest counts as fading.
    """

    code = "W412"
    name = "decay-without-grace"
    description = "Decay has no `after`, so even a contact active today has lost one step."

    def check_program(self, program: Program, ppath: Path, source: SourceMap) -> Iterator[Diagnostic]:
        for dname, _, decay in _decays(program):
            if "after" in decay.model_fields_set:
                continue
            step = f"{decay.by}" if decay.by.kind == "percent" else f"{decay.by} points"
            yield self.warn(
                source,
                (*ppath, "dimensions", dname, "decay"),
                f"decay of '{dname}' has no after:, so its first step (-{step}) comes at once: "
                "a contact active today has already lost it",
                f"give a grace period before the first step, such as after: {decay.every.text}; "
                "write after: 0d to decay from the first day on purpose",
                prefer_key=True,
            )


class FloorAboveReach(ProgramRule):
    """W413: a decay whose floor is at or above the most its dimension can reach never lowers a
    score (SPEC §3 item 6: a value at or below the floor is kept). The usual cause is a floor
    given as a percentage of an encoded program's MQL threshold, which counts gates × 100.
    """

    code = "W413"
    name = "floor-above-reach"
    description = "A decay's floor is at or above the most its dimension can reach, so it never decays."

    def check_program(self, program: Program, ppath: Path, source: SourceMap) -> Iterator[Diagnostic]:
        for dname, dim, decay in _decays(program):
            if decay.floor is None:
                continue
            top, floor = raw_dimension_reach(dim).hi, decay_floor(program, decay)
            if not 0 < top <= floor:
                continue
            hint = "lower the floor below that, or drop the decay"
            if program.encoded is not None and decay.floor.kind == "percent_of_mql":
                hint = (
                    "this program is encoded: its MQL threshold counts gates met × 100 plus points, "
                    "so a share of it is no floor in points; give the floor in points (floor: 20)"
                )
            yield self.warn(
                source,
                (*ppath, "dimensions", dname, "decay", "floor"),
                f"the decay of '{dname}' never lowers it: its floor is {bound_text(floor)} points, "
                f"and the most '{dname}' can reach is {bound_text(top)}",
                hint,
            )


class WhereThatCannotHold(LintRule):
    """W414: a behaviour rule's `where` tests the events' properties (SPEC §3 item 4). Testing
    `is_bot` there without `include_bots: true` tests events that were already left out, and a
    name declared under `fields` is most likely meant as the contact's field, which `where`
    does not read."""

    code = "W414"
    name = "where-on-contact-field-or-bots"
    description = "A `where` tests is_bot without include_bots, or a name declared as a contact field."

    def check(self, model: Model, source: SourceMap) -> Iterator[Diagnostic]:
        for site in rule_sites(model):
            rule = site.rule
            if not isinstance(rule, BehaviourRule):
                continue
            for leaf, lpath in leaves(rule.where, (*site.path, "where")):
                at = (*lpath, "field")
                if leaf.field == "is_bot" and not rule.include_bots:
                    yield self.warn(
                        source, at,
                        f"rule '{rule.id}' tests is_bot in `where`, but bot events are left out before "
                        "`where` is tested (include_bots is false)",
                        "to count bots, add include_bots: true; else drop the is_bot test (bots are already left out)",
                    )  # fmt: skip
                elif leaf.field in model.fields:
                    yield self.warn(
                        source, at,
                        f"rule '{rule.id}' tests '{leaf.field}' in `where`, which reads the event's property "
                        f"'{leaf.field}', not the contact field declared under fields",
                        "to score contacts by that field, use a fit rule or a gate; if the events carry it too, ignore this",
                    )  # fmt: skip


LINT_RULES: tuple[LintRule, ...] = (
    TooManyBehaviours(),
    TooManyNegatives(),
    NoNegativeRule(),
    TooSimple(),
    UnbalancedBudgets(),
    CategoryOverrun(),
    UnreachableThreshold(),
    UndeclaredField(),
    ZeroPoints(),
    NegativeCritical(),
    UncappedDimension(),
    DecayWithoutGrace(),
    FloorAboveReach(),
    WhereThatCannotHold(),
)


def lint_model(model: Model, source: SourceMap) -> list[Diagnostic]:
    """Every lint warning for a model that loaded without errors."""
    return [d for rule in LINT_RULES for d in rule.check(model, source)]
