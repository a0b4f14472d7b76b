"""A deterministic, realistic B2B marketing funnel for `leadscore demo`.

`generate(out_dir)` writes `contacts.csv`, `events.csv`, `outcomes.csv` and `feedback.csv` (sales'
verdict on each lead handed over): the same seed gives byte-identical files. Only the standard library is used (one `random.Random(seed)`), and the
default size (5,000 contacts, well over 100,000 events) takes a couple of seconds.

The data has the rough edges of a real export: unknown fields, non-ASCII names, timestamps
with offsets, security scanners that open and click every e-mail (most marked `is_bot=true`,
some not), job seekers on the careers pages, interest that fades, and retried events sharing
an `event_id`.
"""

from __future__ import annotations

import bisect
import csv
import math
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from leadscore.demo.behaviour import DAY, PROFILES, Profile, build_journey, email_calendar, pick_profile
from leadscore.demo.funnel import Outcome, outcomes
from leadscore.demo.personas import Company, Person, make_company, make_job_seeker, make_person
from leadscore.durations import MICROS_PER_SECOND, format_instant, parse_instant

CONTACT_COLUMNS = (
    "contact_id", "created_at", "email", "first_name", "last_name", "company", "country", "employees",
    "job_title", "industry", "budget", "age",
)  # fmt: skip
EVENT_COLUMNS = ("event_id", "contact_id", "type", "timestamp", "url", "form", "campaign", "device", "is_bot")
OUTCOME_COLUMNS = ("contact_id", "outcome", "timestamp", "value", "reason")
FEEDBACK_COLUMNS = ("contact_id", "verdict", "reason", "note", "timestamp")
NOTES = (
    "",
    "",
    "",
    "called twice, no answer",
    "asked for a call back next quarter",
    "spoke to the team lead",
)

JOB_SEEKER_SHARE = 0.05
OFFSET_SHARE = 0.10  # events written with a local offset instead of Z
DUPLICATE_SHARE = 0.003  # events delivered twice (a retry), with the same event_id
CONTACTS_PER_COMPANY = 1 / 0.6  # about 1.7: several contacts of one account


# ts, contact number, order within the contact, type, url, form, campaign, device, is_bot
_EventTuple = tuple[int, int, int, str, str, str, str, str, str]


@dataclass(frozen=True)
class DemoData:
    """What `generate` wrote: the three files, their row counts and the scoring instant."""

    contacts_csv: Path
    events_csv: Path
    outcomes_csv: Path
    contacts: int
    events: int  # rows in events.csv, retried duplicates included
    outcomes: int
    as_of: str  # the `end` instant, ISO 8601 UTC
    duplicates: int = 0  # rows repeating an earlier event_id
    feedback_csv: Path | None = None
    feedback: int = 0


@dataclass(frozen=True)
class _Planned:
    created: int
    person: Person
    profile: Profile


def generate(
    out_dir: Path,
    contacts: int = 5000,
    seed: int = 7,
    start: str = "2026-05-01T00:00:00Z",
    end: str = "2026-11-01T00:00:00Z",
) -> DemoData:
    """Write a demo funnel of `contacts` contacts with events in [start, end) into `out_dir`."""
    if contacts < 1:
        raise ValueError(f"contacts must be at least 1, got {contacts}")
    start_s = math.ceil(parse_instant(start) / MICROS_PER_SECOND)
    end_us = parse_instant(end)
    end_s = end_us // MICROS_PER_SECOND  # events are strictly before this second, so never after `end`
    if end_s - start_s < DAY:
        raise ValueError(f"the demo needs at least a day between start ({start}) and end ({end})")
    rng = random.Random(seed)
    sends = email_calendar(rng, start_s, end_s)
    planned = _plan(rng, contacts, start_s, end_s)

    width = max(5, len(str(contacts)))
    contact_rows: list[list[str]] = []
    events: list[_EventTuple] = []
    outcome_rows: list[tuple[int, int, Outcome]] = []
    offsets: list[int] = []
    for n, plan in enumerate(planned):
        person = plan.person
        contact_rows.append(_contact_row(f"c{n + 1:0{width}d}", plan))
        offsets.append(person.offset)
        journey = build_journey(rng, person, plan.profile, plan.created, start_s, end_s, sends)
        journey.rows.sort(key=lambda r: r[0])
        events.extend((r[0], n, k, *r[1:]) for k, r in enumerate(journey.rows))
        s0 = max(start_s, plan.created)
        outcome_rows.extend((o[0], n, o) for o in outcomes(rng, person, journey.signals, s0, end_s))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    outcome_rows.sort(key=lambda o: (o[0], o[1]))

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ids = [row[0] for row in contact_rows]
    paths = (out_dir / "contacts.csv", out_dir / "events.csv", out_dir / "outcomes.csv")
    _write_csv(paths[0], CONTACT_COLUMNS, contact_rows)
    n_events = _write_csv(paths[1], EVENT_COLUMNS, _event_rows(rng, events, ids, offsets))
    n_outcomes = _write_csv(
        paths[2], OUTCOME_COLUMNS, ([ids[n], o[1], _iso(o[0]), o[2], o[3]] for _, n, o in outcome_rows)
    )
    feedback_csv = out_dir / "feedback.csv"
    n_feedback = _write_csv(feedback_csv, FEEDBACK_COLUMNS, _feedback_rows(seed, outcome_rows, ids))
    return DemoData(
        *paths, contacts=len(contact_rows), events=n_events, outcomes=n_outcomes,
        as_of=format_instant(end_us), duplicates=n_events - len(events),
        feedback_csv=feedback_csv, feedback=n_feedback,
    )  # fmt: skip


