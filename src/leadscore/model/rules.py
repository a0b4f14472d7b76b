"""Rules and categories: fit rules, behaviour rules and the budgets that cap them."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from leadscore.model.base import (
    Id,
    Number,
    PositiveDuration,
    Strict,
    describe,
)
from leadscore.model.conditions import Condition


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
        check_bounds(self.min, self.max)
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


def check_bounds(lo: float | None, hi: float | None) -> None:
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
        check_bounds(self.min, self.max)
        return self
