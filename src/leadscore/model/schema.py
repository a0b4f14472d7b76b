"""The model file format (SPEC §4) as strict pydantic models.

The same classes validate a model file, generate its JSON Schema (`leadscore schema`) and the
model reference in `docs/`. Cross-references (a matrix naming a dimension, a trigger naming a
program, operand types against `fields`) are checked in :mod:`leadscore.model.checks`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from leadscore.durations import Duration
from leadscore.model.base import (
    Id,
    Label,
    Name,
    NonNegativeDuration,
    Number,
    PositiveDuration,
    Strict,
    describe,
)
from leadscore.model.conditions import Condition

FieldType = Literal["string", "integer", "number", "boolean"]
RESERVED_EVENT_FIELDS = ("event_id", "contact_id", "timestamp")


class Review(Strict):
    """When the model is due for review against real outcomes."""

    first_after: PositiveDuration | None = Field(
        None, description="First review this long after the model went live."
    )
    every: PositiveDuration | None = Field(None, description="Then a review at this interval.")


class FitRule(Strict):
    """Points once when the contact's fields satisfy `when`."""

    id: Id = Field(description="Unique within the program; names the `rule:<id>` output column.")
    when: Condition = Field(description="The condition on contact fields.")
    points: Number = Field(description="Points when the condition holds (negative to subtract).")
    description: str | None = Field(None, description="Free text for people reading the model.")


def _event_types(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise PydanticCustomError("event", "name at least one event type")
    for item in items:
        if not isinstance(item, str) or not item:
            raise PydanticCustomError(
                "event",
                "an event type is a non-empty text such as page_view, got {got}",
                {"got": describe(item)},
            )
    return list(items)


EventTypes = Annotated[
    list[str],
    BeforeValidator(_event_types),
    WithJsonSchema(
        {
            "oneOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "string"}, "minItems": 1},
            ]
        }
    ),
]


class BehaviourRule(Strict):
    """Points for each of the contact's events that passes the rule (SPEC §3 item 4)."""

    id: Id = Field(description="Unique within the program; names the `rule:<id>` output column.")
    event: EventTypes = Field(description="The event type, or a list of them (matched exactly).")
    where: Condition | None = Field(None, description="A condition on the event's properties.")
    points: Number = Field(description="Points per counted event (negative to subtract).")
    within: PositiveDuration | None = Field(None, description="Only events younger than this count.")
    once_per: PositiveDuration | None = Field(
        None,
        description="At most one event (the most recent) per window of this length, aligned to the Unix epoch.",
    )
    limit: int | None = Field(None, ge=1, description="Only the n most recent events count.")
    half_life: PositiveDuration | None = Field(None, description="An event's points halve every half-life.")
    include_bots: bool = Field(False, description="Also count events marked is_bot: true.")
    min: Number | None = Field(None, description="Lower clamp of the rule's value.")
    max: Number | None = Field(None, description="Upper clamp (cap) of the rule's value.")
    critical: bool = Field(
        False,
        description="Marks a critical conversion behaviour (reports, lint); no effect on points.",
    )
    description: str | None = Field(None, description="Free text for people reading the model.")

    @model_validator(mode="after")
    def _bounds(self) -> BehaviourRule:
        _check_bounds(self.min, self.max)
        return self


def _rule_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        return "behaviour" if "event" in value else "fit"
    if isinstance(value, BehaviourRule):
        return "behaviour"
    if isinstance(value, FitRule):
        return "fit"
    return None


Rule = Annotated[
    Annotated[FitRule, Tag("fit")] | Annotated[BehaviourRule, Tag("behaviour")],
    Discriminator(
        _rule_kind,
        custom_error_type="rule",
        custom_error_message="expected a rule: {id, when, points} or {id, event, points}",
    ),
]


def _check_bounds(lo: float | None, hi: float | None) -> None:
    if lo is not None and hi is not None and lo > hi:
        raise PydanticCustomError("bounds", "min ({lo}) is greater than max ({hi})", {"lo": lo, "hi": hi})


