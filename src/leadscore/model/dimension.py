"""Dimensions: their decay, bands and categories (SPEC §3 items 5, 6 and 9)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from leadscore.durations import Duration
from leadscore.model.base import (
    Label,
    Name,
    NonNegativeDuration,
    Number,
    PositiveDuration,
    Strict,
    describe,
    number_text,
    problem,
)
from leadscore.model.rules import Category, check_bounds

_PERCENT = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*%$")
_PERCENT_OF_MQL = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*%\s+of\s+mql$")


class DecayBy(Strict):
    kind: Literal["percent", "points"]
    value: float

    def __str__(self) -> str:
        return f"{self.value:g}%" if self.kind == "percent" else f"{self.value:g}"


_BY_HELP = "each step takes a percentage (10%) or a number of points (5) away"


def _decay_by(value: Any) -> DecayBy:
    if isinstance(value, DecayBy):
        return value
    if isinstance(value, bool):
        raise problem(
            "decay_by",
            f"expected a percentage such as 10% or points such as 5, got {describe(value)}",
            hint=_BY_HELP,
            code="E203",
        )
    if isinstance(value, int | float):
        if value <= 0:
            raise problem(
                "decay_by",
                f"decay by takes a positive number of points, got {number_text(value)}",
                hint=f"write by: {number_text(-value)} to take {number_text(-value)} points away at each step"
                if value < 0
                else _BY_HELP,
            )
        return DecayBy(kind="points", value=float(value))
    if isinstance(value, str) and (m := _PERCENT.match(value.strip())):
        pct = float(m.group(1))
        if not 0 < pct <= 100:
            raise problem(
                "decay_by",
                f"a decay percentage is above 0% and at most 100%, got {value}",
                hint="100% drops the value to the floor at the first step; 10% takes a tenth away",
            )
        return DecayBy(kind="percent", value=pct)
    if isinstance(value, str) and value.strip().startswith("-"):
        raise problem(
            "decay_by",
            f"decay by takes a positive amount, got {value}",
            hint=f"write by: {value.strip()[1:].strip()}: decay always lowers the value",
        )
    raise problem(
        "decay_by",
        f"expected a percentage such as 10% or a number of points such as 5, got {describe(value)}",
        hint=_BY_HELP,
    )


class Floor(Strict):
    kind: Literal["points", "percent_of_mql"]
    value: float

    def __str__(self) -> str:
        return f"{self.value:g}% of mql" if self.kind == "percent_of_mql" else f"{self.value:g}"


_PERCENT_OF_OTHER = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*%(?:\s+of\s+(.+))?$", re.IGNORECASE)


def _floor(value: Any) -> Floor:
    if isinstance(value, Floor):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Floor(kind="points", value=float(value))
    if isinstance(value, str) and (m := _PERCENT_OF_MQL.match(value.strip())):
        return Floor(kind="percent_of_mql", value=float(m.group(1)))
    if isinstance(value, str) and (m := _PERCENT_OF_OTHER.match(value.strip())):
        pct, base = m.groups()
        if base is None:
            raise problem(
                "floor",
                f"a floor of {value.strip()} needs a base: a share of the MQL threshold",
                hint=f"write floor: {pct}% of mql, or a number of points such as 20",
            )
        if base.strip().lower() == "mql":
            raise problem(
                "floor",
                f"write 'mql' in lower case: {pct}% of mql",
                hint="a share of the MQL threshold is written 'P% of mql'",
            )
        raise problem(
            "floor",
            f"a decay floor can be a share of the MQL threshold only, not of '{base.strip()}'",
            hint=f"write floor: {pct}% of mql, or a number of points such as 20",
        )
    raise problem(
        "floor",
        f"expected points such as 20 or a share of the MQL threshold such as '50% of mql', got {describe(value)}",
    )


DecayAmount = Annotated[
    DecayBy,
    BeforeValidator(_decay_by),
    WithJsonSchema(
        {
            "oneOf": [
                {"type": "string", "pattern": "^\\s*[0-9]+(\\.[0-9]+)?\\s*%\\s*$"},  # as _PERCENT reads it
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
                {"type": "string", "pattern": "^\\s*[0-9]+(\\.[0-9]+)?\\s*%\\s+of\\s+mql\\s*$"},
            ]
        }
    ),
]


class Decay(Strict):
    """Inactivity decay of a dimension (SPEC §3 item 6)."""

    after: NonNegativeDuration = Field(
        default_factory=lambda: Duration(0, "0d"),
        description="Idle time before the first step (default 0d: the first step comes at once, W412).",
    )
    every: PositiveDuration = Field(description="Length of each further decay step.")
    by: DecayAmount = Field(description="Each step: a percentage (10%) or a number of points (5).")
    floor: DecayFloor | None = Field(None, description="Decay never goes below this: points, or 'P% of mql'.")


class Band(Strict):
    """A named band; a value gets the band with the highest `min` at or below it."""

    name: Label = Field(description="The label, such as A or 1.")
    min: Number = Field(description="The lowest value in the band (official, rounded values).")


def check_bands(bands: list[Band] | None) -> list[Band] | None:
    if bands is None:
        return None
    if not bands:
        raise problem(
            "bands",
            "bands need at least one entry",
            hint="for example [{name: B, min: 0}, {name: A, min: 30}]",
        )
    first_min: dict[float, Band] = {}
    first_name: dict[str, Band] = {}
    for i, b in enumerate(bands):
        if b.min in first_min:
            other = first_min[b.min]
            raise problem(
                "bands",
                f"bands '{other.name}' and '{b.name}' both start at {number_text(b.min)}; each band needs its own min",
                hint="a value gets the band with the highest min at or below it, so one of them could never be given",
                at=(i, "min"),
            )
        if b.name in first_name:
            raise problem(
                "bands", f"two bands are named '{b.name}'", hint="give each band its own name", at=(i, "name")
            )
        first_min[b.min] = b
        first_name[b.name] = b
    return bands


class Dimension(Strict):
    """A dimension such as fit or engagement: categories of rules, a budget, decay and bands."""

    min: Number | None = Field(None, description="Lower clamp of the dimension's raw value.")
    max: Number | None = Field(None, description="The dimension's budget: upper clamp of its raw value.")
    decay: Decay | None = Field(None, description="Inactivity decay.")
    bands: list[Band] | None = Field(None, description="Bands on this dimension's value (e.g. A–D).")
    categories: dict[Name, Category] = Field(description="The categories of rules, by name.")
    description: str | None = None

    _bands = field_validator("bands")(classmethod(lambda cls, v: check_bands(v)))

    @model_validator(mode="after")
    def _bounds(self) -> Dimension:
        check_bounds(self.min, self.max)
        return self
