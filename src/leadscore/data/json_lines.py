"""Read JSON Lines into an Arrow table of text, keeping each row's line number.

JSON Lines is read line by line (a bad line is reported and skipped); a `properties` object
(or, in CSV, a `properties` column of JSON text) is flattened into columns, and numbers keep
their original text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from leadscore.data.report import BadRow
from leadscore.data.text_readers import (
    LINE,
    NOT_JSON,
    PROPERTIES,
    Progress,
    TextTable,
    not_utf8,
    open_text,
    reading,
    unreadable,
)
from leadscore.diagnostics import LeadscoreError


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value if value != "" else None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _RawNumber(str):
    """A JSON number kept as the text it was written in."""


class _RepeatedKey(ValueError):
    """A JSON object that gives one key twice (json.loads would keep the last silently)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise _RepeatedKey(k)
            seen.add(k)
    return obj


class _LoneSurrogate(ValueError):
    """A `\\ud83d` escape without its other half: half of a character, which no text can hold."""

    def __init__(self, escape: str) -> None:
        super().__init__(escape)
        self.reason = (
            f"{escape} is half of a character (a UTF-16 surrogate without its pair), not text; "
            "the program that wrote the line cut a character in two"
        )


# an escape of a UTF-16 surrogate (\ud800-\udfff): a pair makes one character, one alone is none
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _loads(line: str, wanted: set[str] | None = None) -> Any:
    """Parse JSON keeping numbers' text; a key given twice is an error when it is read (in
    `wanted`, or `wanted` is None), else the last one counts, as in json.loads. A lone
    surrogate escape anywhere in the line is an error (_LoneSurrogate): the text could not be
    stored or written."""
    try:
        value = json.loads(line, parse_float=_RawNumber, parse_int=_RawNumber, object_pairs_hook=_object)
    except _RepeatedKey as exc:
        if wanted is None or exc.key in wanted or exc.key == PROPERTIES:
            raise
        value = json.loads(line, parse_float=_RawNumber, parse_int=_RawNumber)
    if _SURROGATE_ESCAPE.search(line) is not None:  # rare: look for one left alone
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            bad = exc.object[exc.start : exc.end]
            raise _LoneSurrogate("".join(f"\\u{ord(c):04x}" for c in bad)) from None
    return value


def _twice(key: str) -> str:
    return f"the key '{key}' is given twice; which one counts is unclear"


def flatten_properties(record: dict[str, Any], wanted: set[str] | None) -> dict[str, str | None]:
    """Top-level keys, plus the keys of a `properties` object (top-level wins on a clash)."""
    out: dict[str, str | None] = {}
    props = record.get(PROPERTIES)
    if isinstance(props, dict):
        for k, v in props.items():
            if wanted is None or k in wanted:
                out[k] = _text(v)
    for k, v in record.items():
        if k == PROPERTIES and isinstance(v, dict):
            continue
        if wanted is None or k in wanted:
            out[k] = _text(v)
    return out


def _properties_object(record: dict[str, Any], wanted: set[str] | None) -> str | None:
    """A `properties` written as JSON text (`"{\\"url\\": …}"`) becomes its object, in place; the
    reason the line is bad when it is neither an object nor the text of one, and is read (some
    wanted key is not at the top level), else None. As for a CSV `properties` column."""
    props = record.get(PROPERTIES)
    if isinstance(props, str) and not props.strip():  # "" holds none, as an empty CSV cell
        record[PROPERTIES] = props = None
    if props is None or isinstance(props, dict):
        return None
    if wanted is not None and all(w in record for w in wanted):
        return None  # every key the model reads is at the top level: properties is not read
    if not isinstance(props, str):
        return _NOT_AN_OBJECT
    parsed, why = properties_from_text(props, wanted)
    if parsed is not None:
        record[PROPERTIES] = parsed
    return why


_NOT_AN_OBJECT = "properties must be a JSON object {...}"


