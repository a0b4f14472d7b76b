"""Write canonical records as user files (CSV, JSON Lines, Parquet) for data-in tests."""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from leadscore.durations import MICROS_PER_SECOND, format_instant, from_micros
from leadscore.records import Contact, Event, Value

OFFSETS = [0, 2 * 3600, -5 * 3600, 5 * 3600 + 30 * 60]


def instant_text(ts: int, rng: random.Random) -> str:
    """The same instant written in one of several ISO 8601 styles (Z, offsets, naive)."""
    style = rng.randrange(4)
    if style == 0:
        return format_instant(ts)
    if style == 1:
        return from_micros(ts).strftime("%Y-%m-%d %H:%M:%S.%f")  # naive is UTC
    offset = rng.choice(OFFSETS)
    local = from_micros(ts + offset * MICROS_PER_SECOND)
    sign = "+" if offset >= 0 else "-"
    hh, mm = divmod(abs(offset) // 60, 60)
    return local.strftime("%Y-%m-%dT%H:%M:%S.%f") + f"{sign}{hh:02d}:{mm:02d}"


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def write_contacts(path: Path, contacts: Sequence[Contact], columns: Sequence[str], fmt: str) -> None:
    if fmt == "csv":
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["contact_id", *columns])
            for c in contacts:
                w.writerow([c.contact_id, *(_cell(c.fields.get(k)) for k in columns)])
    elif fmt == "jsonl":
        with open(path, "w", encoding="utf-8") as f:
            for c in contacts:
                f.write(
                    json.dumps({"contact_id": c.contact_id, **{k: c.fields.get(k) for k in columns}}) + "\n"
                )
    else:
        raise ValueError(fmt)


def write_contacts_parquet(path: Path, contacts: Sequence[Contact], types: dict[str, pa.DataType]) -> None:
    data: dict[str, list[Value]] = {"contact_id": [c.contact_id for c in contacts]}
    for k in types:
        data[k] = [c.fields.get(k) for c in contacts]
    pq.write_table(pa.table(data, schema=pa.schema([("contact_id", pa.string()), *types.items()])), path)


def write_events(
    path: Path,
    events: Sequence[Event],
    props: Sequence[str],
    fmt: str,
    rng: random.Random,
    json_props: bool = False,
) -> None:
    if fmt == "csv":
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(
                ["event_id", "contact_id", "type", "timestamp", *(["properties"] if json_props else props)]
            )
            for e in events:
                head = [e.event_id, e.contact_id, e.type, instant_text(e.ts, rng)]
                if json_props:
                    w.writerow([*head, json.dumps({k: v for k, v in e.props.items() if v is not None})])
                else:
                    w.writerow([*head, *(_cell(e.props.get(p)) for p in props)])
    elif fmt == "jsonl":
        with open(path, "w", encoding="utf-8") as f:
            for e in events:
                rec: dict[str, Any] = {
                    "event_id": e.event_id,
                    "contact_id": e.contact_id,
                    "type": e.type,
                    "timestamp": instant_text(e.ts, rng),
                }
                if json_props:
                    rec["properties"] = {k: v for k, v in e.props.items() if v is not None}
                else:
                    rec.update({p: e.props.get(p) for p in props})
                f.write(json.dumps(rec, ensure_ascii=bool(rng.randrange(2))) + "\n")
    elif fmt == "parquet":
        table = pa.table(
            {
                "event_id": [e.event_id for e in events],
                "contact_id": [e.contact_id for e in events],
                "type": [e.type for e in events],
                "timestamp": pa.array([e.ts for e in events], pa.int64()).cast(pa.timestamp("us", tz="UTC")),
                **(
                    {
                        "properties": [
                            json.dumps({k: v for k, v in e.props.items() if v is not None}) for e in events
                        ]
                    }
                    if json_props
                    else {p: pa.array([e.props.get(p) for e in events], pa.string()) for p in props}
                ),
            }
        )
        pq.write_table(table, path)
    else:
        raise ValueError(fmt)
