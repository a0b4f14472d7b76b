"""The model file format (SPEC §4) as strict pydantic models.

The same classes validate a model file, generate its JSON Schema (`leadscore schema`) and the
model reference in `docs/`. Cross-references (a matrix naming a dimension, a trigger naming a
program, operand types against `fields`) are checked in :mod:`leadscore.model.checks`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from leadscore.model.base import Day, Id, PositiveDuration, Strict, describe, number_text, problem
from leadscore.model.dimension import Band, Decay, DecayBy, Dimension, Floor
from leadscore.model.program import Encoded, EncodedFormat, Gate, MqlStage, Program, Segment, Stages
from leadscore.model.rules import BehaviourRule, Category, FitRule, Rule
from leadscore.model.triggers import Trigger, TriggerOn

__all__ = [
    "RESERVED_EVENT_FIELDS",
    "Band",
    "BehaviourRule",
    "Category",
    "Decay",
    "DecayBy",
    "Dimension",
    "Encoded",
    "EncodedFormat",
    "FieldType",
    "FitRule",
    "Floor",
    "Gate",
    "Model",
    "MqlStage",
    "Program",
    "Review",
    "Rule",
    "RuleT",
    "Segment",
    "Stages",
    "Trigger",
    "TriggerOn",
]

FieldType = Literal["string", "integer", "number", "boolean"]
RESERVED_EVENT_FIELDS = ("event_id", "contact_id", "timestamp")


class Review(Strict):
    """When the model is due for review against real outcomes."""

    first_after: PositiveDuration | None = Field(
        None, description="First review this long after the model went live."
    )
    every: PositiveDuration | None = Field(None, description="Then a review at this interval.")
    since: Day | None = Field(
        None,
        description="The day this version went live (YYYY-MM-DD); the schedule counts from it. "
        "Default: the date of the first version with the current `version` (see `leadscore status`).",
    )
    last_review: Day | None = Field(
        None,
        description="The day of the last review (YYYY-MM-DD). Reviews due on or before it count as "
        "done; `leadscore status` reports the next one.",
    )


class Model(Strict):
    """A scoring model: typed contact fields, programs and triggers."""

    model: Id = Field(description="The model's name.")
    version: int | str = Field(description="The model version stamped on every score.")
    description: str | None = None
    author: str | None = Field(None, description="Who wrote this version.")
    change_note: str | None = Field(None, description="What changed in this version and why.")
    date: Day | None = Field(
        None,
        description="When this version was made (YYYY-MM-DD), shown by `leadscore history`. "
        "Default: the commit date in git, else the file's modification time.",
    )
    review: Review | None = Field(None, description="Review reminders.")
    fields: dict[str, FieldType] = Field(
        default_factory=dict, description="Typed contact fields (others are text)."
    )
    programs: list[Program] = Field(min_length=1, description="The scoring programs.")
    triggers: list[Trigger] = Field(default_factory=list, description="Automations on score transitions.")

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, v: Any) -> Any:
        if isinstance(v, float) and not isinstance(v, bool):
            raise problem(
                "version",
                f"the version is a whole number or a text, got the number {number_text(v)}",
                hint=f'quote it to keep it as written: version: "{number_text(v)}"',
                code="E203",
            )
        if isinstance(v, bool) or not isinstance(v, int | str) or v == "":
            raise problem(
                "version",
                f"the version is a whole number such as 3 or a text such as 2026-06, got {describe(v)}",
                code="E203",
            )
        return v

    @field_validator("fields")
    @classmethod
    def _fields(cls, v: dict[str, str]) -> dict[str, str]:
        if "contact_id" in v:
            raise problem(
                "fields",
                "contact_id is built in; do not declare it under fields",
                hint="contact_id is always text; remove this line",
                at="contact_id",
                at_key=True,
            )
        return v

    @property
    def version_label(self) -> str:
        return str(self.version)


RuleT = FitRule | BehaviourRule