def properties_from_text(text: str, wanted: set[str] | None) -> tuple[dict[str, Any] | None, str | None]:
    """The object a `properties` text holds, or the reason it holds none (a bad row)."""
    try:
        obj = _loads(text, wanted)
    except json.JSONDecodeError as exc:
        return None, f"{NOT_JSON}: {exc.msg}"
    except _RepeatedKey as exc:
        return None, f"properties: {_twice(exc.key)}"
    except _LoneSurrogate as exc:
        return None, f"properties: {exc.reason}"
    return (obj, None) if isinstance(obj, dict) else (None, _NOT_AN_OBJECT)


IDENTITY_KEYS = ("contact_id", "event_id", "type", "timestamp")


def _not_single(record: dict[str, Any], wanted: set[str] | None) -> str | None:
    """Why a key that is read holds no single value: a JSON array or object (as text it would
    be compared as `["c18"]`), or a boolean where an id, a type or a timestamp belongs. Keys
    that are not read may hold anything (a CRM's `address` object, a list of `tags`)."""
    for key, value in record.items():
        if key == PROPERTIES or (wanted is not None and key not in wanted):
            continue
        if isinstance(value, list | dict):
            return f"{key}: {_kind(value)} where one value belongs"
        if isinstance(value, bool) and key in IDENTITY_KEYS:
            return f"{key}: {str(value).lower()} is not an id, a type or a timestamp"
    props = record.get(PROPERTIES)
    if isinstance(props, dict):
        return nested_property(props, wanted, record)
    return None


def _kind(value: list[Any] | dict[str, Any]) -> str:
    return "an array" if isinstance(value, list) else "an object"


def nested_property(props: dict[str, Any], wanted: set[str] | None, columns: Any = ()) -> str | None:
    """Why a key of `properties` that is read (not given as a column too) holds no single value."""
    for key, value in props.items():
        if (wanted is None or key in wanted) and key not in columns and isinstance(value, list | dict):
            return f"properties.{key}: {_kind(value)} where one value belongs"
    return None


def iter_jsonl(path: Path) -> Iterator[tuple[int, str]]:
    # JSON Lines ends a line at \n only: a carriage return inside a line is JSON's whitespace
    # (a \r\n ending leaves one at the end, which is whitespace too)
    with open_text(path, newline="\n") as f:
        yield from enumerate(f, start=1)


def read_jsonl(
    path: Path,
    wanted: set[str] | None = None,
    progress: Progress | None = None,
    reads: set[str] | None = None,
) -> TextTable:
    """The lines as rows of text: the keys in `wanted` (all when None); `reads`, the keys the
    model reads when not all of them (a key not read may hold an object or an array)."""
    with reading(path):
        return _read_jsonl(path, wanted, progress, wanted if reads is None else reads)


