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

from leadscore.model.base import (
    Id,
    Number,
    PositiveDuration,
    Strict,
    describe,
    number_text,
    problem,
)
from leadscore.model.conditions import Condition
from leadscore.model.suggest import suggest


class FitRule(Strict):
    """Points once when the contact's fields satisfy `when`."""

    id: Id = Field(description="Unique within the program; names the `rule:<id>` output column.")
    when: Condition = Field(description="The condition on contact fields.")
    points: Number = Field(description="Points when the condition holds (negative to subtract).")
    description: str | None = Field(None, description="Free text for people reading the model.")


def _event_types(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise problem(
            "event",
            "the list of event types is empty, so the rule never counts anything",
            hint="name at least one event type, such as event: page_view",
        )
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item:
            raise problem(
                "event",
                f"an event type is a non-empty text such as page_view, got {describe(item)}",
                code="E203",
                at=i if isinstance(value, list) else None,
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
        if "event" in value:
            return "#behaviour"
        if "when" in value:
            return "#fit"
        # neither: a misspelt `event` or a key only behaviour rules have decides

        only_behaviour = set(BehaviourRule.model_fields) - set(FitRule.model_fields)
        for key in value:
            if key in only_behaviour or suggest(str(key), ["event", "when"]) == "event":
                return "#behaviour"
        return "#fit"
    if isinstance(value, BehaviourRule):
        return "#behaviour"
    if isinstance(value, FitRule):
        return "#fit"
    return None


def _rule_shape(value: Any) -> Any:
    """A rule is a fit rule (`when`) or a behaviour rule (`event`): say so when it is neither."""
    if not isinstance(value, dict):
        return value
    if "when" in value and "event" in value:
        raise problem(
            "rule_shape",
            "a rule has when: (a fit rule, on contact fields) or event: (a behaviour rule), not both",
            hint="a behaviour rule tests the event's properties with where: {field: url, contains: pricing}",
            at="when",
            at_key=True,
        )
    neither = "when" not in value and "event" not in value and _rule_kind(value) == "#fit"
    if neither and not any(suggest(str(k), ["when", "event"]) for k in value):
        raise problem(
            "rule_shape",
            "a rule needs when: (points for contact fields) or event: (points per event)",
            hint="for example when: {field: industry, eq: saas}, or event: page_view",
            code="E202",
        )
    return value


Rule = Annotated[
    Annotated[FitRule, Tag("#fit")] | Annotated[BehaviourRule, Tag("#behaviour")],
    Discriminator(
        _rule_kind,
        custom_error_type="rule_type",
        custom_error_message="expected a rule: {id, when, points} or {id, event, points}",
    ),
    BeforeValidator(_rule_shape),
]


def check_bounds(lo: float | None, hi: float | None) -> None:
    if lo is not None and hi is not None and lo > hi:
        raise problem(
            "bounds",
            f"min ({number_text(lo)}) is greater than max ({number_text(hi)})",
            hint="min is the lowest value and max the highest (the budget); swap them",
            at="min",
        )


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