class Category(Strict):
    """A group of rules with a budget (`max`) and optional floor (`min`)."""

    min: Number | None = Field(None, description="Lower clamp of the category's value.")
    max: Number | None = Field(None, description="The category's budget: upper clamp of its value.")
    rules: list[Rule] = Field(description="The rules; their values add up.")
    description: str | None = None

    @model_validator(mode="after")
    def _bounds(self) -> Category:
        _check_bounds(self.min, self.max)
        return self


_PERCENT = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*%$")
_PERCENT_OF_MQL = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*%\s+of\s+mql$")


class DecayBy(Strict):
    kind: Literal["percent", "points"]
    value: float

    def __str__(self) -> str:
        return f"{self.value:g}%" if self.kind == "percent" else f"{self.value:g}"


def _decay_by(value: Any) -> DecayBy:
    if isinstance(value, DecayBy):
        return value
    if isinstance(value, bool):
        raise PydanticCustomError("decay_by", "expected a percentage such as 10% or points such as 5")
    if isinstance(value, int | float):
        if value <= 0:
            raise PydanticCustomError(
                "decay_by", "decay by a positive number of points, got {got}", {"got": value}
            )
        return DecayBy(kind="points", value=float(value))
    if isinstance(value, str) and (m := _PERCENT.match(value.strip())):
        pct = float(m.group(1))
        if not 0 < pct <= 100:
            raise PydanticCustomError(
                "decay_by",
                "a decay percentage is above 0% and at most 100%, got {got}",
                {"got": value},
            )
        return DecayBy(kind="percent", value=pct)
    raise PydanticCustomError(
        "decay_by",
        "expected a percentage such as 10% or a number of points such as 5, got {got}",
        {"got": describe(value)},
    )


class Floor(Strict):
    kind: Literal["points", "percent_of_mql"]
    value: float

    def __str__(self) -> str:
        return f"{self.value:g}% of mql" if self.kind == "percent_of_mql" else f"{self.value:g}"


def _floor(value: Any) -> Floor:
    if isinstance(value, Floor):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Floor(kind="points", value=float(value))
    if isinstance(value, str) and (m := _PERCENT_OF_MQL.match(value.strip())):
        return Floor(kind="percent_of_mql", value=float(m.group(1)))
    raise PydanticCustomError(
        "floor",
        "expected points such as 20 or a share of the MQL threshold such as '50% of mql', got {got}",
        {"got": describe(value)},
    )