def _read_jsonl(
    path: Path, wanted: set[str] | None, progress: Progress | None, reads: set[str] | None
) -> TextTable:
    columns: dict[str, list[str | None]] = {}
    lines: list[int] = []
    bad: list[BadRow] = []
    shadowed: set[str] = set()
    keys: dict[str, int] = {}  # every top-level key, in the order first seen: its first line
    count = 0
    written = 0  # lines that are not blank
    for n, line in iter_jsonl(path):
        if not line.strip():
            continue
        written += 1
        # a JSON array over many lines is a JSON file, not JSON Lines; an array on one line is
        # that too when it is the only line (see below), else a bad row like any other
        if written == 1 and line.lstrip().startswith("[") and not _one_value(line):
            raise _json_array(path)
        if written == 1 and line.strip() == "{":  # an object written over several lines
            raise _pretty_json(path)
        if (why := not_utf8(line)) is not None:
            bad.append(BadRow(str(path), n, why))
            continue
        try:
            record = _loads(line, reads)
        except json.JSONDecodeError as exc:  # at the end of the text, not past its line break
            bad.append(
                BadRow(
                    str(path),
                    n,
                    # Python words some messages to end in "at" ("Unterminated string starting at")
                    f"not valid JSON: {exc.msg.removesuffix(' at')} at column {min(exc.pos, len(line.rstrip())) + 1}",
                )
            )
            continue
        except _RepeatedKey as exc:
            bad.append(BadRow(str(path), n, _twice(exc.key)))
            continue
        except _LoneSurrogate as exc:
            bad.append(BadRow(str(path), n, exc.reason))
            continue
        if not isinstance(record, dict):
            bad.append(BadRow(str(path), n, LINE_NOT_AN_OBJECT))
            continue
        for key in record:  # also of a line that is bad below: the key is in the file
            keys.setdefault(key, n)
        if (why := _properties_object(record, wanted) or _not_single(record, reads)) is not None:
            bad.append(BadRow(str(path), n, why))
            continue
        props = record.get(PROPERTIES)
        if isinstance(props, dict):
            shadowed.update(k for k in props if k in record and (wanted is None or k in wanted))
        flat = flatten_properties(record, wanted)
        for k in flat.keys() - columns.keys():
            columns[k] = [None] * count
        for k, col in columns.items():
            col.append(flat.get(k))
        lines.append(n)
        count += 1
        if progress is not None and count % 100_000 == 0:
            progress(count)
    if written == 1 and count == 0 and bad and bad[0].reason == LINE_NOT_AN_OBJECT:
        first = next(line for _, line in iter_jsonl(path) if line.strip())
        if first.lstrip().startswith("["):
            raise _json_array(path)
    data = {k: pa.array(v, pa.string()) for k, v in columns.items()}
    data[LINE] = pa.array(lines, pa.int64())
    return TextTable(pa.table(data), bad, shadowed, list(keys), keys)


LINE_NOT_AN_OBJECT = "a line must be a JSON object {...}"


def _one_value(line: str) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def _pretty_json(path: Path) -> LeadscoreError:
    target = f"{path.stem}.jsonl" if path.suffix != ".jsonl" else f"{path.stem}.lines.jsonl"
    return unreadable(
        path,
        "it holds JSON written over several lines (pretty-printed), and leadscore reads JSON Lines "
        "(one object per line)",
        f"write one object per line to a new file, for instance with jq -c . {path.name} > {target}",
    )


def _json_array(path: Path) -> LeadscoreError:
    # the hint writes to another file: `jq … x.jsonl > x.jsonl` would empty x.jsonl first
    target = f"{path.stem}.jsonl" if path.suffix != ".jsonl" else f"{path.stem}.lines.jsonl"
    return unreadable(
        path,
        "it holds a JSON array, and leadscore reads JSON Lines (one object per line)",
        f"write one object per line to a new file, for instance with jq -c '.[]' {path.name} > {target}",
    )


def expand_json_column(table: pa.Table, wanted: set[str], path: Path) -> TextTable:
    """Flatten a CSV column `properties` holding JSON objects into text columns."""
    if PROPERTIES not in table.column_names:
        return TextTable(table)
    raw = table.column(PROPERTIES).to_pylist()
    line_numbers = table.column(LINE).to_pylist()
    missing = [w for w in wanted if w not in table.column_names]
    columns = {w for w in wanted if w in table.column_names}
    values: dict[str, list[str | None]] = {w: [] for w in missing}
    keep: list[bool] = []
    bad: list[BadRow] = []
    shadowed: set[str] = set()
    for text, line in zip(raw, line_numbers, strict=True):
        obj: dict[str, Any] = {}
        if text is not None:
            parsed, why = properties_from_text(text, wanted)
            if parsed is None:
                bad.append(BadRow(str(path), line, str(why)))
                keep.append(False)
                continue
            obj = parsed
            shadowed.update(columns & obj.keys())
            if (why := nested_property(obj, set(missing))) is not None:
                bad.append(BadRow(str(path), line, why))
                keep.append(False)
                continue
        keep.append(True)
        for w in missing:
            values[w].append(_text(obj.get(w)))
    mask = pa.array(keep, pa.bool_())
    out = table.drop_columns([PROPERTIES]).filter(mask)
    for w in missing:
        out = out.append_column(w, pa.array(values[w], pa.string()))
    return TextTable(out, bad, shadowed)
