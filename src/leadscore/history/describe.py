"""Parts of a model in words: short cells for the side-by-side table, sentences for diffs.

Cell notation (documented in docs/history.md): `+15` points; `<30d` only events younger than
30 days (`within`); `½30d` half-life; `×5` the five most recent (`limit`); `/1d` at most one per
day (`once_per`); `≤20` / `≥-5` the rule's cap and floor; `!` critical; `+bots` counts bots.
"""

from __future__ import annotations

from typing import Any

from leadscore.model.base import number_text
from leadscore.model.conditions import AllOf, AnyOf, Leaf, NotOf
from leadscore.model.dimension import Band, Decay, Dimension
from leadscore.model.program import MqlStage, Program
from leadscore.model.rules import BehaviourRule, Category, FitRule
from leadscore.model.triggers import Trigger

Condition = Leaf | AllOf | AnyOf | NotOf
Rule = FitRule | BehaviourRule

_SYMBOL = {"eq": "=", "ne": "≠", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥"}
_WORDS = {
    "contains": "contains",
    "starts_with": "starts with",
    "ends_with": "ends with",
    "glob": "matches",
    "regex": "matches the regex",
}


def value(v: Any, quote: bool = False) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, int | float):
        return number_text(v)
    text = str(v)
    if quote or not text or any(c in text for c in " ,[]\"'") or text != text.strip():
        return '"' + text.replace('"', '\\"') + '"'
    return text


def condition(c: Condition | None) -> str:
    """`industry in [software, saas]`, `age ≥ 18 and country = PL`, `not (url matches "*/jobs*")`."""
    if c is None:
        return "always"
    if isinstance(c, Leaf):
        return _leaf(c)
    if isinstance(c, AllOf):
        return " and ".join(_nested(x) for x in c.all) if c.all else "always"
    if isinstance(c, AnyOf):
        return " or ".join(_nested(x) for x in c.any)
    return f"not ({condition(c.not_)})"


def _nested(c: Condition) -> str:
    text = condition(c)
    return (
        f"({text})"
        if isinstance(c, AllOf | AnyOf) and len(c.all if isinstance(c, AllOf) else c.any) > 1
        else text
    )


def _leaf(c: Leaf) -> str:
    op, operand = c.operator, c.operand
    exact = " (exact case)" if c.case_sensitive else ""
    if op in _SYMBOL:
        return f"{c.field} {_SYMBOL[op]} {value(operand)}{exact}"
    if op in ("in", "not_in"):
        items = ", ".join(value(x) for x in operand)
        return f"{c.field} {'in' if op == 'in' else 'not in'} [{items}]{exact}"
    if op == "between":
        return f"{c.field} between {value(operand[0])} and {value(operand[1])}{exact}"
    if op == "exists":
        return f"{c.field} is {'present' if operand else 'missing'}"
    return f"{c.field} {_WORDS[op]} {value(operand, quote=True)}{exact}"


def points(x: float) -> str:
    return ("+" if x > 0 else "") + number_text(x)


def rule_cell(r: Rule) -> str:
    """`+15`, `+3 ½30d ×5/1d`, `-10 ×1`, `+5 <30d`."""
    parts = [points(r.points)]
    if isinstance(r, BehaviourRule):
        if r.within:
            parts.append(f"<{r.within}")
        if r.half_life:
            parts.append(f"½{r.half_life}")
        count = (f"×{r.limit}" if r.limit else "") + (f"/{r.once_per}" if r.once_per else "")
        if count:
            parts.append(count)
        if r.max is not None:
            parts.append(f"≤{number_text(r.max)}")
        if r.min is not None:
            parts.append(f"≥{number_text(r.min)}")
        if r.include_bots:
            parts.append("+bots")
        if r.critical:
            parts.append("!")
    return " ".join(parts)


def rule_what(r: Rule) -> str:
    """What the rule looks at: `industry in [software, saas]`, `page_view where url matches "*/pricing*"`."""
    if isinstance(r, FitRule):
        return condition(r.when)
    events = " or ".join(r.event)
    return events if r.where is None else f"{events} where {condition(r.where)}"


def rule_sentence(r: Rule) -> str:
    """The whole rule in words, for a rule added or removed."""
    if isinstance(r, FitRule):
        return f"{points(r.points)} when {condition(r.when)}"
    text = f"{points(r.points)} per {rule_what(r)}"
    details = [
        f"only events from the last {r.within}" if r.within else "",
        f"halving every {r.half_life}" if r.half_life else "",
        f"at most one per {r.once_per}" if r.once_per else "",
        f"the {r.limit} most recent" if r.limit and r.limit > 1 else "once" if r.limit else "",
        f"capped at {number_text(r.max)}" if r.max is not None else "",
        f"at least {number_text(r.min)}" if r.min is not None else "",
        "bots included" if r.include_bots else "",
        "critical" if r.critical else "",
    ]
    extra = ", ".join(d for d in details if d)
    return f"{text} ({extra})" if extra else text


def budget(obj: Dimension | Category) -> str:
    if obj.min is None and obj.max is None:
        return "no cap"
    if obj.min is None:
        return f"max {number_text(obj.max)}"  # type: ignore[arg-type]
    if obj.max is None:
        return f"min {number_text(obj.min)}"
    return f"min {number_text(obj.min)}, max {number_text(obj.max)}"


def decay(d: Decay | None) -> str:
    if d is None:
        return "none"
    by = f"{d.by} points" if d.by.kind == "points" else str(d.by)
    text = f"{by} every {d.every}"
    if d.after.micros:
        text += f" after {d.after} idle"
    if d.floor is not None:
        text += f", floor {d.floor}"
    return text


def bands(bs: list[Band] | None) -> str:
    if not bs:
        return "none"
    return " ".join(f"{b.name}≥{number_text(b.min)}" for b in sorted(bs, key=lambda b: b.min))


def mql(m: MqlStage | None) -> str:
    if m is None:
        return "none"
    parts = [number_text(m.min)]
    if m.require_gates:
        parts.append("gates required")
    if m.recycle_below is not None:
        parts.append(f"back to lead below {number_text(m.recycle_below)}")
    if m.sticky:
        parts.append("sticky")
    return ", ".join(parts)


def score_format(p: Program) -> str:
    enc = p.encoded
    if enc is None:
        return "plain"
    return f"encoded, segment by {enc.segment.field}" if enc.segment else "encoded"


def trigger(t: Trigger) -> str:
    on = t.on
    if on.stage_enters is not None:
        watch = f"stage enters {on.stage_enters}"
    elif on.band_enters is not None:
        watch = f"band enters {on.band_enters}"
    elif on.score_crosses_above is not None:
        watch = f"score rises to {number_text(on.score_crosses_above)} or above"
    else:
        watch = f"score falls below {number_text(on.score_crosses_below or 0)}"
    where = " › ".join(x for x in (on.program, on.dimension) if x)
    actions = ", ".join(_action(a) for a in t.do)
    return f"when {watch}" + (f" ({where})" if where else "") + f": {actions}"


def _action(a: Any) -> str:
    data = a.model_dump(mode="json", exclude_none=True)
    kind, arg = next(iter(data.items()))
    if kind == "webhook":
        return f"webhook {arg['url']}"
    if kind == "assign":
        return "assign " + (
            f"round robin {', '.join(arg['round_robin'])}" if "round_robin" in arg else arg["owner"]
        )
    return f"{kind.replace('_', ' ')} {arg}"
