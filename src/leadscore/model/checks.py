"""Semantic checks: references, operand types against `fields`, and portable regexes.

They read the raw document (plain dicts and lists), not the validated model, so they run even
when the schema found problems elsewhere: a user sees every problem in one pass. Anything
malformed is skipped here because the schema reports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from leadscore.diagnostics import Diagnostic
from leadscore.model.base import is_number_text
from leadscore.model.conditions import OPERATORS, ORDERING, TEXT_ONLY
from leadscore.model.regex import RegexError, check_portable
from leadscore.model.schema import RESERVED_EVENT_FIELDS
from leadscore.model.suggest import did_you_mean
from leadscore.model.yaml_source import Path, SourceMap

TEXT = "text"  # event properties and undeclared contact columns
BUILTIN_CONTACT_FIELDS = {"contact_id": "string"}
FIELD_TYPES = ("string", "integer", "number", "boolean")


def contact_field_kind(fields: Mapping[str, str], field: str) -> str:
    if field in BUILTIN_CONTACT_FIELDS:
        return BUILTIN_CONTACT_FIELDS[field]
    kind = fields.get(field, TEXT)
    return kind if kind in FIELD_TYPES else TEXT


def _d(x: Any) -> dict[str, Any]:
    return x if isinstance(x, dict) else {}


def _l(x: Any) -> list[Any]:
    return x if isinstance(x, list) else []


def iter_raw_rules(program: dict[str, Any], ppath: Path) -> Iterator[tuple[dict[str, Any], Path]]:
    for dname, dim in _d(program.get("dimensions")).items():
        for cname, cat in _d(_d(dim).get("categories")).items():
            for j, rule in enumerate(_l(_d(cat).get("rules"))):
                if isinstance(rule, dict):
                    yield rule, (*ppath, "dimensions", dname, "categories", cname, "rules", j)


def iter_raw_leaves(cond: Any, path: Path) -> Iterator[tuple[dict[str, Any], Path]]:
    if not isinstance(cond, dict):
        return
    for comb in ("all", "any"):
        if comb in cond:
            for i, c in enumerate(_l(cond[comb])):
                yield from iter_raw_leaves(c, (*path, comb, i))
            return
    if "not" in cond:
        yield from iter_raw_leaves(cond["not"], (*path, "not"))
        return
    if isinstance(cond.get("field"), str):
        yield cond, path


# far beyond a real model (practitioners advise 10 to 30 rules); the SQL of a longer one nests
# deeper than Spark's parser accepts
MAX_RULES = 500

FIELDS, PROPERTIES, DIMENSIONS, RULE_IDS = "contact fields", "event properties", "dimensions", "rule ids"
_CLASH_WHERE = {
    FIELDS: "no file can hold both",
    PROPERTIES: "no file can hold both",
    DIMENSIONS: "their `_points` and `_band` columns in the scores would be one",
    RULE_IDS: "their `rule:` columns in `score --rules` would be one",
}
MAX_CONDITION_DEPTH = 32  # far beyond any real model; deeper would overflow the SQL builders


def condition_depth(cond: Any) -> int:
    """Levels of all/any/not in a raw condition (counted without recursion)."""
    deepest = 0
    stack = [(cond, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if not isinstance(node, dict):
            continue
        for comb in ("all", "any"):
            if comb in node:
                stack.extend((c, depth + 1) for c in _l(node[comb]))
        if "not" in node:
            stack.append((node["not"], depth + 1))
    return deepest


def gives_mql(program: dict[str, Any]) -> bool:
    """The program has an MQL stage, or one that is itself in error (`mql: 60`, `min: sixty`,
    `MQL:`, a misspelt `stage:`): that error is reported, not "the program has none" beside it."""
    given = (
        [program["stages"]]
        if "stages" in program
        else [v for k, v in program.items() if did_you_mean(str(k), ["stages"]) == "stages"]
    )
    if not given:
        return False
    stages = given[0]
    return not isinstance(stages, dict) or any(
        str(k).lower() == "mql" or did_you_mean(str(k), ["mql"]) == "mql" for k in stages
    )


def alike_but_for_case(names: Iterable[tuple[str, Path]]) -> Iterator[tuple[str, str, Path]]:
    """(the first spelling, a later one, where the later one is) for names that differ only in case."""
    first: dict[str, str] = {}
    for name, path in names:
        other = first.setdefault(name.casefold(), name)
        if other != name:
            yield other, name, path


def check_raw(data: dict[str, Any], source: SourceMap) -> list[Diagnostic]:
    return list(_Checker(data, source).run())


class _Checker:
    def __init__(self, data: dict[str, Any], source: SourceMap) -> None:
        self.data = data
        self.source = source
        fields = _d(data.get("fields"))
        self.fields = {k: v for k, v in fields.items() if isinstance(v, str)}
        # names that become column names, with where: the contact fields and event properties
        # the model reads (columns of the input files), and the dimension names and rule ids
        # (columns of the output: `<dimension>_points`, `rule:<id>`), across the whole model
        self._names: dict[str, list[tuple[str, Path]]] = {
            FIELDS: [(str(k), ("fields", k)) for k in fields],
            PROPERTIES: [],
            DIMENSIONS: [],
            RULE_IDS: [],
        }

    def diag(
        self, code: str, message: str, path: Path, hint: str | None = None, key: bool = False
    ) -> Diagnostic:
        return Diagnostic(code, message, self.source.location(path, prefer_key=key), hint, path=path)

    def run(self) -> Iterator[Diagnostic]:
        programs = list(_l(self.data.get("programs")))
        yield from self._duplicates(
            "program",
            [(p.get("id"), ("programs", i, "id")) for i, p in enumerate(programs) if isinstance(p, dict)],
        )
        triggers = _l(self.data.get("triggers"))
        yield from self._duplicates(
            "trigger",
            [(t.get("id"), ("triggers", i, "id")) for i, t in enumerate(triggers) if isinstance(t, dict)],
        )
        for i, p in enumerate(programs):
            if isinstance(p, dict):
                yield from self._program(p, ("programs", i))
        if "programs" in self.data:  # misspelt (`programmes:`): its own error, no knock-on E302
            yield from self._triggers(programs, triggers)
        yield from self._case_clashes()

    def _case_clashes(self) -> Iterator[Diagnostic]:
        """Names that differ only in letter case where they become column names: every engine
        compares column names without case, so an input file cannot hold two such fields (or
        properties) apart, nor an output file two such dimensions' or rules' columns. The same
        name twice (a rule id in two programs) is one column, and fine."""
        for what, found in self._names.items():
            for other, name, path in alike_but_for_case(found):
                yield self.diag(
                    "E204",
                    f"{what} '{other}' and '{name}' differ only in letter case",
                    path,
                    f"use one spelling: the engines compare column names without case, so {_CLASH_WHERE[what]}",
                    key=path[-1] != "field" and path[-1] != "id",
                )

    def _duplicates(self, what: str, items: list[tuple[Any, Path]]) -> Iterator[Diagnostic]:
        first: dict[str, Path] = {}
        for ident, path in items:
            if not isinstance(ident, str):
                continue
            if ident in first:
                line = self.source.location(first[ident]).line
                yield self.diag(
                    "E301",
                    f"duplicate {what} id '{ident}' (first used at line {line})",
                    path,
                    _DUPLICATE_HINTS.get(what, f"each {what} needs its own id"),
                )
            else:
                first[ident] = path

    def _program(self, p: dict[str, Any], ppath: Path) -> Iterator[Diagnostic]:
        rules = list(iter_raw_rules(p, ppath))
        if len(rules) > MAX_RULES:
            yield self.diag(
                "E204",
                f"program '{p.get('id')}' has {len(rules)} rules; a program holds at most {MAX_RULES}",
                rules[MAX_RULES][1],
                "split it into programs, or fold rules that differ only in a value into one `in:` list",
            )
        ids: list[tuple[Any, Path]] = []
        for i, g in enumerate(_l(p.get("gates"))):
            if isinstance(g, dict):
                ids.append((g.get("id"), (*ppath, "gates", i, "id")))
                yield from self._condition(g.get("when"), (*ppath, "gates", i, "when"), events=False)
        for name in _d(p.get("dimensions")):
            self._names[DIMENSIONS].append((str(name), (*ppath, "dimensions", name)))
        for rule, rpath in iter_raw_rules(p, ppath):
            ids.append((rule.get("id"), (*rpath, "id")))
            if isinstance(rule.get("id"), str):
                self._names[RULE_IDS].append((rule["id"], (*rpath, "id")))
            if "event" in rule:
                yield from self._condition(rule.get("where"), (*rpath, "where"), events=True)
            else:
                yield from self._condition(rule.get("when"), (*rpath, "when"), events=False)
        yield from self._duplicates("rule or gate", ids)
        yield from self._condition(p.get("applies_to"), (*ppath, "applies_to"), events=False)
        dims = _d(p.get("dimensions"))
        names = [str(k) for k in dims]
        matrix = p.get("matrix")
        seen: set[str] = set()
        for i, name in enumerate(_l(matrix) if "dimensions" in p else []):  # else: its own error
            if not isinstance(name, str) or name in seen:  # a name given twice: said once
                continue
            seen.add(name)
            if name not in dims:
                yield self._unknown("dimension", name, names, (*ppath, "matrix", i))
            elif not _d(dims[name]).get("bands"):
                yield self.diag(
                    "E305",
                    f"matrix dimension '{name}' has no bands",
                    (*ppath, "matrix", i),
                    f"the matrix joins band labels; add bands to dimension '{name}',"
                    " e.g. bands: [{name: C, min: 0}, {name: B, min: 15}, {name: A, min: 30}]",
                )
        for name in _d(p.get("weights")):
            if name not in dims:
                yield self._unknown("dimension", str(name), names, (*ppath, "weights", name), key=True)
        has_mql = gives_mql(p)
        for dname, dim in dims.items():
            floor = _d(_d(dim).get("decay")).get("floor")
            if isinstance(floor, str) and "mql" in floor and not has_mql:
                yield self.diag(
                    "E306",
                    "the decay floor is a share of the MQL threshold, but the program has none",
                    (*ppath, "dimensions", dname, "decay", "floor"),
                    "add stages: {mql: {min: ...}} to the program, or give the floor in points",
                )
        fmt = p.get("format")
        if isinstance(fmt, dict) and isinstance(fmt.get("encoded"), dict):
            gates = _l(p.get("gates"))
            if len(gates) > 9:
                yield self.diag(
                    "E307",
                    f"an encoded program has at most 9 gates, this one has {len(gates)}",
                    (*ppath, "gates"),
                    "the gates digit of the encoded score runs 0–9; merge gates or turn some into fit rules",
                    key=True,
                )
            seg = _d(fmt["encoded"].get("segment"))
            if isinstance(seg.get("field"), str):
                kind = contact_field_kind(self.fields, seg["field"])
                mpath = (*ppath, "format", "encoded", "segment", "map")
                if isinstance(seg.get("map"), list) and kind in ("string", "boolean"):
                    yield self.diag(
                        "E303",
                        f"a range map needs a numeric field, '{seg['field']}' is {_article(kind)} {kind} field",
                        mpath,
                        "use a mapping {value: digit} for text fields",
                    )
                if isinstance(seg.get("map"), dict):  # text compares without case: a later twin never applies
                    values = [(str(k), (*mpath, k)) for k in seg["map"]]
                    for twin, k, kpath in alike_but_for_case(values):
                        yield self.diag(
                            "E204",
                            f"segment map values '{twin}' and '{k}' differ only in letter case",
                            kpath,
                            f"values are compared without letter case, so '{k}' never applies; keep one",
                            key=True,
                        )
                if isinstance(seg.get("map"), dict) and kind in ("integer", "number", "boolean"):
                    yield self.diag(
                        "E303",
                        f"a value map needs a text field, '{seg['field']}' is {_article(kind)} {kind} field",
                        mpath,
                        "use ranges [[low, high, digit], ...] for numeric fields",
                    )

    def _unknown(self, what: str, name: str, options: list[str], path: Path, key: bool = False) -> Diagnostic:
        guess = did_you_mean(name, options)
        msg = f"unknown {what} '{name}'" + (f" (did you mean '{guess}'?)" if guess else "")
        return self.diag("E302", msg, path, f"{what}s here: {', '.join(options) or 'none'}", key=key)

    def _condition(self, cond: Any, path: Path, events: bool) -> Iterator[Diagnostic]:
        if (depth := condition_depth(cond)) > MAX_CONDITION_DEPTH:
            yield self.diag(
                "E204",
                f"this condition nests {depth} levels of all/any/not; at most {MAX_CONDITION_DEPTH} are allowed",
                path,
                "flatten it: all: and any: take lists of any length",
            )
            return
        for leaf, lpath in iter_raw_leaves(cond, path):
            self._names[PROPERTIES if events else FIELDS].append((str(leaf["field"]), (*lpath, "field")))
            yield from self._leaf(leaf, lpath, events)

    def _leaf(self, leaf: dict[str, Any], path: Path, events: bool) -> Iterator[Diagnostic]:
        ops = [k for k in leaf if k in OPERATORS]
        if len(ops) != 1:
            return
        op = ops[0]
        field = leaf["field"]
        operand = leaf[op]
        opath = (*path, op)
        if events:
            if field in RESERVED_EVENT_FIELDS:
                yield self.diag(
                    "E308",
                    f"'{field}' is not an event property",
                    (*path, "field"),
                    "a where condition tests event properties such as url, form or campaign",
                )
                return
            kind = TEXT
        else:
            kind = contact_field_kind(self.fields, field)
        if op == "regex" and isinstance(operand, str):
            try:
                check_portable(operand, case_sensitive=leaf.get("case_sensitive") is True)
            except RegexError as exc:
                reason = str(exc)
                yield self.diag(
                    "E304",
                    f"regex not portable: {reason}" if "engine" in reason else f"invalid regex: {reason}",
                    opath,
                    exc.hint or "keep to literals, ., [...], groups, | and quantifiers",
                )
        if op == "exists":
            return
        if op in TEXT_ONLY:
            if kind not in ("string", TEXT):
                yield self.diag(
                    "E303",
                    f"'{op}' tests text, but '{field}' is {_article(kind)} {kind} field",
                    opath,
                    "use eq, in, lt, gt or between on numbers and booleans",
                )
            return
        values = operand if isinstance(operand, list) else [operand]
        if not values or not all(isinstance(v, str | int | float | bool) for v in values):
            return
        if len({_kind(v) for v in values}) > 1:
            return  # a list mixing kinds is a schema error (E204), reported there
        first = values[0]
        fits = True
        if kind == "string" and not isinstance(first, str):
            fits = False
            yield self.diag(
                "E303",
                f"'{field}' is a string field, so '{op}' takes text, got {_kind(first)}",
                opath,
                f"quote the value to compare it as text: '{_show(first)}'",
            )
        elif kind in ("integer", "number") and isinstance(first, str | bool):
            fits = False
            numeric = isinstance(first, str) and is_number_text(first)
            yield self.diag(
                "E303",
                f"'{field}' is {_article(kind)} {kind} field, so '{op}' takes numbers, got {_kind(first)}",
                opath,
                (f"write {first} without quotes" if len(values) == 1 else "write the numbers without quotes")
                if numeric
                else f"compare it with a number, or declare '{field}: string' under fields:",
            )
        elif kind == "boolean":
            if op in ORDERING:
                yield self.diag(
                    "E303",
                    f"'{op}' orders values, but '{field}' is a boolean field",
                    opath,
                    "use eq: true or eq: false",
                )
            elif not isinstance(first, bool):
                yield self.diag(
                    "E303",
                    f"'{field}' is a boolean field, so '{op}' takes true or false, got {_kind(first)}",
                    opath,
                )
        elif kind == TEXT and op in ORDERING and isinstance(first, bool):
            yield self.diag("E303", f"'{op}' cannot order booleans", opath)
        if op == "between" and fits and len(values) == 2 and not any(isinstance(v, bool) for v in values):
            lo, hi = values
            if isinstance(lo, str) != isinstance(hi, str):
                yield self.diag("E303", "between takes two values of the same kind", opath)
            elif lo > hi:
                low, high = _show(lo), _show(hi)
                yield self.diag(
                    "E204",
                    f"between [{low}, {high}] has its low value above its high value",
                    opath,
                    f"write between: [{high}, {low}]"
                    + (" (text compares character by character)" if isinstance(lo, str) else ""),
                )

    def _triggers(self, programs: list[Any], triggers: list[Any]) -> Iterator[Diagnostic]:
        by_id: dict[str, dict[str, Any]] = {}
        for p in programs:  # of two programs with one id (E301), the first
            if isinstance(p, dict) and isinstance(p.get("id"), str):
                by_id.setdefault(p["id"], p)
        for i, trig in enumerate(triggers):
            on = _d(_d(trig).get("on"))
            if not on:
                continue
            path: Path = ("triggers", i, "on")
            pid = on.get("program")
            if pid is None:
                if len(programs) > 1:
                    yield self.diag(
                        "E311",
                        "this model has several programs; say which one the trigger watches",
                        path,
                        "add program: <id> to on:",
                    )
                    continue
                program = _d(programs[0]) if programs else {}
            elif pid not in by_id:
                yield self._unknown("program", str(pid), [str(k) for k in by_id], (*path, "program"))
                continue
            else:
                program = by_id[pid]
            dims = _d(program.get("dimensions"))
            dim = on.get("dimension")
            if dim is not None and dim not in dims:
                yield self._unknown("dimension", str(dim), [str(k) for k in dims], (*path, "dimension"))
                continue
            if on.get("stage_enters") == "mql" and not gives_mql(program):
                yield self.diag(
                    "E309",
                    f"program '{program.get('id')}' has no MQL stage",
                    (*path, "stage_enters"),
                    "add stages: {mql: {min: ...}} to the program",
                )
            band = on.get("band_enters")
            if band is not None:
                bands = _d(dims.get(dim)).get("bands") if dim else program.get("bands")
                names = [str(b.get("name")) for b in _l(bands) if isinstance(b, dict)]
                where = f"dimension '{dim}'" if dim else f"program '{program.get('id')}'"
                if not names:
                    yield self.diag(
                        "E309",
                        f"{where} has no bands",
                        (*path, "band_enters"),
                        f"add bands: [{{name: ..., min: ...}}, ...] to {where}"
                        + ("" if dim else ", or name a banded dimension with dimension:"),
                    )
                elif str(band) not in names:
                    yield self._unknown("band", str(band), names, (*path, "band_enters"))


_DUPLICATE_HINTS = {
    "rule or gate": "rules and gates of a program each need their own id: it names the rule:<id> output column",
    "program": "each program needs its own id: it names the program in output rows and triggers",
    "trigger": "each trigger needs its own id: it keys the record of what already fired",
}


def _show(v: object) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _kind(v: object) -> str:
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, int | float):
        return "a number"
    return "text"


def _article(kind: str) -> str:
    return "an" if kind[0] in "aeiou" else "a"
