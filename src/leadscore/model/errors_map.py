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
E002    the model file is not UTF-8 text
E100    YAML syntax error (indentation, a tab, an unclosed bracket or quote, …)
E101    duplicate key in one mapping (every duplicate is reported)
E102    a key that is a list or a mapping
E200    the model file is empty
E201    unknown key, operator or action (with a "did you mean")
E202    missing required key
E203    wrong type: text where a number is expected, a list where a mapping is, …
E204    bad value: out of range, not a duration, not one of the allowed words, keys
        that exclude each other (two operators in a condition, when and event in a rule)
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

import difflib
import types
import typing
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, Tag, ValidationError

from leadscore.diagnostics import Diagnostic
from leadscore.model.base import describe, is_number_text, number_text
from leadscore.model.yaml_source import Path, SourceMap

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

# Words users reach for, mapped to the key or value the format uses ('a|b': a where allowed,
# else b). Used only when the target is allowed where the word was written.
SYNONYMS = {
    # operators
    "greater_than": "gt", "greater": "gt", "more_than": "gt", "above": "gt", "over": "gt",
    "greater_than_or_equal": "gte", "greater_or_equal": "gte", "at_least": "gte", "ge": "gte",
    "less_than": "lt", "less": "lt", "below": "lt", "under": "lt", "fewer_than": "lt",
    "less_than_or_equal": "lte", "less_or_equal": "lte", "at_most": "lte", "le": "lte",
    "equals": "eq", "equal": "eq", "is": "eq", "equal_to": "eq",
    "not_equals": "ne", "not_equal": "ne", "is_not": "ne", "neq": "ne",
    "one_of": "in", "is_in": "in", "any_of": "in",
    "not_one_of": "not_in", "none_of": "not_in",
    "range": "between",
    "matches": "regex", "match": "regex", "regexp": "regex", "pattern": "regex",
    "like": "glob", "wildcard": "glob",
    "startswith": "starts_with", "begins_with": "starts_with", "prefix": "starts_with",
    "endswith": "ends_with", "suffix": "ends_with",
    "includes": "contains", "contain": "contains",
    "exist": "exists", "present": "exists", "is_set": "exists",
    "ignore_case": "case_sensitive", "case_insensitive": "case_sensitive",
    # combinators
    "and": "all", "all_of": "all", "or": "any",
    # field types
    "text": "string", "str": "string", "varchar": "string",
    "int": "integer", "whole": "integer", "float": "number", "decimal": "number",
    "double": "number", "numeric": "number", "bool": "boolean",
    # budgets and thresholds
    "budget": "max", "cap": "max", "maximum": "max", "minimum": "min|floor", "threshold": "min",
    "min_score": "min", "mql_min": "min", "floor_at": "floor", "lower_bound": "floor",
    # rules
    "score": "points", "value": "points", "pts": "points", "type": "event",
    "event_type": "event", "halflife": "half_life", "filter": "where", "condition": "when",
    "bots": "include_bots",
}  # fmt: skip


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


def did_you_mean(word: str, options: list[str]) -> str | None:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:
        lowered = {o.lower(): o for o in options}
        if word.lower() in lowered:
            return lowered[word.lower()]
        return None
    return close[0]


def suggest(word: str, options: list[str]) -> str | None:
    """A did-you-mean for a key or keyword: a known synonym first, then a close spelling."""
    for synonym in SYNONYMS.get(word.lower().replace("-", "_").replace(" ", "_"), "").split("|"):
        if synonym in options:
            return synonym
    guess = did_you_mean(word, [o for o in options if o != word])
    return guess


