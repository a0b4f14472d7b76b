"""Triggers: automations on score transitions (parsed and validated; executed by the service)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from leadscore.model.base import (
    Id,
    Label,
    Name,
    Number,
    Strict,
    exactly_one,
    problem,
)

WATCHED = ("stage_enters", "band_enters", "score_crosses_above", "score_crosses_below")


class TriggerOn(Strict):
    """When the trigger fires: the moment its condition turns from false to true."""

    model_config = ConfigDict(json_schema_extra=exactly_one(*WATCHED))

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
        set_ = [k for k in WATCHED if getattr(self, k) is not None]
        things = "stage_enters, band_enters, score_crosses_above or score_crosses_below"
        if not set_:
            raise problem(
                "trigger_on",
                f"the trigger watches nothing; give it one of {things}",
                hint="for example on: {program: main, stage_enters: mql}",
                code="E202",
            )
        if len(set_) > 1:
            raise problem(
                "trigger_on",
                f"a trigger watches one thing, this one watches {' and '.join(set_)}",
                hint="make one trigger for each",
                at=set_[1],
                at_key=True,
            )
        if self.dimension is not None and self.stage_enters is not None:
            raise problem(
                "trigger_on",
                "stage_enters watches the program, not a dimension",
                hint="drop dimension:, or watch the dimension with band_enters or score_crosses_above",
                at="dimension",
                at_key=True,
            )
        return self


class Webhook(Strict):
    """An HTTP POST of the transition as JSON, signed when a secret is named."""

    url: str = Field(
        description="Where to POST the JSON payload.", json_schema_extra={"pattern": "^https?://"}
    )
    secret_env: str | None = Field(
        None, description="Environment variable holding the HMAC-SHA256 signing secret."
    )
    headers: dict[str, str] | None = Field(None, description="Extra HTTP headers.")

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not re.match(r"^https?://", v):
            raise problem(
                "url",
                f"a webhook URL starts with http:// or https://, got '{v}'",
                hint=f"write https://{v}" if "://" not in v else None,
            )
        return v


class Assign(Strict):
    """Give the contact an owner: one named owner, or the next of a list in turn."""

    model_config = ConfigDict(json_schema_extra=exactly_one("round_robin", "owner"))

    round_robin: list[str] | None = Field(None, min_length=1, description="Owners to take turns.")
    owner: str | None = Field(None, description="One owner.")

    @model_validator(mode="after")
    def _one(self) -> Assign:
        if (self.round_robin is None) == (self.owner is None):
            raise problem(
                "assign",
                "assign takes either round_robin: [..] or owner: name",
                hint="for example assign: {round_robin: [ana, ben]} or assign: {owner: ana}",
            )
        return self


class WebhookAction(Strict):
    """`- webhook: {...}`: call a URL when the trigger fires."""

    webhook: Webhook = Field(description="Where and how to send the transition.")


class AssignAction(Strict):
    """`- assign: {...}`: give the contact an owner when the trigger fires."""

    assign: Assign = Field(description="The owner, or the owners who take turns.")


class SegmentAction(Strict):
    """`- add_to_segment: NAME`: put the contact in a segment when the trigger fires."""

    add_to_segment: str = Field(description="The segment's name.")


class RemoveSegmentAction(Strict):
    """`- remove_from_segment: NAME`: take the contact out of a segment when the trigger fires."""

    remove_from_segment: str = Field(description="The segment's name.")


class StageAction(Strict):
    """`- set_stage: NAME`: move the contact to a lifecycle stage when the trigger fires."""

    set_stage: str = Field(description="The stage, such as mql or sal.")


_ACTIONS = {
    "webhook": "#webhook",
    "assign": "#assign",
    "add_to_segment": "#add_to_segment",
    "remove_from_segment": "#remove_from_segment",
    "set_stage": "#set_stage",
}


ACTIONS: tuple[str, ...] = tuple(_ACTIONS)


def _action_kind(value: Any) -> str | None:
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        return _ACTIONS.get(key)
    for cls, tag in (
        (WebhookAction, "#webhook"),
        (AssignAction, "#assign"),
        (SegmentAction, "#add_to_segment"),
        (RemoveSegmentAction, "#remove_from_segment"),
        (StageAction, "#set_stage"),
    ):
        if isinstance(value, cls):
            return tag
    return None


Action = Annotated[
    Annotated[WebhookAction, Tag("#webhook")]
    | Annotated[AssignAction, Tag("#assign")]
    | Annotated[SegmentAction, Tag("#add_to_segment")]
    | Annotated[RemoveSegmentAction, Tag("#remove_from_segment")]
    | Annotated[StageAction, Tag("#set_stage")],
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
