"""When the next review of a model is due (`review: {first_after, every, since, last_review}`).

The schedule is fixed by the day the version in use went live, `L`: the first review is due
`first_after` after `L` (or `every` after it without `first_after`), then every `every`. Dates
are UTC calendar days: a due moment is `L` 00:00 UTC plus the durations, and its day is the due
date (`first_after: 36h` from 2026-01-01 is due on 2026-01-02).

A review is *done* when `review.last_review` is on or after its due date. At `today`:

- `not_due`: no review is waiting (`days` = days until the next due date);
- `due_today`: the earliest waiting review is due today (`days` = 0);
- `overdue`: the earliest waiting review was due before today (`days` = days since then);
- `no_schedule`: the model has no `review` (or neither `first_after` nor `every`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from leadscore.durations import Duration, from_micros, to_micros

State = Literal["no_schedule", "not_due", "due_today", "overdue"]


@dataclass(frozen=True)
class Schedule:
    live: date  # the day the version in use went live
    first_after: Duration | None
    every: Duration | None
    last_review: date | None = None

    def due(self, k: int) -> date:
        """The k-th due date (k = 0 is the first review)."""
        first = self.first_after or self.every
        assert first is not None
        step = self.every.micros if self.every else 0
        at = _midnight(self.live) + first.micros + k * step
        return from_micros(at).date()

    def count_before(self, day: date) -> int:
        """How many due dates fall before `day` (due moments before its midnight)."""
        first = self.first_after or self.every
        assert first is not None
        span = _midnight(day) - (_midnight(self.live) + first.micros)
        if span <= 0:
            return 0
        if self.every is None:
            return 1
        return -(-span // self.every.micros)  # ceil: moments at 0, every, 2·every, … below span


@dataclass(frozen=True)
class ReviewStatus:
    state: State
    today: date
    live: date | None
    first_after: Duration | None = None
    every: Duration | None = None
    last_review: date | None = None
    first_due: date | None = None
    last_due: date | None = None  # the latest due date on or before today
    next_due: date | None = None  # the earliest due date after today
    waiting_since: date | None = None  # the earliest due date not reviewed yet, on or before today
    days: int = 0  # days left (not_due) or overdue (overdue)
    missed: int = 0  # due dates before today without a review since

    @property
    def overdue(self) -> bool:
        return self.state == "overdue"

    def to_json(self) -> dict[str, Any]:
        def iso(d: date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "state": self.state,
            "today": iso(self.today),
            "live_since": iso(self.live),
            "first_after": self.first_after.text if self.first_after else None,
            "every": self.every.text if self.every else None,
            "last_review": iso(self.last_review),
            "first_due": iso(self.first_due),
            "last_due": iso(self.last_due),
            "next_due": iso(self.next_due),
            "waiting_since": iso(self.waiting_since),
            "days_left": self.days if self.state in ("not_due", "due_today") else None,
            "days_overdue": self.days if self.state == "overdue" else None,
            "missed_reviews": self.missed,
        }


def review_status(
    live: date,
    today: date,
    first_after: Duration | None,
    every: Duration | None,
    last_review: date | None = None,
) -> ReviewStatus:
    if first_after is None and every is None:
        return ReviewStatus("no_schedule", today, live, last_review=last_review)
    s = Schedule(live, first_after, every, last_review)
    upto_today = s.count_before(today + timedelta(days=1))  # due dates on or before today
    next_due = s.due(upto_today) if every is not None else s.due(0) if upto_today == 0 else None
    done = s.count_before(last_review + timedelta(days=1)) if last_review and last_review >= live else 0
    waiting = max(0, upto_today - done)
    status = ReviewStatus(
        "not_due",
        today,
        live,
        first_after,
        every,
        last_review,
        first_due=s.due(0),
        last_due=s.due(upto_today - 1) if upto_today else None,
        next_due=next_due,
        days=(next_due - today).days if next_due else 0,
    )
    if waiting == 0:
        return status
    since = s.due(done)
    if since == today:
        return replace(status, state="due_today", waiting_since=since, days=0)
    missed = max(0, s.count_before(today) - done)
    return replace(status, state="overdue", waiting_since=since, days=(today - since).days, missed=missed)


def _midnight(d: date) -> int:
    return to_micros(datetime(d.year, d.month, d.day, tzinfo=UTC))
