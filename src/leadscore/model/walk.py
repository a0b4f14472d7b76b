"""Walk a validated model with the YAML path of every part, for checks and lint."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from leadscore.model.conditions import AllOf, AnyOf, Condition, Leaf, NotOf
from leadscore.model.schema import BehaviourRule, Category, Dimension, FitRule, Model, Program
from leadscore.model.yaml_source import Path


@dataclass(frozen=True)
class RuleSite:
    program: Program
    dimension_name: str
    dimension: Dimension
    category_name: str
    category: Category
    rule: FitRule | BehaviourRule
    path: Path


def program_paths(model: Model) -> Iterator[tuple[Program, Path]]:
    for i, p in enumerate(model.programs):
        yield p, ("programs", i)


def rule_sites(model: Model) -> Iterator[RuleSite]:
    for program, ppath in program_paths(model):
        yield from program_rule_sites(program, ppath)


def program_rule_sites(program: Program, ppath: Path = ()) -> Iterator[RuleSite]:
    for dname, dim in program.dimensions.items():
        for cname, cat in dim.categories.items():
            for j, rule in enumerate(cat.rules):
                path = (*ppath, "dimensions", dname, "categories", cname, "rules", j)
                yield RuleSite(program, dname, dim, cname, cat, rule, path)


def leaves(cond: Condition | None, path: Path) -> Iterator[tuple[Leaf, Path]]:
    if cond is None:
        return
    if isinstance(cond, Leaf):
        yield cond, path
    elif isinstance(cond, AllOf):
        for i, c in enumerate(cond.all):
            yield from leaves(c, (*path, "all", i))
    elif isinstance(cond, AnyOf):
        for i, c in enumerate(cond.any):
            yield from leaves(c, (*path, "any", i))
    elif isinstance(cond, NotOf):
        yield from leaves(cond.not_, (*path, "not"))


def operator_key(leaf: Leaf) -> str:
    return leaf.operator
