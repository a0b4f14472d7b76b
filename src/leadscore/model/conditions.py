"""Conditions: `{field, <operator>: operand}` leaves combined with `all`, `any` and `not`.

The schema checks shape only (one operator per leaf, operand shapes). Whether an operand fits
the field's declared type, and whether a regex keeps to the portable subset, is checked in
:mod:`leadscore.model.checks`, which knows the model's `fields`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Discriminator, Field, Tag, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from leadscore.model.base import Strict, describe

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
    if isinstance(value, str | bool | int | float):
        return value
    raise PydanticCustomError(
        "operand",
        "expected a single value (text, number or boolean), got {got}",
        {"got": describe(value)},
    )


def _scalar_list(value: Any) -> list[Scalar]:
    if not isinstance(value, list):
        raise PydanticCustomError("operand", "expected a list of values, got {got}", {"got": describe(value)})
    if not value:
        raise PydanticCustomError("operand", "the list is empty; give at least one value")
    items = [_scalar(v) for v in value]
    kinds = {_kind(v) for v in items}
    if len(kinds) > 1:
        raise PydanticCustomError(
            "operand",
            "the list mixes {kinds}; use values of one kind (quote numbers meant as text)",
            {"kinds": " and ".join(sorted(kinds))},
        )
    return items


def _pair(value: Any) -> list[Scalar]:
    items = _scalar_list(value)
    if len(items) != 2 or isinstance(items[0], bool):
        raise PydanticCustomError(
            "operand", "between takes two values [low, high], got {got}", {"got": value}
        )
    return items


def _kind(v: Scalar) -> str:
    if isinstance(v, bool):
        return "booleans"
    if isinstance(v, int | float):
        return "numbers"
    return "text"


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError(
            "operand",
            "expected text, got {got} (quote it to use it as text)",
            {"got": describe(value)},
        )
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise PydanticCustomError("operand", "expected true or false, got {got}", {"got": describe(value)})
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
        if not ops:
            raise PydanticCustomError(
                "operator",
                "a condition on '{field}' needs one operator: {ops}",
                {"field": data.get("field", "?"), "ops": ", ".join(OPERATORS)},
            )
        if len(ops) > 1:
            raise PydanticCustomError(
                "operator",
                "a condition has one operator, this one has {n} ({ops}); combine conditions with all: [...]",
                {"n": len(ops), "ops": ", ".join(ops)},
            )
        if data[ops[0]] is None:
            raise PydanticCustomError(
                "operator",
                "'{op}' needs a value; to test for a missing value write exists: false",
                {"op": ops[0]},
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


class AllOf(Strict):
    """Every condition holds (true for an empty list)."""

    all: list[Condition] = Field(description="Conditions that must all hold.")


class AnyOf(Strict):
    """At least one condition holds."""

    any: list[Condition] = Field(min_length=1, description="Conditions of which one must hold.")


class NotOf(Strict):
    """The condition does not hold."""

    not_: Condition = Field(alias="not", description="The condition to negate.")


def _condition_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in ("all", "any", "not"):
            if key in value:
                return key
        return "leaf"
    if isinstance(value, Leaf | AllOf | AnyOf | NotOf):
        return {Leaf: "leaf", AllOf: "all", AnyOf: "any", NotOf: "not"}[type(value)]
    return None


Condition = Annotated[
    Annotated[Leaf, Tag("leaf")]
    | Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NotOf, Tag("not")],
    Discriminator(
        _condition_kind,
        custom_error_type="condition",
        custom_error_message="expected a condition such as {field: country, eq: PL}, or all/any/not",
    ),
]
CONDITION_TAGS = frozenset({"leaf", "all", "any", "not"})

AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()
