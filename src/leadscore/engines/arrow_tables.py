"""Canonical records as Arrow tables, the shape every engine loads (see :mod:`leadscore.records`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa

from leadscore.compiled.ir import CompiledModel, Kind
from leadscore.records import Contact, Event

ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "text": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
}


def contact_schema(fields: Sequence[tuple[str, Kind]]) -> pa.Schema:
    return pa.schema([("contact_id", pa.string()), *((name, ARROW_TYPES[kind]) for name, kind in fields)])


def event_schema(properties: Sequence[str]) -> pa.Schema:
    return pa.schema(
        [
            ("event_id", pa.string()),
            ("contact_id", pa.string()),
            ("type", pa.string()),
            ("timestamp", pa.timestamp("us")),
            *((p, pa.string()) for p in properties),
        ]
    )


def contacts_table(contacts: Iterable[Contact], fields: Sequence[tuple[str, Kind]]) -> pa.Table:
    rows = list(contacts)
    data: dict[str, list[Any]] = {"contact_id": [c.contact_id for c in rows]}
    for name, kind in fields:
        values = [c.fields.get(name) for c in rows]
        if kind == "integer":
            values = [None if v is None else int(v) for v in values]
        elif kind == "number":
            values = [None if v is None else float(v) for v in values]
        data[name] = values
    return pa.table(data, schema=contact_schema(fields))


def events_table(events: Iterable[Event], properties: Sequence[str]) -> pa.Table:
    rows = list(events)
    data: dict[str, Any] = {
        "event_id": [e.event_id for e in rows],
        "contact_id": [e.contact_id for e in rows],
        "type": [e.type for e in rows],
        "timestamp": pa.array([e.ts for e in rows], pa.int64()).cast(pa.timestamp("us")),
    }
    for p in properties:
        data[p] = [e.props.get(p) for e in rows]
    return pa.table(data, schema=event_schema(properties))


def model_fields(cm: CompiledModel) -> list[tuple[str, Kind]]:
    return [(f.name, f.kind) for f in cm.contact_fields]
