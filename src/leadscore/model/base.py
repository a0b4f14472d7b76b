"""Shared pieces of the model schema: the strict base class and small typed values."""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from leadscore.durations import Duration


class Strict(BaseModel):
    """Every model object: unknown keys are errors, values keep the type they were written in."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


def _duration(value: Any) -> Duration:
    if isinstance(value, Duration):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError(
            "duration",
            "expected a duration such as 30d, 12h or 2w, got {got}",
            {"got": repr(value)},
        )
    try:
        d = Duration.parse(value)
    except ValueError as exc:
        raise PydanticCustomError("duration", str(exc)) from None
    if d.micros <= 0:
        raise PydanticCustomError("duration", "a duration must be positive, got {got}", {"got": value})
    return d


def _duration_or_zero(value: Any) -> Duration:
    if isinstance(value, str) and value.strip() in ("0d", "0h", "0w"):
        return Duration.parse(value.strip())
    return _duration(value)


_DURATION_SCHEMA = {"type": "string", "pattern": "^[0-9]+[hdw]$", "examples": ["30d", "12h", "2w"]}

PositiveDuration = Annotated[
    Duration,
    BeforeValidator(_duration),
    PlainSerializer(lambda d: d.text, return_type=str),
    WithJsonSchema({**_DURATION_SCHEMA, "description": "A positive duration: a whole number and h, d or w."}),
]
NonNegativeDuration = Annotated[
    Duration,
    BeforeValidator(_duration_or_zero),
    PlainSerializer(lambda d: d.text, return_type=str),
    WithJsonSchema(
        {
            **_DURATION_SCHEMA,
            "description": "A duration: a whole number and h, d or w (0d allowed).",
        }
    ),
]


def _finite(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("number_type", "expected a number, got {got}", {"got": _describe(value)})
    if not math.isfinite(value):
        raise PydanticCustomError("finite_number", "expected a finite number, got {got}", {"got": value})
    return float(value)


Number = Annotated[float, BeforeValidator(_finite), WithJsonSchema({"type": "number"})]


def _name(value: Any) -> str:
    """Labels written as bare numbers (`name: 4`) are read as text."""
    if isinstance(value, bool):
        raise PydanticCustomError("string_type", "expected a name, got {got}", {"got": value})
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str) or not value:
        raise PydanticCustomError(
            "string_type", "expected a non-empty name, got {got}", {"got": _describe(value)}
        )
    return value


Label = Annotated[str, BeforeValidator(_name), WithJsonSchema({"type": ["string", "integer"]})]

ID_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$"
NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"


def _identifier(pattern: str, what: str) -> Any:
    import re

    rx = re.compile(pattern)

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise PydanticCustomError(
                "string_type", "expected {what}, got {got}", {"what": what, "got": _describe(value)}
            )
        if not rx.match(value):
            raise PydanticCustomError(
                "identifier",
                "'{value}' is not a valid {what} (use letters, digits and _)",
                {"value": value, "what": what},
            )
        return value

    return check


Id = Annotated[
    str,
    BeforeValidator(_identifier(ID_PATTERN, "id")),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN}),
]
Name = Annotated[
    str,
    BeforeValidator(_identifier(NAME_PATTERN, "name")),
    WithJsonSchema({"type": "string", "pattern": NAME_PATTERN}),
]


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


describe = _describe
