"""The side-by-side table: rules and settings as rows, versions as columns, changes marked.

This is the reviewer's spreadsheet, generated. Rows are grouped by program, dimension and
category; besides one row per rule there are rows for gates, budgets, decay, bands, weights,
the matrix, the MQL threshold, the score format and triggers (a row appears when at least one
version has that setting, so a budget row only where some version sets a budget). Each cell is compared with the same row in the previous *valid*
version: `new` (added in this version), `changed` (the row differs: for a rule, any of its
points, condition, event types or options; descriptions are not compared), `removed` (there
in the previous version, gone in this one), `same`, or `absent`. Invalid versions get empty
`invalid` cells, and the next valid version is compared with the last valid one before them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Literal, NamedTuple

from leadscore.history import describe as say
from leadscore.history.versions import ModelVersion, column_titles
from leadscore.model.dimension import Dimension
from leadscore.model.program import Program
from leadscore.model.rules import BehaviourRule, Category
from leadscore.model.schema import Model

Change = Literal["same", "new", "changed", "removed", "absent", "invalid"]


@dataclass(frozen=True)
class Cell:
    text: str  # what the version has ("" when absent or invalid, "removed" when removed)
    change: Change
    was: str | None = None  # the previous version's text, for a changed cell
    fields: tuple[str, ...] = ()  # what changed in a rule: ("points", "where")
    was_what: str | None = None  # what the rule or gate looked at before, when that changed

    @property
    def note(self) -> str:
        """How a changed cell differs: `was +10`, `condition was: industry in [software, saas]`."""
        if self.change != "changed":
            return ""
        parts = [f"was {self.was}"] if self.was is not None and self.was != self.text else []
        unseen = list(dict.fromkeys(_UNSEEN[f] for f in self.fields if f in _UNSEEN))
        if self.was_what is not None:
            parts.append(f"condition was: {self.was_what}")
        elif unseen:
            parts.append(" and ".join(unseen) + " changed")
        return "; ".join(parts) or "changed"

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "change": self.change, "was": self.was, "note": self.note or None}


# What a rule cell does not show: when these change, the note says so.
_UNSEEN = {"kind": "rule kind", "when": "condition", "event": "event types", "where": "condition"}


@dataclass(frozen=True)
class Row:
    kind: str  # rule, gate, applies_to, budget, decay, bands, weight, matrix, mql, format, trigger
    program: str  # "" for model-level rows (triggers)
    dimension: str
    category: str
    item: str  # the rule, gate or trigger id, or the setting's name
    what: str  # for rules, gates and triggers: what they look at (from the newest version)
    cells: tuple[Cell, ...]

    def to_json(self) -> dict[str, Any]:
        keys = ("kind", "program", "dimension", "category", "item", "what")
        return {**{k: getattr(self, k) for k in keys}, "cells": [c.to_json() for c in self.cells]}


@dataclass(frozen=True)
class HistoryTable:
    versions: list[ModelVersion]
    titles: list[str]  # one unique column title per version
    rows: list[Row]
    notes: list[str]  # things a reviewer should know, such as a version number not raised

    def to_json(self) -> dict[str, Any]:
        return {
            "versions": [
                {"title": t, **v.to_json()} for t, v in zip(self.titles, self.versions, strict=True)
            ],
            "rows": [r.to_json() for r in self.rows],
            "notes": self.notes,
        }


class Seen(NamedTuple):
    """A row's value in one version: the text shown, what is compared, what the row looks at."""

    text: str
    key: Any
    what: str = ""


Value = Seen | None
Getter = Callable[[Model], Value]
ProgramGetter = Callable[[Program], Value]


def build_table(versions: list[ModelVersion]) -> HistoryTable:
    models = [v.model for v in versions if v.model is not None]
    rows: list[Row] = []
    for pid in merged([[p.id for p in m.programs] for m in models]):
        programs = [p for m in models if (p := _program(m, pid)) is not None]
        for kind, dim, cat, item, get in _program_lines(programs):
            rows.append(_row(kind, pid, dim, cat, item, versions, _in_program(pid, get)))
    for tid in merged([[t.id for t in m.triggers] for m in models]):
        rows.append(_row("trigger", "", "", "", tid, versions, _trigger(tid)))
    titles = column_titles(versions)
    return HistoryTable(versions, titles, rows, _unchanged_numbers(versions, titles))


def _unchanged_numbers(versions: list[ModelVersion], titles: list[str]) -> list[str]:
    """A version that changes the model but keeps the previous version's number."""
    notes = []
    valid = [(t, v) for t, v in zip(titles, versions, strict=True) if v.model is not None]
    for (t1, a), (t2, b) in pairwise(valid):
        if a.label == b.label and a.model != b.model:
            notes.append(
                f"{t2} changes the model but keeps the version number of {t1}: raise `version` "
                "with every change, so that the version stamped on a score names one model"
            )
    return notes


def merged(lists: list[list[str]]) -> list[str]:
    """Every key of every list once, each new key placed after its predecessor in its own list."""
    out: list[str] = []
    for items in lists:
        previous: str | None = None
        for key in items:
            if key not in out:
                out.insert(out.index(previous) + 1 if previous is not None else 0, key)
            previous = key
    return out


Line = tuple[str, str, str, str, ProgramGetter]  # kind, dimension, category, item, getter