# An example per key, shown in the hints of E202 (missing) and E203 (wrong type).
_EXAMPLES = {
    "id": "id: demo_request",
    "when": "when: {field: country, eq: PL}",
    "event": "event: page_view",
    "points": "points: 10",
    "every": "every: 30d",
    "by": "by: 10%",
    "field": "field: country",
    "name": "name: A",
    "min": "min: 40",
    "model": "model: acme-b2b",
    "version": "version: 1",
    "programs": "programs: [{id: main, dimensions: {...}}]",
    "dimensions": "dimensions: {fit: {categories: {...}}}",
    "categories": "categories: {target_market: {rules: [...]}}",
    "rules": "rules: [{id: saas, when: {field: industry, eq: saas}, points: 15}]",
    "on": "on: {program: main, stage_enters: mql}",
    "do": "do: [{add_to_segment: nurture}]",
    "url": 'url: "https://crm.example.com/hooks/mql"',
    "map": "map: [[0, 49, 1], [50, 999, 2], [1000, null, 3]]",
    "segment": "segment: {field: employees, map: [...]}",
    "encoded": "encoded: {segment: {field: employees, map: [...]}}",
    "decay": "decay: {after: 30d, every: 30d, by: 10%}",
    "review": "review: {first_after: 60d, every: 90d}",
    "stages": "stages: {mql: {min: 60}}",
    "mql": "mql: {min: 60}",
    "fields": "fields: {country: string, employees: integer}",
    "gates": "gates: [{id: adult, when: {field: age, gte: 18}}]",
    "bands": "bands: [{name: C, min: 0}, {name: B, min: 15}, {name: A, min: 30}]",
    "triggers": "triggers: [{id: hand_to_sales, on: {...}, do: [...]}]",
    "webhook": 'webhook: {url: "https://crm.example.com/hooks/mql"}',
    "assign": "assign: {round_robin: [ana, ben]}",
    "all": "all: [{field: country, eq: PL}, {field: employees, gte: 50}]",
    "any": "any: [{field: country, eq: PL}, {field: country, eq: DE}]",
    "matrix": "matrix: [fit, engagement]",
    "weights": "weights: {fit: 1, engagement: 0.5}",
}

_ITEMS = {
    "do": "action",
    "programs": "program",
    "any": "condition",
    "round_robin": "owner",
    "rules": "rule",
    "event": "event type",
}

_YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off", "y", "n"})


def _type_hint(etype: str, got: Any, key: str | int | None) -> str | None:
    if etype == "string_type" and isinstance(got, int | float | bool):
        return "quote the value to use it as text"
    if etype == "bool_type" and isinstance(got, str):
        if got.lower() in _YAML11_BOOLEANS:
            return "YAML 1.2 reads yes, no, on and off as text; write true or false"
        if got.lower() in ("true", "false"):
            return f"write {got.lower()} without quotes"
    if etype in ("int_type", "float_type") and isinstance(got, str) and is_number_text(got):
        return f"write {got.strip()} without quotes"
    example = _EXAMPLES.get(key) if isinstance(key, str) else None
    if etype in ("dict_type", "model_type", "model_attributes_type"):
        if example:
            return f"for example {example}"
        if isinstance(got, list):
            return "write key: value pairs here, not a list of '- ' items"
    if etype in ("list_type", "tuple_type"):
        if example:
            return f"for example {example}"
        return "write a list: one '- ' item per line, or [a, b]"
    return None


def _literal_options(expected: str) -> list[str]:
    return [o.strip().strip("'") for o in expected.replace(" or ", ",").split(",") if o.strip()]


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
        example = _EXAMPLES.get(key)
        if example and description:
            hint = f"for example {example} — {description}"
        elif example:
            hint = f"for example {example}"
        elif description:
            hint = f"'{key}': {description}"
        return _Rendered(
            Diagnostic(code, message, source.location(path[:-1], prefer_key=True), hint, path=path), None
        )
    if etype in _TYPE_WORDS:
        code = "E203"
        message = f"expected {_TYPE_WORDS[etype]}, got {describe(got)}"
        hint = _type_hint(etype, got, path[-1] if path else None)
    elif etype == "literal_error":
        code = "E204"
        expected = str(ctx.get("expected", ""))
        options = _literal_options(expected)
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
        item = _ITEMS.get(key, "entry")
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
    for err in exc.errors(include_url=False):
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
