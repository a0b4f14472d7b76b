"""What the reference evaluator found, step by step: the basis of `leadscore explain`."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from leadscore.records import Event


class EventStatus(StrEnum):
    COUNTED = "counted"
    ONCE_PER = "dropped: once_per window already counted a later event"
    LIMIT = "dropped: beyond the limit of most recent events"


@dataclass
class EventTrace:
    event: Event
    age_days: float
    weight: float  # w(a): 1 without decay
    points: float  # points × w(a); 0 for dropped events
    status: EventStatus


@dataclass
class RuleResult:
    rule_id: str
    kind: str  # "fit" or "behaviour"
    points: float  # the rule's points per match / per event
    raw: float  # before the rule's clamp
    value: float  # after the clamp
    matched: bool = False  # fit rules: the condition held
    events: list[EventTrace] = field(default_factory=list)

    @property
    def clamped(self) -> bool:
        return self.raw != self.value

    @property
    def counted(self) -> list[EventTrace]:
        return [e for e in self.events if e.status is EventStatus.COUNTED]


@dataclass
class CategoryResult:
    name: str
    raw: float
    value: float
    rules: list[RuleResult]

    @property
    def clamped(self) -> bool:
        return self.raw != self.value


@dataclass
class DimensionResult:
    name: str
    sum: float  # of the categories, before the dimension clamp
    raw: float  # after the dimension clamp, before decay
    value: float  # after decay
    weight: float
    categories: list[CategoryResult]
    last_activity: int | None = None  # L: UTC micros
    idle_days: float | None = None
    decay_steps: int = 0
    floor: float | None = None

    @property
    def clamped(self) -> bool:
        return self.sum != self.raw

    @property
    def decayed(self) -> bool:
        return self.value != self.raw


@dataclass
class ProgramResult:
    contact_id: str
    program: str
    dimensions: list[DimensionResult]
    gates: list[tuple[str, bool]]
    total: float  # weighted sum of dimension values
    points: int  # official: total rounded half away from zero
    threshold_value: int  # what bands and MQL compare (encoded: gates*100 + clamp(points))
    score: int  # displayed
    segment_digit: int | None
    band: str | None
    dimension_bands: dict[str, str | None]
    matrix: str | None
    mql_eligible: bool
    as_of: int

    @property
    def gates_met(self) -> int:
        return sum(1 for _, ok in self.gates if ok)

    @property
    def qualified(self) -> bool:
        return all(ok for _, ok in self.gates)

    def rule_values(self) -> dict[str, float]:
        return {r.rule_id: r.value for d in self.dimensions for c in d.categories for r in c.rules}