def _program_lines(programs: list[Program]) -> list[Line]:
    lines: list[Line] = []
    if any(p.applies_to is not None for p in programs):
        lines.append(("applies_to", "", "", "applies to", lambda p: _text(say.condition(p.applies_to))))
    for gid in merged([[g.id for g in p.gates] for p in programs]):
        lines.append(("gate", "", "", gid, _gate(gid)))
    for dim in merged([list(p.dimensions) for p in programs]):
        lines += _dimension_lines(dim, [d for p in programs if (d := p.dimensions.get(dim)) is not None])
    if any(p.weights for p in programs):
        lines.append(("weight", "", "", "weights", lambda p: _text(_weights(p))))
    if any(p.bands for p in programs):
        lines.append(("bands", "", "", "total bands", lambda p: _text(say.bands(p.bands))))
    if any(p.matrix for p in programs):
        lines.append(("matrix", "", "", "matrix", lambda p: _text(" × ".join(p.matrix or []) or "none")))
    if any(p.mql_threshold is not None for p in programs):
        lines.append(
            ("mql", "", "", "MQL threshold", lambda p: _text(say.mql(p.stages.mql if p.stages else None)))
        )
    if any(p.encoded is not None for p in programs):
        lines.append(("format", "", "", "score format", lambda p: _dump(say.score_format(p), p.format)))
    return lines


def _dimension_lines(dim: str, dims: list[Dimension]) -> list[Line]:
    lines: list[Line] = []
    if any(d.min is not None or d.max is not None for d in dims):
        lines.append(("budget", dim, "", "budget", _dimension(dim, say.budget)))
    if any(d.decay is not None for d in dims):
        lines.append(("decay", dim, "", "decay", _dimension(dim, lambda d: say.decay(d.decay))))
    if any(d.bands for d in dims):
        lines.append(("bands", dim, "", "bands", _dimension(dim, lambda d: say.bands(d.bands))))
    for cat in merged([list(d.categories) for d in dims]):
        cats = [c for d in dims if (c := d.categories.get(cat)) is not None]
        if any(c.min is not None or c.max is not None for c in cats):
            lines.append(("budget", dim, cat, "budget", _category(dim, cat)))
        for rid in merged([[r.id for r in c.rules] for d in dims if (c := d.categories.get(cat))]):
            lines.append(("rule", dim, cat, rid, _rule(dim, cat, rid)))
    return lines


def _row(
    kind: str, program: str, dim: str, cat: str, item: str, versions: list[ModelVersion], get: Getter
) -> Row:
    cells: list[Cell] = []
    previous: Value = None
    what = ""
    seen_valid = False
    for v in versions:
        if v.model is None:
            cells.append(Cell("", "invalid"))
            continue
        now = get(v.model)
        cells.append(_compare(previous, now, first=not seen_valid, kind=kind))
        previous, seen_valid = now, True
        what = now.what if now is not None else what
    return Row(kind, program, dim, cat, item, what, tuple(cells))


def _compare(before: Value, now: Value, first: bool, kind: str) -> Cell:
    if now is None:
        return Cell("removed", "removed") if before is not None and not first else Cell("", "absent")
    if first:
        return Cell(now.text, "same")
    if before is None:
        return Cell(now.text, "new")
    if before.key == now.key:
        return Cell(now.text, "same")
    changed: tuple[str, ...] = ()
    if kind == "rule" and isinstance(now.key, dict) and isinstance(before.key, dict):
        keys = dict.fromkeys([*before.key, *now.key])
        changed = tuple(k for k in keys if before.key.get(k) != now.key.get(k))
    if kind == "gate":
        changed = ("when",)
    was_what = before.what if before.what != now.what and kind in ("rule", "gate") else None
    return Cell(now.text, "changed", was=before.text, fields=changed, was_what=was_what)


def _text(text: str) -> Value:
    return Seen(text, text)


def _dump(text: str, obj: Any) -> Value:
    return Seen(
        text, obj.model_dump(mode="json", exclude={"description"}) if hasattr(obj, "model_dump") else obj
    )


def _weights(p: Program) -> str:
    return ", ".join(f"{d} ×{say.value(w)}" for d, w in (p.weights or {}).items()) or "none"


def _program(m: Model, pid: str) -> Program | None:
    return next((p for p in m.programs if p.id == pid), None)


def _in_program(pid: str, get: ProgramGetter) -> Getter:
    def getter(m: Model) -> Value:
        p = _program(m, pid)
        return None if p is None else get(p)

    return getter


def _dimension(dim: str, show: Callable[[Dimension], str]) -> ProgramGetter:
    def get(p: Program) -> Value:
        d = p.dimensions.get(dim)
        return None if d is None else _text(show(d))

    return get


def _category(dim: str, cat: str) -> ProgramGetter:
    def get(p: Program) -> Value:
        c = _find_category(p, dim, cat)
        return None if c is None else _text(say.budget(c))

    return get


def _find_category(p: Program, dim: str, cat: str) -> Category | None:
    d = p.dimensions.get(dim)
    return d.categories.get(cat) if d is not None else None


def _rule(dim: str, cat: str, rid: str) -> ProgramGetter:
    def get(p: Program) -> Value:
        c = _find_category(p, dim, cat)
        r = next((r for r in c.rules if r.id == rid), None) if c is not None else None
        if r is None:
            return None
        data = r.model_dump(mode="json", exclude={"description"})
        data["kind"] = "behaviour" if isinstance(r, BehaviourRule) else "fit"
        return Seen(say.rule_cell(r), data, say.rule_what(r))

    return get


def _gate(gid: str) -> ProgramGetter:
    def get(p: Program) -> Value:
        g = next((g for g in p.gates if g.id == gid), None)
        return None if g is None else Seen("✓", g.when.model_dump(mode="json"), say.condition(g.when))

    return get


def _trigger(tid: str) -> Getter:
    def get(m: Model) -> Value:
        t = next((t for t in m.triggers if t.id == tid), None)
        if t is None:
            return None
        return Seen("✓", t.model_dump(mode="json", exclude={"description"}), say.trigger(t))

    return get
