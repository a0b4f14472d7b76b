"""Shared pieces of the model schema: the strict base class and small typed values."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from leadscore.durations import (
    MICROS_PER_DAY,
    MICROS_PER_HOUR,
    Duration,
    DurationTooLong,
    day_in_range,
    outside_years,
)

Where = str | int | tuple[str | int, ...]


def problem(
    kind: str,
    message: str,
    *,
    hint: str | None = None,
    code: str | None = None,
    at: Where | None = None,
    at_key: bool = False,
) -> PydanticCustomError:
    """A validation error with what :mod:`errors_map` needs to render it well.

    `message` is final text (no placeholders). `hint` becomes the diagnostic's hint line,
    `code` overrides the default code (E204), and `at` names the key or index, below the
    object being validated, where the problem was written (`at_key`: point at the key itself
    rather than its value).
    """
    ctx: dict[str, Any] = {}
    if hint is not None:
        ctx["hint"] = hint
    if code is not None:
        ctx["code"] = code
    if at is not None:
        ctx["at"] = at if isinstance(at, tuple) else (at,)
        ctx["at_key"] = at_key
    return PydanticCustomError(kind, message, ctx or None)


class Strict(BaseModel):
    """Every model object: unknown keys are errors, values keep the type they were written in."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)


def exactly_one(*keys: str) -> dict[str, Any]:
    """JSON Schema: exactly one of `keys` is given a value (null counts as not given), as the
    object's own validator demands (one operator per condition, one thing a trigger watches)."""
    return {"oneOf": [{"required": [k], "properties": {k: {"not": {"type": "null"}}}} for k in keys]}


_LOOSE_DURATION = re.compile(r"^(-?)\s*([0-9]*\.?[0-9]+)\s*([a-z]*)$", re.IGNORECASE)
_UNIT_WORDS = {
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "d": "d", "day": "d", "days": "d",
    "w": "w", "wk": "w", "wks": "w", "week": "w", "weeks": "w",
}  # fmt: skip
_UNIT_MICROS = {"h": MICROS_PER_HOUR, "d": MICROS_PER_DAY, "w": 7 * MICROS_PER_DAY}
_DURATION_HELP = "write a whole number followed by h, d or w, such as 12h, 30d or 2w"


def _whole_duration(micros: float) -> str | None:
    """`micros` written as a whole number of days or hours, when it is one."""
    for unit, size in (("d", MICROS_PER_DAY), ("h", MICROS_PER_HOUR)):
        if micros > 0 and micros % size == 0:
            return f"{int(micros // size)}{unit}"
    return None


def parse_positive_duration(text: str) -> Duration:
    """A positive duration given outside a model (a command-line option such as --horizon);
    a text that is no duration (`3months`, `30 days`) raises ValueError with the reason and
    fix `validate` gives in a model, in one line."""
    try:
        Duration.parse(text)
    except DurationTooLong:
        raise
    except ValueError:
        err = _duration_problem(text)
        hint = (err.context or {}).get("hint")
        raise ValueError(err.message() + (f"; {hint}" if hint else "")) from None
    return Duration.parse_positive(text)  # (says "no time at all" for 0d)


