"""What sales made of the demo's leads: sal → sql → opportunity → won / lost, or disqualified.

A lead reaches sales after a demo request, a trial, a contact request, repeated pricing views
(sales reaches out) or, rarely, through a referral with no marketing behaviour at all. Each step
is a coin whose odds rise with the lead's hidden fit and its engagement, so a sensible model
separates converters from the rest without predicting them perfectly. Each step happens days
to weeks after the one before; a step that would fall after `end` has not happened yet.
"""

from __future__ import annotations

import random

from leadscore.demo.behaviour import DAY, Signals
from leadscore.demo.personas import SERVICE_AREA, Person, Weighted

Outcome = tuple[int, str, str, str]  # ts, outcome, value, reason

P_REFERRAL = 0.004  # leads handed to sales without any marketing behaviour


def engagement(s: Signals) -> float:
    """0..1: how strongly the behaviour says "buying" (the generator's view, not the model's)."""
    e = 0.45 * (s.demo is not None) + 0.3 * (s.trial is not None) + 0.2 * (s.contact is not None)
    return min(1.0, e + 0.05 * len(s.pricing) + 0.01 * s.sessions)


def _handover(rng: random.Random, s: Signals, s0: int, end: int) -> int | None:
    steps = [t for t in (s.demo, s.trial, s.contact) if t is not None]
    if steps:
        return min(steps) + rng.randint(2 * 3600, 3 * DAY)
    if len(s.pricing) >= 3 and rng.random() < 0.35:  # sales reaches out
        return sorted(s.pricing)[2] + rng.randint(DAY, 5 * DAY)
    if rng.random() < P_REFERRAL:
        return s0 + int(rng.random() * max(1, end - s0))
    return None


def _disqualify_reason(rng: random.Random, person: Person) -> str:
    if person.job_seeker:
        return "job applicant" if rng.random() < 0.6 else "student"
    reasons: list[tuple[str, float]] = [
        ("not a decision maker", 2),
        ("bad data", 1),
        ("existing customer", 1),
    ]
    if person.country not in SERVICE_AREA:
        reasons.append(("outside service area", 6))
    if person.employees is not None and person.employees < 10:
        reasons.append(("too small", 4))
    if person.budget is None or person.budget < 5000:
        reasons.append(("no budget", 3))
    return Weighted(reasons).pick(rng)


def _lost_reason(rng: random.Random, person: Person) -> str:
    no_budget = 3.0 if person.budget is None or person.budget < 10000 else 1.0
    return Weighted(
        [("no budget", no_budget), ("competitor", 3), ("timing", 3), ("no decision", 2), ("price", 2),
         ("chose in-house", 1)]
    ).pick(rng)  # fmt: skip


def _deal_value(rng: random.Random, person: Person) -> str:
    size = min(person.employees or 100, 5000)
    return str(round((3000 + 40 * size) * rng.uniform(0.6, 1.4) / 100) * 100)


def outcomes(rng: random.Random, person: Person, s: Signals, s0: int, end: int) -> list[Outcome]:
    """The sales outcomes of one contact, in time order (possibly none)."""
    t = _handover(rng, s, s0, end)
    if t is None:
        return []
    f, e = person.fit, engagement(s)
    out: list[Outcome] = []

    def step(lo_days: float, hi_days: float, outcome: str, value: str = "", reason: str = "") -> bool:
        nonlocal t
        assert t is not None
        t += int(rng.uniform(lo_days, hi_days) * DAY)
        if t >= end:
            return False
        out.append((t, outcome, value, reason))
        return True

    if person.job_seeker or rng.random() >= 0.15 + 0.75 * f + 0.1 * e:
        step(0.5, 4, "disqualified", reason=_disqualify_reason(rng, person))
        return out
    if not step(0.2, 3, "sal"):
        return out
    if rng.random() >= 0.25 + 0.6 * f + 0.15 * e:
        if rng.random() < 0.5:  # the rest stay accepted, in nurture
            step(3, 20, "disqualified", reason=_disqualify_reason(rng, person))
        return out
    if not step(2, 14, "sql") or rng.random() >= 0.35 + 0.5 * f + 0.1 * e:
        return out
    if not step(3, 21, "opportunity"):
        return out
    if rng.random() < 0.05 + 0.5 * f + 0.15 * e:
        step(14, 75, "won", value=_deal_value(rng, person))
    else:
        step(10, 60, "lost", reason=_lost_reason(rng, person))
    return out
