"""Turn pydantic validation errors into located, readable diagnostics.

pydantic reports a path (`loc`) per error; the :class:`SourceMap` turns it into
`file:line:col`. Union tags that pydantic inserts into paths (`leaf`, `behaviour`, …) are
removed, and unknown keys get a "did you mean" from the keys the schema allows there.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from leadscore.diagnostics import Diagnostic
from leadscore.model.yaml_source import Path, SourceMap

_TAGS = frozenset(
    {"leaf", "all", "any", "not", "fit", "behaviour", "plain", "encoded",
     "webhook", "assign", "add_to_segment", "remove_from_segment", "set_stage"}
)  # fmt: skip

_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "tuple_type": "a list",
}


def _clean_path(loc: tuple[Any, ...], data: Any) -> tuple[Path, list[Any]]:
    """Drop union tags from a pydantic path, keeping the matching schema tags aside."""
    path: list[str | int] = []
    tags: list[Any] = []
    node = data
    for part in loc:
        if isinstance(part, str) and part in _TAGS and not (isinstance(node, dict) and part in node):
            tags.append(part)
            continue
        if (
            isinstance(part, str)
            and part.startswith(
                (
                    "function-",
                    "list[",
                    "dict[",
                    "tuple[",
                    "literal[",
                    "str",
                    "int",
                    "float",
                    "bool",
                    "json-or-python",
                )
            )
            and not (isinstance(node, dict) and part in node)
        ):
            continue
        path.append(part)
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return tuple(path), tags


def _unwrap(tp: Any) -> list[Any]:
    """All concrete types an annotation can hold."""
    origin = get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(get_args(tp)[0])
    if origin in (Union, types.UnionType):
        out: list[Any] = []
        for a in get_args(tp):
            out.extend(_unwrap(a))
        return out
    return [tp]


def model_class_at(root: type[BaseModel], path: Path, data: Any) -> type[BaseModel] | None:
    """The pydantic class that validates the mapping at `path` (for listing allowed keys)."""
    candidates: list[Any] = [root]
    node = data
    for part in path:
        nxt: list[Any] = []
        for c in candidates:
            for t in _unwrap(c):
                origin = get_origin(t)
                if isinstance(t, type) and issubclass(t, BaseModel) and isinstance(part, str):
                    for name, f in t.model_fields.items():
                        if part in (name, f.alias):
                            nxt.append(f.annotation)
                elif origin in (list, tuple) and isinstance(part, int):
                    nxt.append(get_args(t)[0])
                elif origin is dict:
                    nxt.append(get_args(t)[1])
        candidates = nxt
        node = (
            node.get(part)
            if isinstance(node, dict)
            else (
                node[part] if isinstance(node, list) and isinstance(part, int) and part < len(node) else None
            )
        )
    models = [t for c in candidates for t in _unwrap(c) if isinstance(t, type) and issubclass(t, BaseModel)]
    if len(models) == 1:
        return models[0]
    if models and isinstance(node, dict):
        # choose the class whose keys best match what the user wrote
        def overlap(m: type[BaseModel]) -> int:
            keys = {f.alias or n for n, f in m.model_fields.items()}
            return len(keys & set(node))

        return max(models, key=overlap)
    return None


def allowed_keys(cls: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in cls.model_fields.items()]


def did_you_mean(word: str, options: list[str]) -> str | None:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:
        lowered = {o.lower(): o for o in options}
        if word.lower() in lowered:
            return lowered[word.lower()]
        return None
    return close[0]


def pydantic_diagnostics(
    exc: ValidationError, root: type[BaseModel], data: Any, source: SourceMap
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    seen: set[tuple[Path, str]] = set()
    for err in exc.errors(include_url=False):
        path, _ = _clean_path(tuple(err["loc"]), data)
        etype = err["type"]
        msg = err["msg"]
        hint: str | None = None
        if etype == "extra_forbidden":
            key = path[-1] if path else "?"
            cls = model_class_at(root, path[:-1], data)
            options = allowed_keys(cls) if cls else []
            guess = did_you_mean(str(key), options) if options else None
            code, message = "E201", f"unknown key '{key}'"
            if guess:
                message += f" (did you mean '{guess}'?)"
            if options:
                hint = "allowed here: " + ", ".join(options)
            loc = source.location(path, prefer_key=True)
        elif etype == "missing":
            key = path[-1] if path else "?"
            code, message = "E202", f"missing required key '{key}'"
            parent = model_class_at(root, path[:-1], data)
            if parent is not None:
                field = next((f for n, f in parent.model_fields.items() if key in (n, f.alias)), None)
                if field is not None and field.description:
                    hint = f"'{key}': {field.description}"
            loc = source.location(path[:-1], prefer_key=True)
        elif etype in _TYPE_WORDS:
            code = "E203"
            got = err.get("input")
            from leadscore.model.base import describe

            message = f"expected {_TYPE_WORDS[etype]}, got {describe(got)}"
            if etype == "string_type" and isinstance(got, int | float | bool):
                hint = "quote the value to use it as text"
            loc = source.location(path)
        elif etype == "literal_error":
            code = "E204"
            expected = err.get("ctx", {}).get("expected", "")
            message = f"expected one of {expected}, got {err.get('input')!r}"
            options = [
                o.strip().strip("'") for o in str(expected).replace(" or ", ",").split(",") if o.strip()
            ]
            guess = did_you_mean(str(err.get("input")), options)
            if guess:
                message += f" (did you mean '{guess}'?)"
            loc = source.location(path)
        elif etype in ("too_short", "too_long"):
            code, message = "E204", msg[0].lower() + msg[1:]
            loc = source.location(path)
        elif etype in ("greater_than_equal", "greater_than", "less_than_equal"):
            code, message = "E204", f"{msg[0].lower()}{msg[1:]}, got {err.get('input')!r}"
            loc = source.location(path)
        else:
            code, message = "E204", msg[0].lower() + msg[1:] if msg else etype
            if message.startswith("value error, "):
                message = message[len("value error, ") :]
            loc = source.location(path)
        if (path, message) in seen:
            continue
        seen.add((path, message))
        out.append(Diagnostic(code, message, loc, hint, path=path))
    return out
