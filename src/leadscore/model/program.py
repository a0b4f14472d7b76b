"""Programs: gates, dimensions, stages, bands, matrix and the score format."""

from __future__ import annotations

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

from leadscore.model.base import (
    Id,
    Name,
    Number,
    Strict,
    describe,
    number_text,
    problem,
    together,
)
from leadscore.model.conditions import Condition
from leadscore.model.dimension import Band, Dimension, check_bands


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
            r, m = number_text(self.recycle_below), number_text(self.min)
            raise problem(
                "recycle",
                f"recycle_below ({r}) is above the MQL threshold ({m})",
                hint=f"an MQL returns to lead when its score falls below recycle_below; set it at or below {m}",
                at="recycle_below",
            )
        if self.sticky and self.recycle_below is not None:
            raise problem(
                "recycle",
                "a sticky MQL is never recycled; drop recycle_below or sticky",
                at="recycle_below",
                at_key=True,
            )
        return self


class Stages(Strict):
    """The lifecycle stages the score drives; today the MQL stage."""

    mql: MqlStage | None = Field(None, description="The MQL threshold and its hysteresis.")


def _segment_map(value: Any) -> Any:
    if isinstance(value, dict):
        out: dict[str, int] = {}
        wrong = [
            problem(
                "segment", f"a segment digit is a whole number 0–9, got {describe(v)} for '{k}'", at=str(k)
            )
            for k, v in value.items()
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 9
        ]
        if wrong:
            raise together(wrong)
        for k, v in value.items():
            out[str(k)] = v
        return out
    if isinstance(value, list):
        ranges: list[tuple[float | None, float | None, int]] = []
        problems = []  # every entry's problem, reported together
        for i, item in enumerate(value):
            ok = isinstance(item, list) and len(item) == 3
            ok = ok and all(
                x is None or (isinstance(x, int | float) and not isinstance(x, bool)) for x in item[:2]
            )
            ok = ok and isinstance(item[2], int) and not isinstance(item[2], bool)
            if ok and not 0 <= item[2] <= 9:
                problems.append(
                    problem(
                        "segment",
                        f"the digit of range [{', '.join('null' if x is None else number_text(x) for x in item)}]"
                        f" is {item[2]}; a segment digit is 0–9",
                        hint="the segment is one digit of the encoded score: [50, 999, 2]",
                        at=i,
                    )
                )
                continue
            if not ok:
                problems.append(
                    problem(
                        "segment",
                        f"a range entry is [low, high, digit], got {describe(item)}",
                        hint="low and high are numbers (null for open), the digit is 0–9: [50, 999, 2]",
                        at=i,
                    )
                )
                continue
            if item[0] is not None and item[1] is not None and item[0] > item[1]:
                lo, hi = number_text(item[0]), number_text(item[1])
                problems.append(
                    problem(
                        "segment",
                        f"range [{lo}, {hi}, {item[2]}] has its low value above its high value",
                        hint=f"write [{hi}, {lo}, {item[2]}]",
                        at=i,
                    )
                )
                continue
            ranges.append((item[0], item[1], item[2]))
        if problems:
            raise together(problems)
        if not ranges:
            raise problem(
                "segment", "the segment map is empty", hint="for example [[0, 49, 1], [50, null, 2]]"
            )
        return ranges
    raise problem(
        "segment",
        f"the map is a list of [low, high, digit] ranges or a mapping {{value: digit}}, got {describe(value)}",
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
                {
                    "type": "array",
                    "items": {
                        "type": "array",
                        "minItems": 3,
                        "maxItems": 3,
                        "prefixItems": [
                            {"type": ["number", "null"]},  # low (null: open)
                            {"type": ["number", "null"]},  # high
                            {"type": "integer", "minimum": 0, "maximum": 9},  # the digit
                        ],
                    },
                },
            ]
        }
    ),
]


class Segment(Strict):
    """Maps a contact field to the leading digit of an encoded score."""

    field: str = Field(description="The contact field, such as employees.")
    map: SegmentMap = Field(
        description="[[low, high, digit], ...] (inclusive, null = open; where ranges overlap, the first "
        "that holds the value gives the digit) or {value: digit} (values compared without letter case)."
    )


class Encoded(Strict):
    """How the encoded score is built: its leading digit from a contact field."""

    segment: Segment | None = Field(
        None, description="The field mapping for the leading digit (0 without one)."
    )


class EncodedFormat(Strict):
    """Displayed score = segment digit × 1000 + gates met × 100 + clamp(points, 0, 99)."""

    encoded: Encoded = Field(description="The segment that gives the leading digit ({} for none).")


def _format_kind(value: Any) -> str | None:
    if value == "plain":
        return "#plain"
    if isinstance(value, dict | EncodedFormat):
        return "#encoded"
    return None


ScoreFormat = Annotated[
    Annotated[Literal["plain"], Tag("#plain")] | Annotated[EncodedFormat, Tag("#encoded")],
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
    dimensions: dict[Name, Dimension] = Field(
        description="Dimensions by name, such as fit and engagement.", json_schema_extra={"minProperties": 1}
    )
    weights: dict[Name, Number] | None = Field(
        None, description="Weight per dimension in the total (default 1)."
    )
    bands: list[Band] | None = Field(None, description="Bands on the program total.")
    matrix: list[Name] | None = Field(
        None,
        description="Two banded dimensions whose bands join, such as [fit, engagement].",
        json_schema_extra={"minItems": 2, "maxItems": 2, "uniqueItems": True},
    )
    stages: Stages | None = Field(None, description="The MQL stage.")
    format: ScoreFormat = Field("plain", description="plain, or encoded with a segment map.")

    _bands = field_validator("bands")(classmethod(lambda cls, v: check_bands(v)))

    @field_validator("matrix")
    @classmethod
    def _matrix_pair(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and (len(v) != 2 or v[0] == v[1]):
            raise problem("matrix", "a matrix names two different dimensions, such as [fit, engagement]")
        return v

    @field_validator("dimensions")
    @classmethod
    def _some_dimension(cls, v: dict[str, Dimension]) -> dict[str, Dimension]:
        if not v:
            raise problem(
                "dimensions",
                "a program needs at least one dimension",
                hint="for example dimensions: {fit: {categories: {...}}}",
            )
        return v

    @property
    def mql_threshold(self) -> float | None:
        return self.stages.mql.min if self.stages and self.stages.mql else None

    @property
    def encoded(self) -> Encoded | None:
        return self.format.encoded if isinstance(self.format, EncodedFormat) else None
