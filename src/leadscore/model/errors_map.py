"""Turn pydantic validation errors into located, readable diagnostics.

pydantic reports a path (`loc`) per error; the :class:`SourceMap` turns it into
`file:line:col`. Union tags that pydantic inserts into paths (`leaf`, `behaviour`, …) are
removed, and unknown keys get a "did you mean" from the keys the schema allows there (and
from a few words users reach for, such as `greater_than` for `gt` or `int` for `integer`).
Validators raise :func:`leadscore.model.base.problem` errors to give a hint, a code or a
more precise location (`at`) than the object they validate.

Every problem in a model file has a stable code. `tests/model/golden/` pins how each renders.

======  ==========================================================================
code    meaning
======  ==========================================================================
E001    the model file cannot be found or read
E002    the model file is not UTF-8 text (at the line and column of the first bad byte)
E100    YAML syntax error (indentation, a tab, an unclosed bracket or quote, …),
        brackets nested thousands of levels deep, or aliases (*name) that copy more
        than 10,000 values (aliases of aliases multiply)
E101    duplicate key in one mapping (every duplicate is reported)
E102    a key that is a list or a mapping, or null (`~:`)
E200    the model file is empty
E201    unknown key, operator or action (with a "did you mean")
E202    missing required key
E203    wrong type: text where a number is expected, a list where a mapping is, …
E204    bad value: out of range (a number beyond 1e9, a program whose score can reach
        beyond 1e15), not a duration (or one longer than 100000d), not one
        of the allowed words, keys that exclude each other (two operators in a condition,
        when and event in a rule); a program of more than 500 rules, a condition
        nested more than 32 levels deep, or two contact fields (event properties,
        dimensions, rule ids, segment map values) whose names differ only in letter case
E301    duplicate id (program, trigger, or rule/gate within a program)
E302    unknown reference: a dimension, program or band name that does not exist
E303    an operand or segment map that does not fit the field's declared type
E304    a regex outside the portable subset (SPEC §3a)
E305    a matrix dimension without bands
E306    a decay floor `P% of mql` in a program without an MQL threshold
E307    an encoded program with more than 9 gates
E308    a `where` condition on a reserved event column (event_id, contact_id, timestamp)
E309    a trigger on a stage or band the program does not have
E311    a trigger without `program:` in a model with several programs
W4xx    lint warnings: the model works, but practitioners would change it
        (:mod:`leadscore.model.lint`)
======  ==========================================================================
"""

from __future__ import annotations

import types
import typing
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, Tag, ValidationError

from leadscore.diagnostics import Diagnostic
from leadscore.model.base import describe, number_text
from leadscore.model.hints import EXAMPLES, ITEMS, TYPE_WORDS, literal_options, type_hint
from leadscore.model.suggest import suggest
from leadscore.model.yaml_source import Path, SourceMap


def _clean_path(loc: tuple[Any, ...], data: Any) -> tuple[Path, list[str]]:
    """Drop union tags (`#leaf`, `#behaviour`, …) from a pydantic path, keeping them aside."""
    path: list[str | int] = []
    tags: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, str) and part.startswith("#") and not (isinstance(node, dict) and part in node):
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


_TAG_OF: dict[Any, str] = {}  # union member → its tag, learnt while unwrapping


def _unwrap(tp: Any) -> list[Any]:
    """All concrete types an annotation can hold."""
    origin = get_origin(tp)
    if origin is typing.Annotated:
        inner, *meta = get_args(tp)
        for m in meta:
            if isinstance(m, Tag) and isinstance(m.tag, str):
                _TAG_OF[inner] = m.tag
        return _unwrap(inner)
    if origin in (Union, types.UnionType):
        out: list[Any] = []
        for a in get_args(tp):
            out.extend(_unwrap(a))
        return out
    return [tp]


def _node_at(data: Any, path: Path) -> Any:
    node = data
    for part in path:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node


