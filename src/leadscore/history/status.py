"""`leadscore status`: the version in use, since when it is live, and when its review is due.

The day the version in use went live, in order of precedence:

1. `review.since` in the model;
2. in git, the date of the first commit of the latest run of commits whose `version` is the
   one in use (so fixing a typo without raising `version` does not restart the clock); when
   the working copy's `version` is not committed yet, the file's modification time;
3. the model's `date`;
4. the file's modification time.

The schedule itself is computed by :mod:`leadscore.history.review`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from leadscore.diagnostics import LeadscoreError
from leadscore.history.folder import file_time
from leadscore.history.review import ReviewStatus, review_status
from leadscore.history.versions import ModelVersion
from leadscore.model.schema import Model

LiveFrom = Literal["review.since", "git", "model date", "file"]
_NOT_IN_GIT = ("H003", "H004", "H005")


@dataclass(frozen=True)
class Live:
    day: date
    origin: LiveFrom
    detail: str  # in words: "commit 1a2b3c4 by Ana introduced version 3"


@dataclass(frozen=True)
class ModelStatus:
    file: str
    model: str
    version: str
    live: Live
    review: ReviewStatus

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "model": self.model,
            "version": self.version,
            "live_since": self.live.day.isoformat(),
            "live_from": self.live.origin,
            "live_detail": self.live.detail,
            "review": self.review.to_json(),
        }


def model_status(path: Path, model: Model, today: date) -> ModelStatus:
    live = live_since(path, model)
    r = model.review
    status = review_status(
        live.day,
        today,
        r.first_after if r else None,
        r.every if r else None,
        r.last_review if r else None,
    )
    return ModelStatus(str(path), model.model, model.version_label, live, status)


def live_since(path: Path, model: Model) -> Live:
    if model.review is not None and model.review.since is not None:
        return Live(model.review.since, "review.since", "set by review.since in the model")
    from leadscore.history.git import git_versions

    why_not_git = ""
    try:
        versions = git_versions(path)
    except LeadscoreError as exc:
        if exc.diagnostics[0].code not in _NOT_IN_GIT:
            raise
        why_not_git = {
            "H003": "git is not installed",
            "H004": "the file is not in git",
            "H005": "the file is not committed",
        }[exc.diagnostics[0].code]
    else:
        first = _first_of_current(versions, model.version)
        if first is not None and first.uncommitted:
            day = file_time(path).date()
            detail = f"version {model.version_label} is not committed yet: the file's modification time"
            return Live(day, "file", detail)
        if first is not None and first.day is not None and first.commit is not None:
            by = f" by {first.commit.author}" if first.commit.author else ""
            detail = f"commit {first.commit.sha[:7]}{by} introduced version {model.version_label}"
            if first.date_from == "model":
                detail += " (its date: from the model)"
            return Live(first.day, "git", detail)
    if model.date is not None:
        return Live(model.date, "model date", "the model's date")
    note = f"; {why_not_git}" if why_not_git else ""
    return Live(file_time(path).date(), "file", f"the file's modification time{note}")


def _first_of_current(versions: list[ModelVersion], current: int | str) -> ModelVersion | None:
    """The oldest version of the newest unbroken run of versions with `version` = current."""
    first = None
    for v in reversed(versions):
        if v.version != current:
            break
        first = v
    return first
