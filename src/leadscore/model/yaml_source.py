"""Read a model file as YAML 1.2, keeping the position of every key and value.

ruamel.yaml composes the node tree; scalars are resolved here with the YAML 1.2 core schema
(so `NO`, `yes` and `on` stay strings, `1_000` and `2026-01-01` are strings too), duplicate keys
are collected (all of them, not just the first), and a :class:`SourceMap` remembers where each
path came from so that schema errors can be reported as `file:line:col`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
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


MAX_ALIAS_COPIES = 10_000  # values an alias (*name) may copy in all; a model needs few


class _AliasBomb(Exception):
    def __init__(self, path: Path) -> None:
        self.path = path  # where the copies were being made (an alias has no place of its own)


CORE_TAGS = "tag:yaml.org,2002:"  # str, int, float, bool, null, seq, map, …
# what a scalar with an explicit tag (`!!int 18`, `!!float "2.5"`) must read as, in words
_TAGGED: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "int": ("a whole number", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "float": ("a number", lambda v: isinstance(v, int | float) and not isinstance(v, bool)),
    "bool": ("true or false", lambda v: isinstance(v, bool)),
    "null": ("null", lambda v: v is None),
}
_EXPLICIT_TAG = re.compile(r"^(?:&\S+\s+)?!")  # a node's text starts with its tag (after an anchor)


class _Builder:
    def __init__(self, file: str, text: str = "") -> None:
        self.lines = text.splitlines()
        self.source = SourceMap(file)
        self.diagnostics: list[Diagnostic] = []
        self.built = 0  # values built, copies made through aliases included
        self.distinct: set[int] = set()  # the nodes of the document (an alias names one again)

    def build(self, node: Any, path: Path) -> Any:
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        self.built += 1
        self.distinct.add(id(node))
        if self.built - len(self.distinct) > MAX_ALIAS_COPIES:
            # nested aliases multiply (9 aliases of 9 aliases of … : 9^k values from a few lines)
            raise _AliasBomb(path)
        self.source.values[path] = _span(node.start_mark)
        tag = str(node.tag or "")
        if not tag.startswith(CORE_TAGS) or tag.startswith(CORE_TAGS + "python"):
            shown = "!!" + tag[len(CORE_TAGS) :] if tag.startswith(CORE_TAGS) else tag
            self._tag_problem(
                node, path, f"YAML syntax: the tag {shown} is not supported",
                "remove the tag; a model file holds plain values, lists and mappings",
            )  # fmt: skip
        if isinstance(node, ScalarNode):
            kind = tag[len(CORE_TAGS) :]
            if kind in _TAGGED and self._explicit(node):
                return self._tagged(node, kind, path)
            if not node.style and node.tag != CORE_TAGS + "str":  # plain: None, or "" (C parser)
                return resolve_plain_scalar(node.value)
            return node.value
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        raise TypeError(f"unexpected YAML node {type(node).__name__}")  # pragma: no cover

    def _tag_problem(self, node: Any, path: Path, message: str, hint: str) -> None:
        self.diagnostics.append(
            Diagnostic("E100", message, Location(self.source.file, *_pos(node)), hint, path=path)
        )

    def _explicit(self, node: Any) -> bool:
        """The tag is written in the file (`!!int x`), not the one a plain value resolves to."""
        mark = node.start_mark
        line = self.lines[mark.line] if mark.line < len(self.lines) else ""
        return bool(_EXPLICIT_TAG.match(line[mark.column :]))

    def _tagged(self, node: Any, kind: str, path: Path) -> Any:
        """`!!int "18"` is 18 and `!!float 1` is 1.0, as YAML says; `!!int eighteen` is an error,
        not the text 'eighteen' (a model would then refuse it for a reason far from the tag)."""
        words, fits = _TAGGED[kind]
        value = resolve_plain_scalar(node.value)
        if not fits(value):
            self._tag_problem(
                node, path, f"YAML: the tag !!{kind} needs {words}, got '{node.value}'",
                "remove the tag (a model file needs none), or write a value of that type",
            )  # fmt: skip
            return node.value
        return float(value) if kind == "float" else value

    def _mapping(self, node: Any, path: Path) -> dict[Any, Any]:
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        out: dict[Any, Any] = {}
        first_seen: dict[Any, Span] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == "<<" and not key_node.style:
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
            if key is None:  # `~:`, `null:` or a bare `:` names nothing
                self.diagnostics.append(
                    Diagnostic(
                        "E102",
                        "a key is null (`~`, `null` or nothing before the colon)",
                        Location(self.source.file, *_pos(key_node)),
                        "write the name, or quote it ('null') if that is the name",
                    )
                )
                continue
            if not isinstance(key, str):
                key = key_node.value
            kspan = _span(key_node.start_mark)
            if key in first_seen:
                prev = first_seen[key]
                self.diagnostics.append(
                    Diagnostic(
                        "E101",
                        f"duplicate key '{key}' (first written at line {prev.line})",
                        Location(self.source.file, kspan.line, kspan.column),
                        hint="a YAML mapping names each key once; keep one of them",
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


_FLOW = {"sequence": ("[", "]", "list"), "mapping": ("{", "}", "mapping")}


def syntax_diagnostic(exc: Any, text: str, file: str) -> Diagnostic:
    """E100 for a ruamel syntax error, in words a model author recognises."""
    problem: str = exc.problem or exc.context or "not valid YAML"
    context: str = exc.context or ""
    pmark, cmark = exc.problem_mark, exc.context_mark
    lines = text.splitlines()

    def at(mark: Any) -> Location:
        return Location(file, mark.line + 1, mark.column + 1) if mark else Location(file, 1, 1)

    def line_of(mark: Any) -> str:
        return lines[mark.line] if mark and 0 <= mark.line < len(lines) else ""

    if "another document" in problem:  # `---` (or `...`) and a second model after the first
        return Diagnostic(
            "E100",
            "YAML syntax: a second document (after ---); a model file holds one model",
            at(pmark),
            "keep one model per file; remove the --- line and what follows it, or move it to a file of its own",
        )
    if "'\\t'" in problem or "\t" in problem:
        return Diagnostic(
            "E100",
            "YAML syntax: a tab character; YAML indents with spaces only",
            at(pmark),
            "replace the tab with spaces (set your editor to insert spaces for YAML files)",
        )
    flow = next((v for k, v in _FLOW.items() if f"flow {k}" in context), None)
    if flow is not None and cmark is not None and problem.startswith("expected"):
        unclosed = _odd_quote(lines, cmark.line, pmark.line if pmark else cmark.line)
        if unclosed is not None:
            return Diagnostic(
                "E100",
                "YAML syntax: the quoted text that starts here is not closed",
                Location(file, unclosed[0] + 1, unclosed[1] + 1),
                'add the closing "',
            )
        opener, closer, what = flow
        found = problem.rsplit("but got ", 1)[-1] if "but got " in problem else ""
        where = f"line {pmark.line + 1}, column {pmark.column + 1}" if pmark else "the end"
        if "stream end" in found or not pmark:
            got = "the file ends before it is closed"
        elif found.startswith("'<") or not found:  # '<block end>' and the like: no character to name
            got = f"at {where} something else comes where ',' or '{closer}' was expected"
        else:
            got = f"a {found} at {where} comes where ',' or '{closer}' was expected"
        return Diagnostic(
            "E100",
            f"YAML syntax: the {what} opened here with '{opener}' is not closed",
            at(cmark),
            f"{got}; close every '[' with ']' and every '{{' with '}}'",
        )
    if "quoted scalar" in context and cmark is not None:
        quote = line_of(cmark)[cmark.column : cmark.column + 1] or '"'
        return Diagnostic(
            "E100",
            "YAML syntax: the quoted text that starts here is not closed",
            at(cmark),
            f"add the closing {quote}",
        )
    if problem.startswith("expected <block end>") and pmark is not None:
        bad = line_of(pmark).strip()
        prev = _previous_content_line(lines, pmark.line)
        hint = "keys of one mapping start in the same column, and '- ' items of one list too"
        if bad.startswith("-"):
            message = "YAML syntax: bad indentation of this '- ' item"
            key = _line_in_column(lines, pmark.line, pmark.column)
            if key is not None and not _is_item(lines[key]):  # `fit:` … `- engagement:`
                word = lines[key].strip().split(":", 1)[0]
                return Diagnostic(
                    "E100",
                    "YAML syntax: a '- ' list item where the keys of a mapping are",
                    at(pmark),
                    f"line {key + 1} has the key '{word}' in this column, so this '- ' is likely stray:"
                    " keys of a mapping take no '- ' (remove it); items of a list all start with '- '",
                )
            if prev is not None and prev[1].strip().startswith("-"):
                pcol = len(prev[1]) - len(prev[1].lstrip()) + 1
                hint = (
                    f"'- ' items of one list start in the same column: line {prev[0] + 1} at column {pcol},"
                    f" this one at column {pmark.column + 1}"
                )
        else:
            word = bad.split(":", 1)[0].strip() or bad
            dash = _line_in_column(lines, pmark.line, pmark.column)
            if dash is not None and _is_item(
                lines[dash]
            ):  # `- fit:` … `engagement:`: the '- ' started a list the key cannot be in
                return Diagnostic(
                    "E100",
                    "YAML syntax: a '- ' list item where the keys of a mapping are",
                    Location(file, dash + 1, pmark.column + 1),
                    f"line {pmark.line + 1} has the key '{word}' in this column, so this '- ' is likely"
                    " stray: keys of a mapping take no '- ' (remove it); items of a list all start with '- '",
                )
            message = f"YAML syntax: bad indentation of '{word}'"
            if prev is not None:
                hint = (
                    "keys of one mapping start in the same column:"
                    f" line {prev[0] + 1} starts at column {_key_column(prev[1])},"
                    f" '{word}' at column {pmark.column + 1}"
                )
        return Diagnostic("E100", message, at(pmark), hint)
    if problem == "mapping values are not allowed here":
        return Diagnostic(
            "E100",
            "YAML syntax: unexpected ':' in this line",
            at(pmark),
            "quote a value that contains ': ' (title: \"Head: Sales\"), or line this key up with the keys above it",
        )
    if problem == "could not find expected ':'" and cmark is not None:
        return Diagnostic(
            "E100",
            "YAML syntax: this line has no 'key: value' colon",
            at(cmark),
            "write a space after the colon (points: 10, not points:10), or quote text that spans lines",
        )
    found = problem.rsplit("found ", 1)[-1] if "found " in problem else ""
    if "undefined alias" in problem:
        found = "*"
    if found.strip("'") and found.strip("'")[0] in "?*&!|>%@`":
        char = found.strip("'")[0]
        return Diagnostic(
            "E100",
            f"YAML syntax: {problem}",
            at(pmark or cmark),
            f"a value that starts with '{char}' means something else to YAML: quote it, e.g. \"{char}...\"",
        )
    return Diagnostic(
        "E100",
        f"YAML syntax: {problem}",
        at(pmark or cmark),
        "check the indentation and that every ':' is followed by a space",
    )


def _odd_quote(lines: list[str], first: int, last: int) -> tuple[int, int] | None:
    """(line, column) of an unmatched '"' on lines first..last, both 0-based, if any."""
    for i in range(first, min(last, len(lines) - 1) + 1):
        line = lines[i]
        quotes = [j for j, c in enumerate(line) if c == '"' and (j == 0 or line[j - 1] != "\\")]
        if len(quotes) % 2:
            return i, quotes[-1]
    return None


def _previous_content_line(lines: list[str], before: int) -> tuple[int, str] | None:
    for i in range(before - 1, -1, -1):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#"):
            return i, lines[i]
    return None


def _line_in_column(lines: list[str], before: int, column: int) -> int | None:
    """The nearest line (0-based) above `before` that starts at `column` (0-based), in the block
    that holds it (no line between starts further left)."""
    for i in range(before - 1, -1, -1):
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(lines[i]) - len(lines[i].lstrip())
        if indent < column:
            return None
        if indent == column:
            return i
    return None


def _is_item(line: str) -> bool:
    stripped = line.strip()
    return stripped.startswith("- ") or stripped == "-"


def _key_column(line: str) -> int:
    """1-based column of the first key on `line`, after any '- ' item markers."""
    i = 0
    while i < len(line) and line[i] in " -":
        if line[i] == "-" and line[i + 1 : i + 2] not in (" ", ""):
            break
        i += 1
    return i + 1


def load_yaml(text: str, file: str, fast: bool = True) -> YamlDocument:
    """Compose `text` as one YAML 1.2 document; syntax errors become diagnostics.

    The node tree comes from libyaml (ruamel.yaml.clib) where it is installed, about eight times
    faster than the pure-Python parser; anything it rejects is parsed again by the pure parser,
    whose error messages the diagnostics are written for. Scalars are resolved here either way.
    """
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    builder = _Builder(file, text)
    node = _compose_with_libyaml(text) if fast else None
    if node is None:
        try:
            node = _yaml(typ="safe").compose(text)
        except MarkedYAMLError as exc:
            return YamlDocument(None, builder.source, [syntax_diagnostic(exc, text, file)])
        except YAMLError as exc:  # pragma: no cover - unmarked errors are rare
            return YamlDocument(
                None, builder.source, [Diagnostic("E100", f"YAML syntax: {exc}", Location(file))]
            )
    if node is None:
        return YamlDocument(None, builder.source, [])
    try:
        data = builder.build(node, ())
    except _AliasBomb as bomb:
        too_many = Diagnostic(
            "E100",
            f"YAML aliases (*name) here copy more than {MAX_ALIAS_COPIES:,} values; nested aliases multiply",
            builder.source.location(bomb.path[:1], prefer_key=True),  # the top-level key
            "write the repeated part out, or alias it once rather than aliases of aliases",
        )
        return YamlDocument(None, builder.source, [too_many])
    return YamlDocument(data, builder.source, builder.diagnostics)


def _yaml(typ: str, pure: bool = True) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ=typ, pure=pure)
    yaml.version = (1, 2)
    return yaml


def _compose_with_libyaml(text: str) -> Any:
    """The node tree from libyaml, or None: no C parser here, an empty document, or any error
    (the caller then parses with the pure parser, for the same result or a precise diagnostic)."""
    yaml = _yaml(typ="safe", pure=False)
    if getattr(yaml.Parser, "__name__", "") != "CParser":
        return None
    try:
        return yaml.compose(text)
    except Exception:  # any failure: the pure parser reads it again
        return None
