"""Read a model file as YAML 1.2, keeping the position of every key and value.

ruamel.yaml composes the node tree; scalars are resolved here with the YAML 1.2 core schema
(so `NO`, `yes` and `on` stay strings, `1_000` and `2026-01-01` are strings too), duplicate keys
are collected (all of them, not just the first), and a :class:`SourceMap` remembers where each
path came from so that schema errors can be reported as `file:line:col`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from leadscore.diagnostics import Diagnostic, Location

Path = tuple[str | int, ...]

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_BOOL_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


def resolve_plain_scalar(text: str) -> Any:
    """YAML 1.2 core schema resolution of an unquoted scalar."""
    if _NULL.match(text):
        return None
    if _BOOL_TRUE.match(text):
        return True
    if _BOOL_FALSE.match(text):
        return False
    if _INT10.match(text):
        return int(text)
    if _INT8.match(text):
        return int(text[2:], 8)
    if _INT16.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text


@dataclass(frozen=True)
class Span:
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class SourceMap:
    """Where each path of the document was written."""

    file: str
    values: dict[Path, Span] = field(default_factory=dict)
    keys: dict[Path, Span] = field(default_factory=dict)

    def location(self, path: Path, prefer_key: bool = False) -> Location:
        """The closest known location of `path` (walking up to a parent when unknown)."""
        probe = tuple(path)
        while True:
            table = (self.keys, self.values) if prefer_key else (self.values, self.keys)
            for t in table:
                span = t.get(probe)
                if span is not None:
                    return Location(self.file, span.line, span.column)
            if not probe:
                return Location(self.file, 1, 1)
            probe = probe[:-1]


@dataclass
class YamlDocument:
    data: Any
    source: SourceMap
    diagnostics: list[Diagnostic]


def _span(mark: Any) -> Span:
    return Span(mark.line + 1, mark.column + 1)


class _Builder:
    def __init__(self, file: str) -> None:
        self.source = SourceMap(file)
        self.diagnostics: list[Diagnostic] = []

    def build(self, node: Any, path: Path) -> Any:
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        self.source.values[path] = _span(node.start_mark)
        if isinstance(node, ScalarNode):
            if node.style is None and node.tag != "tag:yaml.org,2002:str":
                return resolve_plain_scalar(node.value)
            return node.value
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        raise TypeError(f"unexpected YAML node {type(node).__name__}")  # pragma: no cover

    def _mapping(self, node: Any, path: Path) -> dict[Any, Any]:
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        out: dict[Any, Any] = {}
        first_seen: dict[Any, Span] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == "<<" and key_node.style is None:
                merged = (
                    [value_node]
                    if isinstance(value_node, MappingNode)
                    else (value_node.value if isinstance(value_node, SequenceNode) else [])
                )
                for m in merged:
                    for k, v in self._mapping(m, path).items():
                        out.setdefault(k, v)
                continue
            if not isinstance(key_node, ScalarNode):
                self.diagnostics.append(
                    Diagnostic(
                        "E102",
                        "a key must be a plain value, not a list or a mapping",
                        Location(self.source.file, *_pos(key_node)),
                    )
                )
                continue
            key = self.build(key_node, ("__key__",))
            if not isinstance(key, str):
                key = key_node.value if key is not None else "null"
            kspan = _span(key_node.start_mark)
            if key in first_seen:
                prev = first_seen[key]
                self.diagnostics.append(
                    Diagnostic(
                        "E101",
                        f"duplicate key '{key}' (first written at line {prev.line})",
                        Location(self.source.file, kspan.line, kspan.column),
                        hint="a YAML mapping may name each key once; merge the two entries",
                        path=(*path, key),
                    )
                )
                continue
            first_seen[key] = kspan
            self.source.keys[(*path, key)] = kspan
            out[key] = self.build(value_node, (*path, key))
        self.source.values.pop(("__key__",), None)
        return out


def _pos(node: Any) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def load_yaml(text: str, file: str) -> YamlDocument:
    """Compose `text` as one YAML 1.2 document; syntax errors become diagnostics."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    yaml = YAML(typ="rt")
    yaml.version = (1, 2)
    builder = _Builder(file)
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        problem = exc.problem or exc.context or "not valid YAML"
        hint = "check the indentation and that every ':' is followed by a space"
        if "tab" in problem.lower():
            hint = "YAML indentation uses spaces, not tabs"
        return YamlDocument(None, builder.source, [Diagnostic("E100", f"YAML syntax: {problem}", loc, hint)])
    except YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        return YamlDocument(None, builder.source, [Diagnostic("E100", f"YAML syntax: {exc}", Location(file))])
    if node is None:
        return YamlDocument(None, builder.source, [])
    data = builder.build(node, ())
    return YamlDocument(data, builder.source, builder.diagnostics)