def _feedback_rows(
    seed: int, outcome_rows: list[tuple[int, int, Outcome]], ids: list[str]
) -> Iterator[list[str]]:
    """Sales' verdict when a lead is handed over: accepted (it became a SAL) or rejected (it was
    disqualified straight away, with the reason). Its own random stream leaves the other files as
    they were."""
    rng = random.Random(seed * 7919 + 1)
    seen: set[int] = set()
    for ts, n, (_, outcome, _, reason) in outcome_rows:  # in time order: the first is the handover
        if n in seen or outcome not in ("sal", "disqualified"):
            continue
        seen.add(n)
        verdict = "accepted" if outcome == "sal" else "rejected"
        yield [ids[n], verdict, reason if verdict == "rejected" else "", rng.choice(NOTES), _iso(ts)]


def _plan(rng: random.Random, contacts: int, start: int, end: int) -> list[_Planned]:
    """People, their companies, profiles and creation times; sorted by creation (the id order)."""
    companies: list[Company] = [
        make_company(rng) for _ in range(max(1, round(contacts / CONTACTS_PER_COMPANY)))
    ]
    out: list[tuple[int, int, _Planned]] = []
    for i in range(contacts):
        if rng.random() < JOB_SEEKER_SHARE:
            person, profile = make_job_seeker(rng), PROFILES["job_seeker"]
        else:
            # Skewed: the first accounts have many contacts, most have one or two.
            company = companies[int(len(companies) * rng.random() ** 1.8)]
            person = make_person(rng, company)
            profile = pick_profile(rng, person.fit)
        if profile.name == "faded":  # known since before or early in the period
            created = start - 200 * DAY + int(rng.random() * 230 * DAY)
        elif rng.random() < 0.35:  # already in the CRM when the period starts
            created = start - 365 * DAY + int(rng.random() * 365 * DAY)
        else:
            created = start + int(rng.random() * (end - start - 3600))
        created = min(created, end - 3600)  # short periods: nobody is created after the end
        out.append((created, i, _Planned(created, person, profile)))
    out.sort(key=lambda t: (t[0], t[1]))
    return [p for _, _, p in out]


def _contact_row(contact_id: str, plan: _Planned) -> list[str]:
    p = plan.person
    return [
        contact_id, _iso(plan.created), p.email, p.first_name, p.last_name, p.company, p.country,
        _text(p.employees), p.job_title, p.industry, _text(p.budget), _text(p.age),
    ]  # fmt: skip


def _event_rows(
    rng: random.Random, events: list[_EventTuple], ids: list[str], offsets: list[int]
) -> Iterator[list[str]]:
    """Events in time order; ~10% written with an offset, ~0.3% again a few rows later (a retry)."""
    pending: list[tuple[int, int, list[str]]] = []  # (write after row number, original row number, row)
    for k, (ts, n, _, kind, url, form, campaign, device, is_bot) in enumerate(events, start=1):
        offset = offsets[n] if rng.random() < OFFSET_SHARE else 0
        row = [f"ev{k:07d}", ids[n], kind, _iso(ts, offset), url, form, campaign, device, is_bot]
        yield row
        if rng.random() < DUPLICATE_SHARE:
            bisect.insort(pending, (k + rng.randint(0, 40), k, row))
        while pending and pending[0][0] <= k:
            yield pending.pop(0)[2]
    for _, _, row in pending:
        yield row


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """UTF-8 CSV with `\\n` line ends; returns the number of data rows."""
    n = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow(row)
            n += 1
    return n


def _text(value: int | None) -> str:
    return "" if value is None else str(value)


_EPOCH_DAY = date(1970, 1, 1).toordinal()
_DAYS: dict[int, str] = {}


def _iso(ts: int, offset_minutes: int = 0) -> str:
    """`2026-05-04T09:30:00Z`, or the same instant in local time with `+02:00` / `-05:00`."""
    local = ts + offset_minutes * 60
    day, rem = divmod(local, DAY)
    text = _DAYS.get(day)
    if text is None:
        text = _DAYS[day] = date.fromordinal(_EPOCH_DAY + day).isoformat()
    hh, rem = divmod(rem, 3600)
    mm, ss = divmod(rem, 60)
    if offset_minutes == 0:
        return f"{text}T{hh:02d}:{mm:02d}:{ss:02d}Z"
    sign = "+" if offset_minutes > 0 else "-"
    oh, om = divmod(abs(offset_minutes), 60)
    return f"{text}T{hh:02d}:{mm:02d}:{ss:02d}{sign}{oh:02d}:{om:02d}"
