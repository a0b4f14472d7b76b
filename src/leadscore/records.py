"""The canonical in-memory shapes of contacts and events, after loading and typing.

Every engine reads data normalised to these shapes: contact fields typed by the model's
`fields` (undeclared columns are text), event properties as text, instants as exact UTC
microseconds. The reference evaluator works on these objects directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

Value = str | int | float | bool | None


@dataclass(frozen=True)
class Contact:
    contact_id: str
    fields: Mapping[str, Value] = field(default_factory=dict)

    def get(self, name: str) -> Value:
        if name == "contact_id":
            return self.contact_id
        return self.fields.get(name)


@dataclass(frozen=True)
class Event:
    event_id: str
    contact_id: str
    type: str
    ts: int  # UTC microseconds since the Unix epoch
    props: Mapping[str, str | None] = field(default_factory=dict)

    def get(self, name: str) -> str | None:
        if name == "type":
            return self.type
        return self.props.get(name)

    @property
    def is_bot(self) -> bool:
        value = self.props.get("is_bot")
        return value is not None and value.lower() == "true"
