"""What loading found: bad rows (with file, line and reason), duplicates and strays."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from leadscore.data.column_names import spelled_otherwise
from leadscore.diagnostics import Diagnostic, LeadscoreError, Location, Severity

MAX_LISTED = 20  # bad rows listed one by one per file; the rest are counted by reason
TYPE_SAMPLE_ROWS = 10_000  # events sampled for their types (see session.type_sample)
ALL_ROWS = "all rows"
READ_EVENTS = "events the rules read"  # duplicates looked for among those only (`leadscore score`)


@dataclass(frozen=True)
class BadRow:
    file: str
    line: int  # 1-based line of a CSV / JSON Lines file; 1-based row of a Parquet file
    reason: str
    column: str | None = None
    code: str = "D101"  # D103 for a row whose id an earlier row gave: listed, not a bad row

    def to_diagnostic(self) -> Diagnostic:
        return Diagnostic(self.code, self.reason, Location(self.file, self.line), severity=Severity.WARNING)


@dataclass
class FileReport:
    file: str
    kind: str  # contacts, events, outcomes, feedback
    rows: int = 0  # rows read
    bad_total: int = 0
    bad: list[BadRow] = field(default_factory=list)  # the first MAX_LISTED
    bad_by_reason: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0  # rows whose id was already seen (events: event_id; contacts: contact_id)
    missing_columns: list[str] = field(default_factory=list)
    # a missing column → a column of the file named like it but for letter case
    alike_columns: dict[str, str] = field(default_factory=dict)
    # events: properties the model reads that the file gives both as a column (a top-level key)
    # and inside `properties`; the column is read
    shadowed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # where rows repeat an id, which one counts: files keep the first; a table has no input order
    first_rule: str = "the first in the file counts"
    table: bool = False  # read from a table: no lines, and "table", not "file", in messages
    # contacts, for evaluate and journeys only: created_at values that are not timestamps (the
    # contact is kept, and counts as created before the cutoff): how many, and the first ones
    created_unreadable: int = 0
    # events: types in a sample of the file that no rule reads but that equal a type a rule
    # reads except for letter case or spaces: (type in the file, the model's type, count)
    near_types: list[tuple[str, str, int]] = field(default_factory=list)
    created_examples: list[BadRow] = field(default_factory=list)
    # which rows `duplicates` counts: every row, or (events, when the scoring query drops the
    # later copies itself) the events the rules read as of the scoring instant
    duplicates_among: str = ALL_ROWS
    # events only: (good rows with their copies, the relation saying which to drop) when the
    # engine drops the later copies inside the scoring query: with ALL_ROWS, the duplicated ids
    # and the position of their first row; with READ_EVENTS, every good row's (event_id, _order)
    deduplicate_with: tuple[str, str] | None = None

    @property
    def loaded(self) -> int:
        """Good rows kept: neither bad nor a later copy of an id (as far as they were counted)."""
        return self.rows - self.bad_total - self.duplicates

    def missing(self, name: str, columns: Iterable[str]) -> None:
        """The model reads `name`, which the file lacks (perhaps it has it in other letter case)."""
        self.missing_columns.append(name)
        alike = spelled_otherwise(name, columns)
        if alike is not None:
            self.alike_columns[name] = alike

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "kind": self.kind,
            "rows": self.rows,
            "loaded": self.loaded,
            "bad_rows": self.bad_total,
            "bad_by_reason": dict(self.bad_by_reason),
            # a row of a folder of Parquet parts names its part file (the line is the row in it);
            # `code` tells a bad row (D101) from a later row of an id given twice (D103, counted
            # under `duplicates`, not `bad_rows`)
            "bad_examples": [
                {
                    "line": b.line,
                    "code": b.code,
                    "reason": b.reason,
                    **({"file": b.file} if b.file != self.file else {}),
                }
                for b in self.bad
            ],
            "duplicates": self.duplicates,
            "duplicates_among": self.duplicates_among,
            "missing_columns": self.missing_columns,
            "notes": self.notes,
        }


@dataclass
class LoadReport:
    files: list[FileReport] = field(default_factory=list)
    unknown_contact_events: int = 0

    @property
    def bad_total(self) -> int:
        return sum(f.bad_total for f in self.files)

    def diagnostics(self) -> list[Diagnostic]:
        out: list[Diagnostic] = []
        for f in self.files:
            out.extend(b.to_diagnostic() for b in f.bad)
            more = f.bad_total - len(f.bad)
            if more > 0:
                out.append(
                    Diagnostic(
                        "D100",
                        # the reasons count every bad row, the listed ones too
                        f"{more} more bad rows not listed (all {f.bad_total} by reason: "
                        + ", ".join(f"{n} × {r}" for r, n in f.bad_by_reason.most_common(5))
                        + ")",
                        Location(f.file),
                        severity=Severity.WARNING,
                    )
                )
            what = "table" if f.table else "file"
            for col in f.missing_columns:
                out.append(
                    Diagnostic(
                        "D102",
                        f"the model reads '{col}', which is not a column of this {what}; it counts as missing for every row",
                        Location(f.file, 0 if f.table else 1),  # a file's header is line 1
                        f"the {what} has '{f.alike_columns[col]}': names must match in letter case too"
                        if col in f.alike_columns
                        else "check the spelling, or add the column",
                        Severity.WARNING,
                    )
                )
            out.extend(
                Diagnostic(
                    "D107",
                    f"'{name}' is given both as a column and inside properties; the column is read",
                    Location(f.file),
                    f"keep '{name}' in one place, or rename the key inside properties",
                    Severity.WARNING,
                )
                for name in f.shadowed
            )
            out.extend(
                Diagnostic("D105", b.reason, Location(b.file, b.line), severity=Severity.WARNING)
                for b in f.created_examples
            )
            if f.created_unreadable > len(f.created_examples):
                out.append(
                    Diagnostic(
                        "D105",
                        f"{f.created_unreadable - len(f.created_examples)} more created_at values are not timestamps",
                        Location(f.file),
                        severity=Severity.WARNING,
                    )
                )
            out.extend(
                Diagnostic(
                    "D106",
                    f"{n:,} of the first {TYPE_SAMPLE_ROWS:,} events have the type '{found}', which no rule reads; "
                    f"the model reads '{read}'",
                    Location(f.file),
                    "event types match exactly, letter case and spaces included: fix the type in the data or in the model",
                    Severity.WARNING,
                )
                for found, read, n in f.near_types
            )
            if f.duplicates:
                what = "an event_id" if f.kind == "events" else "a contact_id"
                rows = "rows" if f.duplicates_among == ALL_ROWS else f.duplicates_among
                out.append(
                    Diagnostic(
                        "D103",
                        f"{f.duplicates} {rows} repeat {what} seen earlier; {f.first_rule}",
                        Location(f.file),
                        severity=Severity.WARNING,
                    )
                )
        if self.unknown_contact_events:
            events_file = next((f.file for f in self.files if f.kind == "events"), "events")
            skipped = sum(f.bad_total for f in self.files if f.kind == "contacts")
            out.append(
                Diagnostic(
                    "D104",
                    f"{self.unknown_contact_events} events the rules read belong to contacts not in the contacts file; they are ignored",
                    Location(events_file),
                    # a contact whose row was bad is not in the contacts that were read
                    f"{skipped} contact {'row was' if skipped == 1 else 'rows were'} bad (D101 above): "
                    "the events of a contact whose row was bad count here too"
                    if skipped
                    else None,
                    severity=Severity.WARNING,
                )
            )
        return out

    def check_strict(self) -> None:
        """With --strict, any bad row is an error: raise with the rows listed, else do nothing."""
        unreadable = sum(f.created_unreadable for f in self.files)
        if not self.bad_total and not unreadable:
            return
        errors = [
            Diagnostic(d.code, d.message, d.location, d.hint, Severity.ERROR)
            for d in self.diagnostics()
            if d.code in ("D100", "D101", "D105")
        ]
        raise LeadscoreError(
            [
                *errors,
                Diagnostic(
                    "D199",
                    f"{self.bad_total + unreadable} bad rows and --strict is on",
                    hint="fix the rows, or run without --strict to skip them",
                ),
            ]
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "files": [f.to_json() for f in self.files],
            "unknown_contact_events": self.unknown_contact_events,
            "bad_rows": self.bad_total,
        }
