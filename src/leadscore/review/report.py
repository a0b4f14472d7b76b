"""The evaluation report: typed, JSON-ready, and the single input of the text and HTML renderings.

Every number in it is computed from the scores at the cutoff and the labels from the horizon
(see :mod:`leadscore.review.labels`). Instants are ISO 8601 text; rates are fractions (0.25 is
25 %); `None` means "not defined" (an AUC without converters, a rate of an empty group).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from leadscore.diagnostics import Diagnostic


@dataclass(frozen=True)
class Population:
    """Who is evaluated: contacts scored by the program at the cutoff, minus those left out."""

    scored: int  # contacts the program scored at the cutoff
    created_after_cutoff: int  # left out: not yet known at the cutoff (their created_at is later)
    already_converted: int  # left out: reached a positive outcome at or before the cutoff
    evaluated: int
    converters: int  # reached a positive outcome in (cutoff, cutoff + horizon], or a label-only one
    label_only_converters: int  # converters whose positive outcome has no timestamp

    @property
    def non_converters(self) -> int:
        return self.evaluated - self.converters

    @property
    def rate(self) -> float | None:
        return self.converters / self.evaluated if self.evaluated else None


@dataclass(frozen=True)
class Averages:
    converters_points: float | None
    non_converters_points: float | None
    converters_score: float | None = None  # the displayed (encoded) score, for encoded programs
    non_converters_score: float | None = None


@dataclass(frozen=True)
class Group:
    """Contacts sharing a label (a band, a matrix cell) and how many of them converted."""

    label: str
    contacts: int
    converters: int
    rate: float | None
    lift: float | None  # rate / the population's rate


@dataclass(frozen=True)
class Banding:
    """Conversion per band of one banding: the total's bands or a dimension's."""

    name: str  # "band" or "<dimension>_band"
    title: str
    groups: list[Group]


@dataclass(frozen=True)
class Decile:
    """A tenth of the population by score, best first. Contacts sharing a score across a boundary
    are split in proportion (as if ordered at random), so counts can be fractional."""

    decile: int
    min_points: int
    max_points: int
    contacts: float
    converters: float
    rate: float | None
    lift: float | None
    cumulative_gain: float | None  # share of all converters in deciles 1..this one


@dataclass(frozen=True)
class TopShare:
    """The best-scored `share` of the population: how many converters it holds."""

    share: float  # 0.1 for the top 10 %
    contacts: float
    converters: float
    gain: float | None  # share of all converters found there
    lift: float | None  # gain / share: how many times better than picking at random
    min_points: int | None  # the lowest score inside it


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Bin:
    """A range of points [lo, hi] and the share of converters and of non-converters in it."""

    lo: int
    hi: int
    converters: int
    non_converters: int
    converters_share: float | None
    non_converters_share: float | None


@dataclass(frozen=True)
class FunnelStep:
    """How many contacts reached a stage (or a later one) in the horizon."""

    stage: str
    mql: int  # among the MQL-eligible contacts at the cutoff
    mql_from_previous: float | None  # this step / the previous step (MQLs)
    mql_from_start: float | None  # this step / the MQLs
    other: int  # among the contacts that were not MQL-eligible


@dataclass(frozen=True)
class Reason:
    verdict: str
    reason: str
    contacts: int


@dataclass(frozen=True)
class Acceptance:
    """Sales' verdicts (the latest per contact in the horizon) on the MQLs at the cutoff."""

    given: bool  # a feedback file was given
    mqls: int
    accepted: int
    rejected: int
    without_feedback: int
    rate: float | None  # accepted / (accepted + rejected)
    other_accepted: int  # verdicts on contacts that were not MQLs at the cutoff
    other_rejected: int
    reasons: list[Reason] = field(default_factory=list)  # MQLs' reasons, most frequent first


@dataclass(frozen=True)
class RuleStat:
    rule: str
    dimension: str
    category: str
    kind: str  # fit, behaviour
    points: float
    fired: int  # contacts whose rule value is not 0 at the cutoff
    fired_share: float | None
    rate_fired: float | None
    rate_not_fired: float | None
    lift: float | None  # rate_fired / the population's rate
    suggestion: str  # raise, keep, lower, remove, make negative, make positive, too few to judge
    why: str


@dataclass(frozen=True)
class JourneyEvent:
    timestamp: str
    type: str
    properties: dict[str, str]


@dataclass(frozen=True)
class JourneyOutcome:
    timestamp: str | None
    outcome: str
    value: float | None
    reason: str | None
    when: str  # before the cutoff, in the horizon, after the horizon, no timestamp


@dataclass(frozen=True)
class Journey:
    contact_id: str
    points: int
    score: int
    band: str | None
    matrix: str | None
    mql_eligible: bool
    converted: bool
    top_rules: list[tuple[str, float]]  # the rules that moved the score most at the cutoff
    events_total: int  # events up to the cutoff
    events: list[JourneyEvent]  # the most recent of them, newest first
    outcomes: list[JourneyOutcome]


@dataclass(frozen=True)
class ProgramEvaluation:
    program: str
    encoded: bool
    mql_threshold: float | None
    population: Population
    averages: Averages
    auc: float | None
    top: list[TopShare]
    deciles: list[Decile]
    bandings: list[Banding]
    matrix: list[Group]
    histogram: list[Bin]
    roc: list[Point]  # (false positive rate, true positive rate), from the best score down
    gains: list[Point]  # (share of contacts, share of converters), from the best score down
    funnel: list[FunnelStep]
    acceptance: Acceptance
    rules: list[RuleStat]
    low_scored_converters: list[Journey]
    high_scored_non_converters: list[Journey]

    def top_share(self, share: float) -> TopShare | None:
        """The figures of the best-scored `share` (0.1 for the top 10 %), if it was computed."""
        return next((t for t in self.top if abs(t.share - share) < 1e-9), None)


@dataclass(frozen=True)
class Thresholds:
    """The fixed numbers behind the per-rule suggestions (documented in docs/review.md)."""

    min_fired: int  # fewer firings: too few to judge
    min_expected_converters: float  # fewer converters expected among the firings: too few to judge
    raise_at: float  # positive rules: lift at or above this → raise
    keep_at: float  # … at or above this → keep
    lower_at: float  # … at or above this → lower
    remove_at: float  # … at or above this → remove; below it → make negative
    negative_keep_below: float  # negative rules: lift below this → keep
    negative_remove_below: float  # … below this → remove; at or above it → make positive


@dataclass(frozen=True)
class OutcomeCounts:
    """Outcomes read, by where they fall in time relative to the window."""

    rows: int
    before_cutoff: int
    in_horizon: int
    after_horizon: int
    without_timestamp: int
    by_outcome: dict[str, int]


@dataclass
class EvaluationReport:
    model: str
    model_version: str
    cutoff: str
    horizon: str
    horizon_end: str
    positive: list[str]
    outcomes: OutcomeCounts
    programs: list[ProgramEvaluation]
    thresholds: Thresholds
    inputs: dict[str, Any]  # the load report (files, bad rows, duplicates)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    diagnostics: list[Diagnostic] = field(default_factory=list)  # about the input files

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["diagnostics"] = [d.to_json() for d in self.diagnostics]
        for prog, p in zip(data["programs"], self.programs, strict=True):
            pop = p.population
            prog["population"].update(non_converters=pop.non_converters, rate=pop.rate)
        return {"ok": True, **data}
