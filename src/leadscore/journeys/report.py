"""The journeys report: typed, JSON-ready, the single input of the text and HTML renderings.

Instants are ISO 8601 text in UTC. Points are the program's official points (`points`); a
`change` is the points right after an instant minus the points just before it (1 µs earlier),
so decay between events never shows as a change, and events at the same instant share one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from leadscore.diagnostics import Diagnostic

GROUPS = {
    "recent": "recent leads",
    "won": "won deals",
    "lost": "lost deals",
    "chosen": "chosen contacts",
}


@dataclass(frozen=True)
class CurvePoint:
    """The score at one evaluation moment (a daily tick, an event's arrival, an outcome)."""

    at: str
    points: int
    dimensions: dict[str, float]  # <dimension> → its points
    band: str | None
    mql_eligible: bool


@dataclass(frozen=True)
class TimelineEvent:
    timestamp: str
    type: str
    properties: dict[str, str]  # the properties the model reads, when present
    rules: list[str]  # the program's behaviour rules the event passes at its arrival (type, where, bots)
    change: (
        int | None
    )  # points after − points just before its instant; None on the later events of an instant
    points_after: int


@dataclass(frozen=True)
class OutcomeMark:
    timestamp: str | None
    outcome: str
    value: float | None
    reason: str | None


@dataclass(frozen=True)
class Cold:
    """For a lost deal: what the lead did last before the deal was lost."""

    lost_at: str
    reason: str | None
    last_actions: list[TimelineEvent]  # the last events at or before the loss, newest first
    quiet_days: float | None  # days from the last event to the loss; None without events
    points_at_loss: int
    peak_points: int  # the highest points up to the loss
    peak_at: str

    @property
    def quiet(self) -> str:
        """How long the lead had been quiet when the deal was lost, in words."""
        if self.quiet_days is None:
            return "no events before it"
        return f"{self.quiet_days:.1f} days after its last event"


@dataclass(frozen=True)
class ContactJourney:
    contact_id: str
    group: str
    created_at: str | None
    first_event: str | None
    events_total: int  # events up to the as-of
    events: list[TimelineEvent]  # the most recent ones (up to the report's limit), newest first
    outcomes: list[OutcomeMark]  # up to the as-of, oldest first
    curve: list[CurvePoint]  # oldest first
    points: int  # at the as-of
    band: str | None
    matrix: str | None
    mql_eligible: bool
    peak_points: int
    peak_at: str
    mql_since: str | None  # the first moment the contact was MQL-eligible, if ever
    top_rules: list[tuple[str, float]]  # the rules that hold most points at the as-of
    activity: list[tuple[str, int]]  # every instant with events, oldest first, and the points it added
    cold: Cold | None = None


@dataclass(frozen=True)
class JourneyGroup:
    key: str  # recent, won, lost, chosen
    title: str
    candidates: int  # contacts that qualify for the group (the sample is drawn from them)
    journeys: list[ContactJourney]
    rule: str  # how the group is defined, in words


@dataclass
class JourneysReport:
    model: str
    model_version: str
    program: str
    as_of: str
    period: str
    period_start: str
    sample: int
    seed: int
    events_shown: int
    mql_threshold: float | None
    dimensions: list[str]
    groups: list[JourneyGroup]
    inputs: dict[str, Any]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["diagnostics"] = [d.to_json() for d in self.diagnostics]
        return {"ok": True, **data}