def _duration_problem(value: Any) -> PydanticCustomError:
    """Why `value` is not a duration, with the fix where one can be guessed."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return problem(
            "duration",
            f"expected a duration such as 30d, 12h or 2w, got the number {number_text(value)}",
            hint=f"add a unit: {number_text(value)}d for days, {number_text(value)}h for hours"
            f" or {number_text(value)}w for weeks",
            code="E203",
        )
    if not isinstance(value, str):
        return problem(
            "duration",
            f"expected a duration such as 30d, 12h or 2w, got {_describe(value)}",
            hint=_DURATION_HELP,
            code="E203",
        )
    m = _LOOSE_DURATION.match(value.strip())
    unit = _UNIT_WORDS.get(m.group(3).lower()) if m else None
    if m is None or unit is None:
        if m is not None and m.group(3).lower() in ("m", "mo", "month", "months", "y", "year", "years"):
            return problem(
                "duration",
                f"'{value}' is not a duration: months and years vary in length",
                hint="write days or weeks, such as 90d or 13w",
            )
        return problem("duration", f"'{value}' is not a duration", hint=_DURATION_HELP)
    sign, number, _ = m.groups()
    amount = float(number)
    exact = _whole_duration(amount * _UNIT_MICROS[unit])
    if sign:
        return problem(
            "duration",
            f"a duration must be positive, got '{value}'",
            hint=f"write {exact}" if exact else _DURATION_HELP,
        )
    if not number.isdigit():
        return problem(
            "duration",
            f"'{value}' is not a duration: a duration is a whole number of hours, days or weeks",
            hint=f"write {exact}" if exact else _DURATION_HELP,
        )
    return problem(
        "duration",
        f"'{value}' is not a duration",
        hint=f"write {number}{unit} (no space, one letter for the unit)",
    )


def _duration(value: Any) -> Duration:
    if isinstance(value, Duration):
        return value
    if not isinstance(value, str):
        raise _duration_problem(value)
    try:
        d = Duration.parse(value)
    except DurationTooLong as exc:
        raise problem(
            "duration", str(exc), hint="write a shorter one (a rule without `within` reads events of any age)"
        ) from None
    except ValueError:
        raise _duration_problem(value) from None
    if d.micros <= 0:
        raise problem(
            "duration", f"a duration must be positive, got {value}", hint="the shortest duration is 1h"
        )
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
    WithJsonSchema(
        {
            **_DURATION_SCHEMA,
            "pattern": "^[0-9]*[1-9][0-9]*[hdw]$",  # not zero
            "description": "A positive duration: a whole number and h, d or w.",
        }
    ),
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


DAY_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _day(value: Any) -> date:
    """A calendar date written YYYY-MM-DD (YAML 1.2 reads an unquoted 2026-01-15 as text)."""
    if isinstance(value, date):
        return value
    hint = "write the date as YYYY-MM-DD, such as 2026-01-15"
    if not isinstance(value, str):
        raise problem(
            "date", f"expected a date such as 2026-01-15, got {_describe(value)}", hint=hint, code="E203"
        )
    if not re.fullmatch(DAY_PATTERN, value.strip()):
        raise problem("date", f"'{value}' is not a date", hint=hint)
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise problem("date", f"'{value}' is not a date on the calendar", hint=hint) from None
    if not day_in_range(day):
        raise problem("date", outside_years(value), hint=hint)
    return day


Day = Annotated[
    date,
    BeforeValidator(_day),
    PlainSerializer(lambda d: d.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "pattern": DAY_PATTERN, "examples": ["2026-01-15"]}),
]


# points, clamps, thresholds and weights: a score of 1e9 still holds 6 decimals exactly enough
MAX_NUMBER = 1e9


def _finite(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        hint = None
        if isinstance(value, str) and is_number_text(value):
            hint = f"write {value.strip()} without quotes"
        raise problem("number_type", f"expected a number, got {_describe(value)}", hint=hint, code="E203")
    if not math.isfinite(value):
        raise PydanticCustomError("finite_number", "expected a finite number, got {got}", {"got": value})
    if abs(value) > MAX_NUMBER:
        raise problem(
            "number_size",
            f"{number_text(float(value))} is too large: a number in a model is at most 1e9 from zero",
            hint="beyond it a double no longer holds scores to the 1e-6 the engines agree on; use smaller points",
        )
    return float(value)


Number = Annotated[
    float,
    BeforeValidator(_finite),
    WithJsonSchema({"type": "number", "minimum": -MAX_NUMBER, "maximum": MAX_NUMBER}),
]


def _name(value: Any) -> str:
    """Labels written as bare numbers (`name: 4`) are read as text."""
    if isinstance(value, bool):
        raise problem("name_type", f"expected a name, got {_describe(value)}", code="E203")
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, str) or not value:
        raise problem("name_type", f"expected a non-empty name, got {_describe(value)}", code="E203")
    return value


Label = Annotated[str, BeforeValidator(_name), WithJsonSchema({"type": ["string", "integer"]})]

ID_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$"
NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"


def _identifier(pattern: str, what: str, allowed: str) -> Any:
    """A validator of ids or names: `allowed` says in words what `pattern` accepts."""
    rx = re.compile(pattern)

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise problem("name_type", f"expected {what}, got {_describe(value)}", code="E203")
        if not rx.match(value):
            fixed = re.sub(r"[^A-Za-z0-9_]+", "_", value).strip("_") or "my_" + what
            if not rx.match(fixed):
                fixed = "x_" + fixed
            raise problem(
                "identifier",
                f"'{value}' is not a valid {what} (use {allowed})",
                hint=f"for example {fixed}",
            )
        return value

    return check


Id = Annotated[
    str,
    BeforeValidator(_identifier(ID_PATTERN, "id", "a letter, digit or _, then letters, digits, _, . and -")),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN}),
]
Name = Annotated[
    str,
    BeforeValidator(_identifier(NAME_PATTERN, "name", "a letter, then letters, digits and _")),
    WithJsonSchema({"type": "string", "pattern": NAME_PATTERN}),
]


def number_text(value: float) -> str:
    """A number as a user would write it: 65 rather than 65.0, 2.5 as is."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def is_number_text(text: str) -> bool:
    """Whether `text` is a number written in quotes (`"10"`, `"2.5"`)."""
    try:
        float(text)
    except ValueError:
        return False
    return text.strip().lower() not in ("nan", "inf", "-inf", "+inf", "infinity")


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {number_text(value)}"
    if isinstance(value, str):
        return f"the text '{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


describe = _describe


def together(problems: list[PydanticCustomError]) -> PydanticCustomError:
    """Several problems of one value as one error (a validator raises once), each reported."""
    first, *rest = problems
    if not rest:
        return first
    return PydanticCustomError(first.type, first.message(), {**(first.context or {}), "also": tuple(rest)})
