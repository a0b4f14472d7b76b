"""How one condition leaf judges one value (SPEC §3 item 2 and §3a), in plain Python.

Kinds of value: `string`, `integer`, `number` and `boolean` for declared contact fields, and
`text` for event properties and undeclared contact columns. Text compared with a number counts
as that number only when the whole text is a decimal literal; otherwise the comparison is false.
Numbers compare as doubles, except an `integer` field against whole-number operands, which
compares exactly (`compares_as_integers`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from leadscore.model.conditions import AllOf, AnyOf, Condition, Leaf, NotOf, compares_as_integers
from leadscore.model.regex import lower_pattern, python_pattern
from leadscore.records import Value

DECIMAL_LITERAL = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"
_DECIMAL = re.compile(DECIMAL_LITERAL)

_INCOMPARABLE = object()


def fold(text: str) -> str:
    """Unicode lower case, one character at a time (simple case mapping, no context rules)."""
    return "".join(ch.lower() for ch in text)


def text_as_number(text: str) -> float | None:
    return float(text) if _DECIMAL.match(text) else None


def text_as_bool(text: str) -> bool | None:
    low = text.lower()
    return True if low == "true" else False if low == "false" else None


def _coerce(value: Value, kind: str, operand: Any, case_sensitive: bool) -> Any:
    """Bring `value` to the operand's kind; `_INCOMPARABLE` when it cannot be."""
    if isinstance(operand, bool):
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            b = text_as_bool(value)
            return _INCOMPARABLE if b is None else b
        return _INCOMPARABLE
    if isinstance(operand, int | float):
        if isinstance(value, bool):
            return _INCOMPARABLE
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str) and kind in ("text", "string"):
            n = text_as_number(value)
            return _INCOMPARABLE if n is None else n
        return _INCOMPARABLE
    # text operand
    if not isinstance(value, str):
        return _INCOMPARABLE
    return value if case_sensitive else fold(value)


def _operand(operand: Any, case_sensitive: bool) -> Any:
    if isinstance(operand, bool):
        return operand
    if isinstance(operand, int | float):
        return float(operand)
    return operand if case_sensitive else fold(operand)


def glob_regex(pattern: str) -> re.Pattern[str]:
    """`*` any run (also `/` and nothing), `?` one character, everything else literal."""
    parts = [".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern]
    return re.compile("".join(parts), re.DOTALL)


@lru_cache(maxsize=1024)
def _glob(pattern: str) -> re.Pattern[str]:
    return glob_regex(pattern)


@lru_cache(maxsize=1024)
def _regex(pattern: str, case_sensitive: bool) -> re.Pattern[str]:
    return python_pattern(pattern if case_sensitive else lower_pattern(pattern))


def leaf_holds(leaf: Leaf, value: Value, kind: str) -> bool:
    op = leaf.operator
    operand = leaf.operand
    cs = leaf.case_sensitive
    if value is None:
        if op == "exists":
            return operand is False
        return op in ("ne", "not_in")
    if op == "exists":
        return operand is True
    if op in ("contains", "starts_with", "ends_with", "glob", "regex"):
        if not isinstance(value, str):
            return False
        if op == "regex":
            return _regex(operand, cs).search(value if cs else fold(value)) is not None
        v = value if cs else fold(value)
        o = operand if cs else fold(operand)
        if op == "contains":
            return o in v
        if op == "starts_with":
            return v.startswith(o)
        if op == "ends_with":
            return v.endswith(o)
        return _glob(o).fullmatch(v) is not None
    operands = operand if isinstance(operand, list) else [operand]
    # integers compare exactly, whatever their size; anything else as _coerce brings it
    exact = compares_as_integers(kind, operands) and isinstance(value, int) and not isinstance(value, bool)
    given = value if exact else _coerce(value, kind, operands[0], cs)
    if given is _INCOMPARABLE:
        return False

    def the(x: Any) -> Any:
        return x if exact else _operand(x, cs)

    if op == "eq":
        return bool(given == the(operand))
    if op == "ne":
        return bool(given != the(operand))
    if op == "in":
        return any(given == the(x) for x in operand)
    if op == "not_in":
        return all(given != the(x) for x in operand)
    if op == "between":
        lo, hi = (the(x) for x in operand)
        return bool(lo <= given <= hi)
    o = the(operand)
    if op == "lt":
        return bool(given < o)
    if op == "lte":
        return bool(given <= o)
    if op == "gt":
        return bool(given > o)
    if op == "gte":
        return bool(given >= o)
    raise AssertionError(f"unknown operator {op}")  # pragma: no cover


class Record:
    """Something conditions can read: a contact (typed fields) or an event (text properties)."""

    def value(self, field: str) -> tuple[Value, str]:  # pragma: no cover - interface
        raise NotImplementedError


def holds(cond: Condition | None, lookup: Any) -> bool:
    """Evaluate a condition; `lookup(field)` returns `(value, kind)`. No condition holds."""
    if cond is None:
        return True
    if isinstance(cond, Leaf):
        value, kind = lookup(cond.field)
        return leaf_holds(cond, value, kind)
    if isinstance(cond, AllOf):
        return all(holds(c, lookup) for c in cond.all)
    if isinstance(cond, AnyOf):
        return any(holds(c, lookup) for c in cond.any)
    if isinstance(cond, NotOf):
        return not holds(cond.not_, lookup)
    raise AssertionError(f"unknown condition {cond!r}")  # pragma: no cover