DecayAmount = Annotated[
    DecayBy,
    BeforeValidator(_decay_by),
    WithJsonSchema(
        {
            "oneOf": [
                {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?%$"},
                {"type": "number", "exclusiveMinimum": 0},
            ]
        }
    ),
]
DecayFloor = Annotated[
    Floor,
    BeforeValidator(_floor),
    WithJsonSchema(
        {
            "oneOf": [
                {"type": "number"},
                {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?% of mql$"},
            ]
        }
    ),
]


class Decay(Strict):
    """Inactivity decay of a dimension (SPEC §3 item 6)."""

    after: NonNegativeDuration = Field(
        default_factory=lambda: Duration(0, "0d"),
        description="Idle time before the first step (default 0d).",
    )
    every: PositiveDuration = Field(description="Length of each further decay step.")
    by: DecayAmount = Field(description="Each step: a percentage (10%) or a number of points (5).")
    floor: DecayFloor | None = Field(None, description="Decay never goes below this: points, or 'P% of mql'.")


class Band(Strict):
    """A named band; a value gets the band with the highest `min` at or below it."""

    name: Label = Field(description="The label, such as A or 1.")
    min: Number = Field(description="The lowest value in the band (official, rounded values).")


def _check_bands(bands: list[Band] | None) -> list[Band] | None:
    if bands is None:
        return None
    if not bands:
        raise PydanticCustomError("bands", "bands need at least one entry")
    mins = [b.min for b in bands]
    if len(set(mins)) != len(mins):
        raise PydanticCustomError("bands", "two bands share the same min; each band needs its own min")
    names = [b.name for b in bands]
    if len(set(names)) != len(names):
        raise PydanticCustomError("bands", "two bands share the same name")
    return bands


class Dimension(Strict):
    """A dimension such as fit or engagement: categories of rules, a budget, decay and bands."""

    min: Number | None = Field(None, description="Lower clamp of the dimension's raw value.")
    max: Number | None = Field(None, description="The dimension's budget: upper clamp of its raw value.")
    decay: Decay | None = Field(None, description="Inactivity decay.")
    bands: list[Band] | None = Field(None, description="Bands on this dimension's value (e.g. A–D).")
    categories: dict[Name, Category] = Field(description="The categories of rules, by name.")
    description: str | None = None

    _bands = field_validator("bands")(classmethod(lambda cls, v: _check_bands(v)))

    @model_validator(mode="after")
    def _bounds(self) -> Dimension:
        _check_bounds(self.min, self.max)
        return self


class Gate(Strict):
    """A must-have criterion on the contact's fields."""

    id: Id = Field(description="Unique within the program.")
    when: Condition = Field(description="The condition that must hold.")
    description: str | None = None


class MqlStage(Strict):
    """When a lead becomes a marketing-qualified lead (SPEC §3 item 10)."""

    min: Number = Field(description="The MQL threshold on the official (rounded) score.")
    require_gates: bool = Field(False, description="Only qualified contacts (every gate holds) can be MQLs.")
    recycle_below: Number | None = Field(
        None, description="An MQL whose score falls below this returns to lead."
    )
    sticky: bool = Field(False, description="Once an MQL, always an MQL (until an outcome stage).")

    @model_validator(mode="after")
    def _recycle(self) -> MqlStage:
        if self.recycle_below is not None and self.recycle_below > self.min:
            raise PydanticCustomError(
                "recycle",
                "recycle_below ({r}) is above the MQL threshold ({m})",
                {"r": self.recycle_below, "m": self.min},
            )
        if self.sticky and self.recycle_below is not None:
            raise PydanticCustomError(
                "recycle", "a sticky MQL is never recycled; drop recycle_below or sticky"
            )
        return self


class Stages(Strict):
    mql: MqlStage | None = Field(None, description="The MQL threshold and its hysteresis.")


def _segment_map(value: Any) -> Any:
    if isinstance(value, dict):
        out: dict[str, int] = {}
        for k, v in value.items():
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 9:
                raise PydanticCustomError(
                    "segment",
                    "a segment digit is a whole number 0–9, got {got} for '{k}'",
                    {"got": describe(v), "k": k},
                )
            out[str(k)] = v
        return out
    if isinstance(value, list):
        ranges: list[tuple[float | None, float | None, int]] = []
        for item in value:
            ok = isinstance(item, list) and len(item) == 3
            ok = ok and all(
                x is None or (isinstance(x, int | float) and not isinstance(x, bool)) for x in item[:2]
            )
            ok = ok and isinstance(item[2], int) and not isinstance(item[2], bool) and 0 <= item[2] <= 9
            if not ok:
                raise PydanticCustomError(
                    "segment",
                    "a range entry is [low, high, digit] with numbers (or null for open) and a digit 0–9, got {got}",
                    {"got": item},
                )
            if item[0] is not None and item[1] is not None and item[0] > item[1]:
                raise PydanticCustomError("segment", "range {got} has low above high", {"got": item})
            ranges.append((item[0], item[1], item[2]))
        if not ranges:
            raise PydanticCustomError("segment", "the segment map is empty")
        return ranges
    raise PydanticCustomError(
        "segment", "the map is a list of [low, high, digit] ranges or a mapping {value: digit}"
    )


SegmentMap = Annotated[
    dict[str, int] | list[tuple[float | None, float | None, int]],
    BeforeValidator(_segment_map),
    WithJsonSchema(
        {
            "oneOf": [
                {
                    "type": "object",
                    "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 9},
                },
                {"type": "array", "items": {"type": "array", "minItems": 3, "maxItems": 3}},
            ]
        }
    ),
]


class Segment(Strict):
    """Maps a contact field to the leading digit of an encoded score."""

    field: str = Field(description="The contact field, such as employees.")
    map: SegmentMap = Field(
        description="[[low, high, digit], ...] (inclusive, null = open) or {value: digit}."
    )


class Encoded(Strict):
    segment: Segment | None = Field(
        None, description="The field mapping for the leading digit (0 without one)."
    )


class EncodedFormat(Strict):
    """Displayed score = segment digit × 1000 + gates met × 100 + clamp(points, 0, 99)."""

    encoded: Encoded


def _format_kind(value: Any) -> str | None:
    if value == "plain":
        return "plain"
    if isinstance(value, dict | EncodedFormat):
        return "encoded"
    return None


ScoreFormat = Annotated[
    Annotated[Literal["plain"], Tag("plain")] | Annotated[EncodedFormat, Tag("encoded")],
    Discriminator(
        _format_kind,
        custom_error_type="format",
        custom_error_message="expected plain or {encoded: {segment: ...}}",
    ),
]


class Program(Strict):
    """One scale: its gates, dimensions, bands, matrix, stages and score format."""

    id: Id = Field(description="Names the program in output rows and triggers.")
    description: str | None = None
    applies_to: Condition | None = Field(
        None, description="Only contacts matching this are scored (null: all)."
    )
    gates: list[Gate] = Field(default_factory=list, description="Must-have criteria.")
    dimensions: dict[Name, Dimension] = Field(description="Dimensions by name, such as fit and engagement.")
    weights: dict[Name, Number] | None = Field(
        None, description="Weight per dimension in the total (default 1)."
    )
    bands: list[Band] | None = Field(None, description="Bands on the program total.")
    matrix: list[Name] | None = Field(
        None, description="Two banded dimensions whose bands join, such as [fit, engagement]."
    )
    stages: Stages | None = Field(None, description="The MQL stage.")
    format: ScoreFormat = Field("plain", description="plain, or encoded with a segment map.")

    _bands = field_validator("bands")(classmethod(lambda cls, v: _check_bands(v)))

    @field_validator("matrix")
    @classmethod
    def _matrix_pair(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and (len(v) != 2 or v[0] == v[1]):
            raise PydanticCustomError(
                "matrix", "a matrix names two different dimensions, such as [fit, engagement]"
            )
        return v

    @field_validator("dimensions")
    @classmethod
    def _some_dimension(cls, v: dict[str, Dimension]) -> dict[str, Dimension]:
        if not v:
            raise PydanticCustomError("dimensions", "a program needs at least one dimension")
        return v

    @property
    def mql_threshold(self) -> float | None:
        return self.stages.mql.min if self.stages and self.stages.mql else None

    @property
    def encoded(self) -> Encoded | None:
        return self.format.encoded if isinstance(self.format, EncodedFormat) else None


class TriggerOn(Strict):
    """When the trigger fires: the moment its condition turns from false to true."""

    program: Id | None = Field(None, description="The program (optional when the model has one).")
    dimension: Name | None = Field(
        None, description="With band_enters or score_crosses_*: use this dimension."
    )
    stage_enters: Literal["lead", "mql"] | None = Field(None, description="The contact enters this stage.")
    band_enters: Label | None = Field(None, description="The contact enters this band.")
    score_crosses_above: Number | None = Field(None, description="The score rises to this value or above.")
    score_crosses_below: Number | None = Field(None, description="The score falls below this value.")

    @model_validator(mode="after")
    def _one(self) -> TriggerOn:
        set_ = [
            k
            for k in ("stage_enters", "band_enters", "score_crosses_above", "score_crosses_below")
            if getattr(self, k) is not None
        ]
        if len(set_) != 1:
            raise PydanticCustomError(
                "trigger_on",
                "a trigger watches one thing: stage_enters, band_enters, score_crosses_above or score_crosses_below",
            )
        if self.dimension is not None and self.stage_enters is not None:
            raise PydanticCustomError("trigger_on", "stage_enters watches the program, not a dimension")
        return self


class Webhook(Strict):
    url: str = Field(description="Where to POST the JSON payload.")
    secret_env: str | None = Field(
        None, description="Environment variable holding the HMAC-SHA256 signing secret."
    )
    headers: dict[str, str] | None = Field(None, description="Extra HTTP headers.")

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not re.match(r"^https?://", v):
            raise PydanticCustomError(
                "url", "a webhook URL starts with http:// or https://, got '{v}'", {"v": v}
            )
        return v


class Assign(Strict):
    round_robin: list[str] | None = Field(None, min_length=1, description="Owners to take turns.")
    owner: str | None = Field(None, description="One owner.")

    @model_validator(mode="after")
    def _one(self) -> Assign:
        if (self.round_robin is None) == (self.owner is None):
            raise PydanticCustomError("assign", "assign takes either round_robin: [..] or owner: name")
        return self


class WebhookAction(Strict):
    webhook: Webhook


class AssignAction(Strict):
    assign: Assign


class SegmentAction(Strict):
    add_to_segment: str


class RemoveSegmentAction(Strict):
    remove_from_segment: str


class StageAction(Strict):
    set_stage: str


_ACTIONS = {
    "webhook": "webhook",
    "assign": "assign",
    "add_to_segment": "add_to_segment",
    "remove_from_segment": "remove_from_segment",
    "set_stage": "set_stage",
}


def _action_kind(value: Any) -> str | None:
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        return _ACTIONS.get(key)
    for cls, tag in (
        (WebhookAction, "webhook"),
        (AssignAction, "assign"),
        (SegmentAction, "add_to_segment"),
        (RemoveSegmentAction, "remove_from_segment"),
        (StageAction, "set_stage"),
    ):
        if isinstance(value, cls):
            return tag
    return None


Action = Annotated[
    Annotated[WebhookAction, Tag("webhook")]
    | Annotated[AssignAction, Tag("assign")]
    | Annotated[SegmentAction, Tag("add_to_segment")]
    | Annotated[RemoveSegmentAction, Tag("remove_from_segment")]
    | Annotated[StageAction, Tag("set_stage")],
    Discriminator(
        _action_kind,
        custom_error_type="action",
        custom_error_message="expected one action: webhook, assign, add_to_segment, remove_from_segment or set_stage",
    ),
]


class Trigger(Strict):
    """An automation that runs once each time its condition turns true (SPEC §3 item 13)."""

    id: Id = Field(description="Unique within the model.")
    description: str | None = None
    on: TriggerOn = Field(description="The transition to watch.")
    do: list[Action] = Field(min_length=1, description="What to run, in order.")


class Model(Strict):
    """A scoring model: typed contact fields, programs and triggers."""

    model: Id = Field(description="The model's name.")
    version: int | str = Field(description="The model version stamped on every score.")
    description: str | None = None
    author: str | None = Field(None, description="Who wrote this version.")
    change_note: str | None = Field(None, description="What changed in this version and why.")
    review: Review | None = Field(None, description="Review reminders.")
    fields: dict[str, FieldType] = Field(
        default_factory=dict, description="Typed contact fields (others are text)."
    )
    programs: list[Program] = Field(min_length=1, description="The scoring programs.")
    triggers: list[Trigger] = Field(default_factory=list, description="Automations on score transitions.")

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, int | str) or v == "":
            raise PydanticCustomError(
                "version",
                "the version is a number or a text such as 3 or 2026-06, got {got}",
                {"got": describe(v)},
            )
        return v

    @field_validator("fields")
    @classmethod
    def _fields(cls, v: dict[str, str]) -> dict[str, str]:
        if "contact_id" in v:
            raise PydanticCustomError("fields", "contact_id is built in; do not declare it under fields")
        return v

    @property
    def version_label(self) -> str:
        return str(self.version)


RuleT = FitRule | BehaviourRule
