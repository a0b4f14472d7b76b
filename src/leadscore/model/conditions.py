"""Conditions: `{field, <operator>: operand}` leaves combined with `all`, `any` and `not`.

The schema checks shape only (one operator per leaf, operand shapes). Whether an operand fits
the field's declared type, and whether a regex keeps to the portable subset, is checked in
:mod:`leadscore.model.checks`, which knows the model's `fields`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Discriminator, Field, Tag, WithJsonSchema, model_validator

from leadscore.model.base import Strict, describe, exactly_one, number_text, problem
from leadscore.model.suggest import suggest

Scalar = str | int | float | bool

OPERATORS: tuple[str, ...] = (
    "eq",
    "ne",
    "in",
    "not_in",
    "lt",
    "lte",
    "gt",
    "gte",
    "between",
    "exists",
    "contains",
    "starts_with",
    "ends_with",
    "glob",
    "regex",
)
ORDERING = ("lt", "lte", "gt", "gte", "between")
TEXT_ONLY = ("contains", "starts_with", "ends_with", "glob", "regex")
Operator = Literal[
    "eq", "ne", "in", "not_in", "lt", "lte", "gt", "gte", "between", "exists",
    "contains", "starts_with", "ends_with", "glob", "regex",
]  # fmt: skip


def _scalar(value: Any) -> Scalar:
    if isinstance(value, float) and not math.isfinite(value):
        raise problem(
            "operand",
            f"expected a finite number, got {value}",
            hint="compare with a number such as 1000",
            code="E203",
        )
    if isinstance(value, str | bool | int | float):
        return value
    raise problem(
        "operand",
        f"expected a single value (text, number or boolean), got {describe(value)}",
        hint="to test several values use in: [a, b]" if isinstance(value, list) else None,
        code="E203",
    )


def _scalar_list(value: Any) -> list[Scalar]:
    if not isinstance(value, list):
        raise problem(
            "operand",
            f"expected a list of values, got {describe(value)}",
            hint=f"write [{_show(value)}]" if isinstance(value, str | int | float | bool) else None,
            code="E203",
        )
    if not value:
        raise problem(
            "operand",
            "the list is empty, so the condition can never hold",
            hint="give at least one value, such as [PL, DE]",
        )
    items = [_scalar(v) for v in value]
    first = _kind(items[0])
    for i, v in enumerate(items):
        if _kind(v) != first:
            number = next((x for x in (items[0], v) if _kind(x) == "numbers"), None)
            raise problem(
                "operand",
                f"the list mixes {first} and {_kind(v)}: {_show(items[0])} is {_singular(first)},"
                f" {_show(v)} is {_singular(_kind(v))}",
                hint=f"use values of one kind; for a text field quote the numbers: '{_show(number)}'"
                if number is not None and {first, _kind(v)} == {"numbers", "text"}
                else "use values of one kind",
                at=i,
            )
    return items


def _show(v: Scalar) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float):
        return number_text(v)
    return str(v)


def _singular(kind: str) -> str:
    return {"booleans": "a boolean", "numbers": "a number"}.get(kind, "text")


def _pair(value: Any) -> list[Scalar]:
    items = _scalar_list(value)
    if len(items) != 2 or isinstance(items[0], bool):
        shown = "[" + ", ".join(_show(v) for v in items) + "]"
        raise problem(
            "operand",
            f"between takes two values [low, high], got {shown}",
            hint="for one bound use gte or lte instead"
            if len(items) == 1
            else "both ends are included: between: [50, 1000]",
        )
    return items


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def compares_as_integers(kind: str, operands: Sequence[Scalar]) -> bool:
    """An `integer` field compared with whole numbers written without a fraction (all of them,
    each within 64 bits) compares exactly, as integers; any other number comparison is between
    doubles (exact to 2^53). `eq: 9007199254740993` then tells that value from its neighbour."""
    return kind == "integer" and all(
        isinstance(v, int) and not isinstance(v, bool) and INT64_MIN <= v <= INT64_MAX for v in operands
    )


def _kind(v: Scalar) -> str:
    if isinstance(v, bool):
        return "booleans"
    if isinstance(v, int | float):
        return "numbers"
    return "text"


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise problem(
            "operand",
            f"expected text, got {describe(value)}",
            hint="quote it to use it as text" if isinstance(value, int | float | bool) else None,
            code="E203",
        )
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        hint = None
        if isinstance(value, str) and value.lower() in ("yes", "no", "on", "off", "y", "n"):
            hint = "YAML 1.2 reads yes, no, on and off as text; write true or false"
        raise problem("operand", f"expected true or false, got {describe(value)}", hint=hint, code="E203")
    return value


_SCALAR_SCHEMA = {"type": ["string", "number", "boolean"]}
ScalarOperand = Annotated[Scalar, BeforeValidator(_scalar), WithJsonSchema(_SCALAR_SCHEMA)]
ListOperand = Annotated[
    list[Scalar],
    BeforeValidator(_scalar_list),
    WithJsonSchema({"type": "array", "items": _SCALAR_SCHEMA, "minItems": 1}),
]
PairOperand = Annotated[
    list[Scalar],
    BeforeValidator(_pair),
    WithJsonSchema({"type": "array", "items": {"type": ["string", "number"]}, "minItems": 2, "maxItems": 2}),
]
TextOperand = Annotated[str, BeforeValidator(_text), WithJsonSchema({"type": "string"})]
BoolOperand = Annotated[bool, BeforeValidator(_bool), WithJsonSchema({"type": "boolean"})]


class Leaf(Strict):
    """Tests one field with one operator."""

    model_config = ConfigDict(json_schema_extra=exactly_one(*OPERATORS))

    field: str = Field(description="A contact field (fit rules, gates) or an event property (where).")
    eq: ScalarOperand | None = Field(None, description="Equal to the value.")
    ne: ScalarOperand | None = Field(None, description="Not equal to the value (true when missing).")
    in_: ListOperand | None = Field(None, alias="in", description="One of the values.")
    not_in: ListOperand | None = Field(None, description="None of the values (true when missing).")
    lt: ScalarOperand | None = Field(None, description="Less than.")
    lte: ScalarOperand | None = Field(None, description="Less than or equal.")
    gt: ScalarOperand | None = Field(None, description="Greater than.")
    gte: ScalarOperand | None = Field(None, description="Greater than or equal.")
    between: PairOperand | None = Field(None, description="Between [low, high], both inclusive.")
    exists: BoolOperand | None = Field(None, description="true: the value is present; false: it is missing.")
    contains: TextOperand | None = Field(None, description="The text contains this.")
    starts_with: TextOperand | None = Field(None, description="The text starts with this.")
    ends_with: TextOperand | None = Field(None, description="The text ends with this.")
    glob: TextOperand | None = Field(None, description="The whole text matches: * any run, ? one character.")
    regex: TextOperand | None = Field(
        None, description="The regex (portable subset) matches anywhere in the text."
    )
    case_sensitive: BoolOperand = Field(False, description="Compare text exactly (default: ignore case).")

    @model_validator(mode="before")
    @classmethod
    def _one_operator(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        ops = [k for k in data if k in OPERATORS]
        field = data.get("field", "?")
        if not ops:
            if any(k not in _LEAF_KEYS for k in data):
                return data  # an unknown key is likely a misspelt operator: E201 says which
            raise problem(
                "operator",
                f"the condition on '{field}' has no operator",
                hint="add one of " + ", ".join(OPERATORS),
            )
        if len(ops) > 1:
            raise problem(
                "operator",
                f"the condition on '{field}' has {_count(len(ops))} operators ({' and '.join(ops)});"
                " a condition takes one",
                hint=_two_operators_hint(data, ops),
                at=ops[1],
                at_key=True,
            )
        if data[ops[0]] is None:
            raise problem(
                "operator",
                f"'{ops[0]}' needs a value",
                hint="to test for a missing value write exists: false",
                at=ops[0],
            )
        return data

    @property
    def operator(self) -> Operator:
        for op in OPERATORS:
            if getattr(self, "in_" if op == "in" else op) is not None:
                return op  # type: ignore[return-value]
        raise AssertionError("a validated leaf has an operator")  # pragma: no cover

    @property
    def operand(self) -> Any:
        op = self.operator
        return getattr(self, "in_" if op == "in" else op)


_LEAF_KEYS = frozenset({"field", "case_sensitive", *OPERATORS})


def _two_operators_hint(data: dict[str, Any], ops: list[str]) -> str:
    field = data.get("field", "?")
    low = next((o for o in ops if o in ("gt", "gte")), None)
    high = next((o for o in ops if o in ("lt", "lte")), None)
    if len(ops) == 2 and low == "gte" and high == "lte":
        return f"for a range write between: [{_plain(data[low])}, {_plain(data[high])}] (both ends included)"
    parts = ", ".join(f"{{field: {field}, {o}: {_plain(data[o])}}}" for o in ops)
    return f"combine conditions: all: [{parts}]"


def _count(n: int) -> str:
    return {2: "two", 3: "three", 4: "four"}.get(n, str(n))


def _plain(v: Any) -> str:
    return _show(v) if isinstance(v, str | int | float | bool) else "..."


class AllOf(Strict):
    """Every condition holds (true for an empty list)."""

    all: list[Condition] = Field(description="Conditions that must all hold.")


class AnyOf(Strict):
    """At least one condition holds."""

    any: list[Condition] = Field(min_length=1, description="Conditions of which one must hold.")


class NotOf(Strict):
    """The condition does not hold."""

    not_: Condition = Field(alias="not", description="The condition to negate.")


_COMBINATORS = ("all", "any", "not")


def _condition_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in _COMBINATORS:
            if key in value:
                return f"#{key}"
        if "field" not in value:
            # {any_of: [...]} or {and: [...]}: a misspelt combinator, reported as such (E201)

            for key in value:
                guess = suggest(str(key), list(_COMBINATORS))
                if guess is not None:
                    return f"#{guess}"
        return "#leaf"
    if isinstance(value, Leaf | AllOf | AnyOf | NotOf):
        return {Leaf: "#leaf", AllOf: "#all", AnyOf: "#any", NotOf: "#not"}[type(value)]
    return None


def _condition_shape(value: Any) -> Any:
    """all, any and not stand alone (SPEC §3a); say so before the union tries a member."""
    if isinstance(value, dict):
        combs = [k for k in _COMBINATORS if k in value]
        if len(combs) > 1:
            raise problem(
                "condition_shape",
                f"a condition is one of all, any or not; this one has {' and '.join(combs)}",
                hint=f"nest them: all: [{{...}}, {{{combs[1]}: [...]}}]",
                at=combs[1],
                at_key=True,
            )
        if combs and "field" in value:
            raise problem(
                "condition_shape",
                f"'{combs[0]}' stands alone; this condition also has field: {value['field']}",
                hint=f"combine them: all: [{{{combs[0]}: ...}}, {{field: {value['field']}, ...}}]",
                at="field",
                at_key=True,
            )
    return value


Condition = Annotated[
    Annotated[Leaf, Tag("#leaf")]
    | Annotated[AllOf, Tag("#all")]
    | Annotated[AnyOf, Tag("#any")]
    | Annotated[NotOf, Tag("#not")],
    Discriminator(
        _condition_kind,
        custom_error_type="condition_type",
        custom_error_message="expected a condition such as {field: country, eq: PL}, or all/any/not",
    ),
    BeforeValidator(_condition_shape),
]
# Union tags start with '#', which a plain YAML key cannot, so error paths can drop them.
CONDITION_TAGS = frozenset({"#leaf", "#all", "#any", "#not"})

AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()