def model_class_at(
    root: type[BaseModel],
    path: Path,
    data: Any,
    rejects: str | None = None,
    tags: list[str] | None = None,
) -> type[BaseModel] | None:
    """The pydantic class that validates the mapping at `path` (for listing allowed keys).

    `tags` are the union tags pydantic chose on the way (from the error's path); `rejects`
    names a key the class is known not to allow (an unknown key being reported). Both rule
    out the other members of a union.
    """
    candidates: list[Any] = [root]
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
    node = _node_at(data, path)
    models = [t for c in candidates for t in _unwrap(c) if isinstance(t, type) and issubclass(t, BaseModel)]
    if tags:
        models = [m for m in models if _TAG_OF.get(m) in tags or m not in _TAG_OF] or models
    if rejects is not None:
        models = [m for m in models if rejects not in allowed_keys(m)] or models
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


class _Rendered(typing.NamedTuple):
    diagnostic: Diagnostic
    suggestion: str | None  # for an unknown key: the key it probably meant


def _render(err: Any, root: type[BaseModel], data: Any, source: SourceMap) -> _Rendered:
    path, tags = _clean_path(tuple(err["loc"]), data)
    etype: str = err["type"]
    msg: str = err["msg"]
    got = err.get("input")
    ctx: dict[str, Any] = err.get("ctx") or {}
    hint: str | None = ctx.get("hint") if isinstance(ctx.get("hint"), str) else None
    suggestion: str | None = None
    at_key = False
    if isinstance(ctx.get("at"), tuple):
        path = (*path, *ctx["at"])
        at_key = bool(ctx.get("at_key"))
    if etype == "extra_forbidden":
        key = str(path[-1]) if path else "?"
        cls = model_class_at(root, path[:-1], data, rejects=key, tags=tags)
        options = allowed_keys(cls) if cls else []
        suggestion = suggest(key, options) if options else None
        from leadscore.model.conditions import OPERATORS, AllOf, AnyOf, Leaf, NotOf

        if cls is Leaf and key != "field":
            code, message = "E201", f"unknown operator '{key}'"
            ops = [o for o in OPERATORS if o in options]
            hint = "operators: " + ", ".join(ops) + " (and case_sensitive: true)"
        elif cls in (AllOf, AnyOf, NotOf):
            code, message = "E201", f"unknown key '{key}'"
            hint = "a condition is {field: ..., <operator>: ...}, or all: [...], any: [...] or not: {...}"
        else:
            code, message = "E201", f"unknown key '{key}'"
            if options:
                hint = "allowed here: " + ", ".join(options)
        if suggestion:
            message += f" (did you mean '{suggestion}'?)"
        return _Rendered(
            Diagnostic(code, message, source.location(path, prefer_key=True), hint, path=path),
            suggestion,
        )
    if etype == "missing":
        key = str(path[-1]) if path else "?"
        code, message = "E202", f"missing required key '{key}'"
        parent = model_class_at(root, path[:-1], data, tags=tags)
        description = None
        if parent is not None:
            field = next((f for n, f in parent.model_fields.items() if key in (n, f.alias)), None)
            if field is not None and field.description:
                description = field.description.rstrip(".")
                description = description[0].lower() + description[1:]
        example = EXAMPLES.get(key)
        if example and description:
            hint = f"for example {example} — {description}"
        elif example:
            hint = f"for example {example}"
        elif description:
            hint = f"'{key}': {description}"
        return _Rendered(
            Diagnostic(code, message, source.location(path[:-1], prefer_key=True), hint, path=path), None
        )
    if etype in TYPE_WORDS:
        code = "E203"
        message = f"expected {TYPE_WORDS[etype]}, got {describe(got)}"
        hint = type_hint(etype, got, path[-1] if path else None)
    elif etype == "literal_error":
        code = "E204"
        expected = str(ctx.get("expected", ""))
        options = literal_options(expected)
        suggestion = suggest(str(got), options)
        if len(path) == 2 and path[0] == "fields":
            message = f"unknown field type '{got}'"
            hint = "a field is string, integer, number or boolean"
        else:
            message = f"expected one of {expected}, got {got!r}"
        if suggestion:
            message += f" (did you mean '{suggestion}'?)"
    elif etype == "too_short":
        code = "E204"
        key = str(path[-1]) if path else "the list"
        n = int(ctx.get("min_length", 1))
        item = ITEMS.get(key, "entry")
        count = f"one {item}" if n == 1 else f"{n} {item}s"
        message = (
            f"'{key}' needs at least {count}, got none" if not got else f"'{key}' needs at least {count}"
        )
    elif etype in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        code = "E204"
        words = {
            "greater_than_equal": ("at least", "ge"),
            "greater_than": ("above", "gt"),
            "less_than_equal": ("at most", "le"),
            "less_than": ("below", "lt"),
        }[etype]
        bound = ctx.get(words[1])
        shown = number_text(got) if isinstance(got, int | float) and not isinstance(got, bool) else repr(got)
        message = f"expected {words[0]} {bound}, got {shown}"
        if path and path[-1] == "limit":
            hint = "limit: n counts the n most recent events; leave it out to count them all"
    elif etype == "action":
        return _Rendered(*_action(got, path, source))
    elif etype == "format":
        code = "E204"
        message = "expected plain or {encoded: {segment: ...}}" + (
            f", got {describe(got)}" if got is not None else ""
        )
        if got == "encoded":
            hint = "write format: {encoded: {}} for gates and points only, or add a segment map"
    elif etype in ("condition_type", "rule_type"):
        code = "E203"
        message = f"{msg}, got {describe(got)}"
        if etype == "condition_type" and isinstance(got, str):
            hint = "write the test as a mapping: {field: industry, eq: saas}"
    else:
        code = "E204"
        message = msg[0].lower() + msg[1:] if msg else etype
        if message.startswith("value error, "):
            message = message[len("value error, ") :]
        if message.startswith("input should be "):
            message = "expected " + message[len("input should be ") :]
    if isinstance(ctx.get("code"), str):
        code = ctx["code"]
    if path and path[-1] == "[key]":  # a mapping's key was refused (a name that is not valid): at the key
        loc = source.location(path[:-1], prefer_key=True)
    else:
        loc = source.location(path, prefer_key=at_key)
    return _Rendered(Diagnostic(code, message, loc, hint, path=path), suggestion)


