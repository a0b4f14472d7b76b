"""One shape for every problem leadscore reports: CLI text, CLI JSON and the API.

A :class:`Diagnostic` carries a stable code, a message, an optional location
(`file:line:col`, 1-based) and an optional hint. Collections of diagnostics are raised
together as :class:`LeadscoreError` so a user sees every problem at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file; `line` and `column` are 1-based, 0 when unknown."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        if self.column <= 0:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    location: Location | None = None
    hint: str | None = None
    severity: Severity = Severity.ERROR
    path: tuple[str | int, ...] = field(default=(), compare=False)

    def render(self) -> str:
        """`file:line:col: CODE: message` followed by an indented hint line."""
        where = f"{self.location}: " if self.location else ""
        kind = "" if self.severity is Severity.ERROR else f"{self.severity.value} "
        text = f"{where}{self.code}: {kind}{self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def to_json(self) -> dict[str, Any]:
        loc = self.location
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": loc.file if loc else None,
            "line": loc.line if loc and loc.line else None,
            "column": loc.column if loc and loc.column else None,
            "path": "/".join(str(p) for p in self.path) if self.path else None,
            "hint": self.hint,
        }


def sort_diagnostics(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Order by file position, errors before warnings at the same place."""

    def key(d: Diagnostic) -> tuple[str, int, int, int, str]:
        loc = d.location or Location("")
        return (loc.file, loc.line, loc.column, 0 if d.severity is Severity.ERROR else 1, d.code)

    return sorted(diags, key=key)


# what DuckDB raises (a RuntimeError) when Ctrl-C stops a statement
INTERRUPTED = "Query interrupted"


class LeadscoreError(Exception):
    """A user-facing failure: one or more diagnostics, never a traceback.

    `exit_code` 2 means the user's input is wrong (a file, a flag, a model); 1 means the
    work itself failed (an engine error, a strict-mode data problem found while running).
    """

    def __init__(self, diagnostics: Sequence[Diagnostic] | Diagnostic, exit_code: int = 2):
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        self.exit_code = exit_code
        super().__init__("\n".join(d.render() for d in self.diagnostics))

    @classmethod
    def simple(
        cls,
        code: str,
        message: str,
        hint: str | None = None,
        exit_code: int = 2,
        where: Location | None = None,
    ) -> LeadscoreError:
        """One error; `where` places it (a whole file: `Location(path)`), so the JSON shape has its file."""
        return cls([Diagnostic(code, message, where, hint=hint)], exit_code=exit_code)

    def to_json(self) -> dict[str, Any]:
        errors = [d for d in self.diagnostics if d.severity is Severity.ERROR]
        return {
            "ok": False,
            "error": errors[0].to_json() if errors else None,
            "diagnostics": [d.to_json() for d in self.diagnostics],
        }
