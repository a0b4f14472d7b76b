"""Typed nodes of the compiled form. Immutable and hashable, so equal parts are shared."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Scalar = str | int | float | bool
Kind = Literal["string", "integer", "number", "boolean", "text"]
Source = Literal["contact", "event"]


@dataclass(frozen=True)
class FieldRef:
    source: Source
    name: str
    kind: Kind


# --- predicates (never null: each leaf states its value for a missing field) ---------------------


class Pred:
    """A boolean condition over one contact row or one event row."""


@dataclass(frozen=True)
class Const(Pred):
    value: bool


@dataclass(frozen=True)
class Compare(Pred):
    field: FieldRef
    op: Literal["eq", "ne", "lt", "lte", "gt", "gte"]
    value: Scalar
    case_sensitive: bool


@dataclass(frozen=True)
class InSet(Pred):
    field: FieldRef
    values: tuple[Scalar, ...]
    negate: bool
    case_sensitive: bool


@dataclass(frozen=True)
class Between(Pred):
    field: FieldRef
    low: Scalar
    high: Scalar
    case_sensitive: bool


@dataclass(frozen=True)
class Exists(Pred):
    field: FieldRef
    present: bool


@dataclass(frozen=True)
class TextMatch(Pred):
    field: FieldRef
    kind: Literal["contains", "starts_with", "ends_with", "glob", "regex"]
    pattern: str
    case_sensitive: bool


@dataclass(frozen=True)
class And(Pred):
    items: tuple[Pred, ...]


@dataclass(frozen=True)
class Or(Pred):
    items: tuple[Pred, ...]


@dataclass(frozen=True)
class Not(Pred):
    item: Pred


# --- behaviour rules --------------------------------------------------------------------------


@dataclass(frozen=True)
class EventFilter:
    """Step (a) of a behaviour rule: types, `where`, bots and `within` (with `timestamp ≤ T`)."""

    types: tuple[str, ...]
    where: Pred
    include_bots: bool
    within_us: int | None


class Aggregation(StrEnum):
    """How a behaviour rule's kept events become its value; chosen at compile time."""

    COUNT = "count"  # no decay, no once_per: points × min(count, limit)
    WINDOWS = "windows"  # once_per without decay: points × min(distinct windows, limit)
    LATEST = "latest"  # decay with limit 1: points × w(most recent)
    DECAYED_SUM = "decayed_sum"  # decay, no limit, no once_per: Σ points × w
    WINDOW_DECAYED_SUM = "window_decayed_sum"  # decay with once_per, no limit
    TOP_N = "top_n"  # decay with limit > 1 (and maybe once_per): rank, keep n, Σ points × w


# rules that rank their events: a list per contact where the engine has list aggregates, a
# subquery of their own elsewhere
RANKED = frozenset({Aggregation.WINDOW_DECAYED_SUM, Aggregation.TOP_N})


@dataclass(frozen=True)
class EventAggregate:
    """The engine-level work of one behaviour rule, shared by rules that compute the same thing."""

    filter: EventFilter
    aggregation: Aggregation
    points: float
    half_life_us: int | None
    once_per_us: int | None
    limit: int | None


@dataclass(frozen=True)
class BehaviourPlan:
    rule_id: str
    aggregate: EventAggregate
    min: float | None
    max: float | None


@dataclass(frozen=True)
class FitPlan:
    rule_id: str
    when: Pred
    points: float


RulePlan = BehaviourPlan | FitPlan


@dataclass(frozen=True)
class CategoryPlan:
    name: str
    rules: tuple[RulePlan, ...]
    min: float | None
    max: float | None


@dataclass(frozen=True)
class DecayPlan:
    after_us: int
    every_us: int
    kind: Literal["percent", "points"]
    factor: float  # 1 - P/100 for percent decay
    step_points: float  # k for points decay
    floor: float
    activity: tuple[EventFilter, ...]  # step (a) of every positive-points behaviour rule


@dataclass(frozen=True)
class BandPlan:
    name: str
    min: float


@dataclass(frozen=True)
class DimensionPlan:
    name: str
    categories: tuple[CategoryPlan, ...]
    min: float | None
    max: float | None
    decay: DecayPlan | None
    weight: float
    bands: tuple[BandPlan, ...]


@dataclass(frozen=True)
class SegmentPlan:
    field: FieldRef
    ranges: tuple[tuple[float | None, float | None, int], ...] | None
    values: tuple[tuple[str, int], ...] | None


@dataclass(frozen=True)
class MqlPlan:
    min: float
    require_gates: bool


@dataclass(frozen=True)
class ProgramPlan:
    id: str
    applies_to: Pred
    gates: tuple[tuple[str, Pred], ...]
    dimensions: tuple[DimensionPlan, ...]
    bands: tuple[BandPlan, ...]
    matrix: tuple[str, str] | None
    mql: MqlPlan | None
    encoded: bool
    segment: SegmentPlan | None


@dataclass(frozen=True)
class CompiledModel:
    model: str
    version: str
    programs: tuple[ProgramPlan, ...]
    aggregates: tuple[EventAggregate, ...]  # distinct, in first-use order
    contact_fields: tuple[FieldRef, ...]  # referenced contact columns
    event_properties: tuple[str, ...]  # referenced event properties (is_bot included)
    event_types: tuple[str, ...]  # every type any rule reads
