"""A model version: one state of a model file, with who made it, when and why.

A version comes from a file in a folder, a commit in git, or the working copy of a file. What
the model file says wins (`author`, `change_note`, `date`); otherwise the commit says it (its
author, the first line of its message, its commit date); otherwise the file (its modification
time). A version that does not validate is kept, with its errors, so that a history never
drops a version silently.
"""

from __future__ import annotations

import datetime as dt
import re
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from leadscore.diagnostics import Diagnostic, Severity
from leadscore.model.schema import Model

Origin = Literal["model", "commit", "file"]


@dataclass(frozen=True)
class Commit:
    """What git says about a commit that changed the model file."""

    sha: str
    author: str
    email: str
    date: datetime  # the commit date (committer date), UTC
    message: str  # the first line of the message
    path: str  # the model file's path in the repository at this commit


@dataclass(frozen=True)
class ModelVersion:
    """One version of a model. `model` is None when the file does not validate."""

    label: str  # the model's `version` as written ("3", "2026-06"), "?" when unreadable
    version: int | str | None
    date: datetime | None
    date_from: Origin | None
    author: str | None
    author_from: Origin | None
    change_note: str | None
    note_from: Origin | None
    source: str  # where it was read: "versions/v3.yaml", "model.yaml@1a2b3c4"
    text: str
    model: Model | None
    errors: list[Diagnostic] = field(default_factory=list)
    commit: Commit | None = None
    uncommitted: bool = False  # the working copy differs from the last commit

    @property
    def valid(self) -> bool:
        return self.model is not None

    @property
    def day(self) -> dt.date | None:
        return self.date.date() if self.date is not None else None

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "label": self.label,
            "date": self.date.isoformat().replace("+00:00", "Z") if self.date else None,
            "date_from": self.date_from,
            "author": self.author,
            "author_from": self.author_from,
            "change_note": self.change_note,
            "change_note_from": self.note_from,
            "source": self.source,
            "commit": self.commit.sha if self.commit else None,
            "uncommitted": self.uncommitted,
            "valid": self.valid,
            "errors": [d.to_json() for d in self.errors],
        }


def make_version(
    text: str,
    source: str,
    *,
    commit: Commit | None = None,
    file_time: datetime | None = None,
    uncommitted: bool = False,
) -> ModelVersion:
    """Validate `text` (without lint: history is about what changed, not advice) and describe it."""
    from leadscore.model.loader import validate_text

    report = validate_text(text, source, lint=False)
    model = report.model
    errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    raw = _raw_metadata(text, source) if model is None else {}
    version = model.version if model is not None else raw.get("version")
    author_m = model.author if model is not None else raw.get("author")
    note_m = model.change_note if model is not None else raw.get("change_note")
    day_m = model.date if model is not None else raw.get("date")

    author, author_from = _pick(author_m, commit.author if commit else None)
    note, note_from = _pick(note_m, commit.message if commit else None)
    when: datetime | None
    date_from: Origin | None
    if day_m is not None:
        when, date_from = datetime(day_m.year, day_m.month, day_m.day, tzinfo=UTC), "model"
    elif commit is not None and not uncommitted:
        when, date_from = commit.date, "commit"
    elif file_time is not None:
        when, date_from = file_time, "file"
    else:
        when, date_from = None, None
    return ModelVersion(
        label="?" if version is None else str(version),
        version=version,
        date=when,
        date_from=date_from,
        author=author,
        author_from=author_from,
        change_note=note,
        note_from=note_from,
        source=source,
        text=text,
        model=model,
        errors=errors,
        commit=commit,
        uncommitted=uncommitted,
    )


def _pick(from_model: str | None, from_commit: str | None) -> tuple[str | None, Origin | None]:
    if from_model:
        return from_model, "model"
    if from_commit:
        return from_commit, "commit"
    return None, None


def _raw_metadata(text: str, source: str) -> dict[str, Any]:
    """version, author, change_note and date as written, from a file that does not validate."""
    from leadscore.model.yaml_source import load_yaml

    data = load_yaml(text, source).data
    if not isinstance(data, dict):
        return {}
    out: dict[str, Any] = {}
    v = data.get("version")
    if isinstance(v, int | str) and not isinstance(v, bool) and v != "":
        out["version"] = v
    for key in ("author", "change_note"):
        if isinstance(data.get(key), str):
            out[key] = data[key]
    if isinstance(data.get("date"), str):
        with suppress(ValueError):
            out["date"] = dt.date.fromisoformat(data["date"])
    return out


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """File names in natural order: v2.yaml before v10.yaml."""
    return tuple((0, int(p)) if p.isdigit() else (1, p.lower()) for p in re.findall(r"\d+|\D+", name))


def column_titles(versions: list[ModelVersion]) -> list[str]:
    """A unique title per version: its label, with the commit or file when labels repeat."""
    counts: dict[str, int] = {}
    for v in versions:
        counts[v.label] = counts.get(v.label, 0) + 1
    titles = []
    for v in versions:
        if counts[v.label] == 1:
            titles.append(v.label)
        elif v.uncommitted:
            titles.append(f"{v.label} (working copy)")
        elif v.commit is not None:
            titles.append(f"{v.label} ({v.commit.sha[:7]})")
        else:
            titles.append(f"{v.label} ({v.source.rsplit('/', 1)[-1]})")
    return titles