def _action(got: Any, path: Path, source: SourceMap) -> tuple[Diagnostic, str | None]:
    """An entry of `do:` that is not one known action."""
    from leadscore.model.triggers import ACTIONS

    names = list(ACTIONS)
    if isinstance(got, dict) and len(got) == 1:
        key = str(next(iter(got)))
        guess = suggest(key, names)
        message = f"unknown action '{key}'" + (f" (did you mean '{guess}'?)" if guess else "")
        kpath = (*path, key)
        return (
            Diagnostic(
                "E201",
                message,
                source.location(kpath, prefer_key=True),
                "actions: " + ", ".join(names),
                path=kpath,
            ),
            guess,
        )
    if isinstance(got, dict) and len(got) > 1:
        keys = " and ".join(str(k) for k in got)
        return (
            Diagnostic(
                "E204",
                f"one action per list item, this one has {keys}",
                source.location(path),
                "start each action with its own '- '",
                path=path,
            ),
            None,
        )
    return (
        Diagnostic(
            "E203",
            f"expected one action such as add_to_segment: nurture, got {describe(got)}",
            source.location(path),
            "actions: " + ", ".join(names),
            path=path,
        ),
        None,
    )


def pydantic_diagnostics(
    exc: ValidationError, root: type[BaseModel], data: Any, source: SourceMap
) -> list[Diagnostic]:
    rendered: list[_Rendered] = []
    seen: set[tuple[Path, str]] = set()
    errors = []
    for err in exc.errors(include_url=False):
        errors.append(err)
        for more in (err.get("ctx") or {}).get("also", ()):  # several problems of one value
            errors.append({**err, "msg": more.message(), "ctx": more.context})
    for err in errors:
        r = _render(err, root, data, source)
        d = r.diagnostic
        if (d.path, d.message) in seen:
            continue
        seen.add((d.path, d.message))
        rendered.append(r)
    # "unknown key 'point' (did you mean 'points'?)" already says what "missing 'points'" would
    meant = {
        (r.diagnostic.path[:-1], r.suggestion)
        for r in rendered
        if r.suggestion and r.diagnostic.code == "E201"
    }
    return [
        r.diagnostic
        for r in rendered
        if not (
            r.diagnostic.code == "E202"
            and r.diagnostic.path
            and (r.diagnostic.path[:-1], r.diagnostic.path[-1]) in meant
        )
    ]
