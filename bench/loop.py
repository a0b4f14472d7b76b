"""Baseline (c): bench/model.yaml scored by a straightforward per-event loop in plain Python.

What a competent engineer writes without a database: read the Parquet files with pyarrow in
batches, walk the events one by one (drop repeated event_ids, events of unknown contacts, events
after T and bots), and for each behaviour rule whose step (a) the event passes, remember its
timestamp for that contact. Then, per contact, apply once_per, limit, half-life and the rule's
clamp, the category and dimension budgets, inactivity decay, weights, rounding, bands and the
MQL check, all from SPEC §3. It is a second independent implementation: run.py checks its output
against leadscore's.

The model is restated here as Python data (RULES, FIT_RULES, ...), not read from the YAML.
"""

from __future__ import annotations

import heapq
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

H = 3_600_000_000
DAY = 24 * H
WEEK = 7 * DAY
BATCH = 65_536


@dataclass(frozen=True)
class Behaviour:
    id: str
    dimension: str
    category: str
    types: tuple[str, ...]
    points: float
    where: Callable[[str | None, str | None], bool] | None = None  # (url, form) -> bool
    within: int | None = None
    once_per: int | None = None
    limit: int | None = None
    half_life: int | None = None
    min: float | None = None
    max: float | None = None


def _eq(value: str | None, *options: str) -> bool:
    return value is not None and value.lower() in options


def _glob_contains(value: str | None, part: str) -> bool:  # glob "*<part>*", no wildcard in part
    return value is not None and part in value.lower()


def _starts(value: str | None, prefix: str) -> bool:
    return value is not None and value.lower().startswith(prefix)


RULES: tuple[Behaviour, ...] = (
    Behaviour("demo", "engagement", "critical", ("demo_request",), 20, limit=1),
    Behaviour("trial", "engagement", "critical", ("trial_start",), 15, limit=1),
    Behaviour("contact_request", "engagement", "critical", ("contact_request",), 10, within=90 * DAY, limit=1),
    Behaviour("newsletter", "engagement", "interest", ("form_submit",), 5,
              where=lambda url, form: _eq(form, "newsletter"), limit=1),
    Behaviour("webinar", "engagement", "interest", ("form_submit",), 6,
              where=lambda url, form: _eq(form, "webinar", "event"), half_life=45 * DAY, max=12),
    Behaviour("pricing", "engagement", "interest", ("page_view",), 5,
              where=lambda url, form: _glob_contains(url, "/pricing"), within=30 * DAY, once_per=DAY, max=15),
    Behaviour("content", "engagement", "interest", ("download",), 4, half_life=60 * DAY, limit=3),
    Behaviour("docs", "engagement", "interest", ("page_view",), 0.5,
              where=lambda url, form: _starts(url, "https://acme.example/docs"), half_life=14 * DAY, max=5),
    Behaviour("careers", "engagement", "negative", ("page_view",), -10,
              where=lambda url, form: _glob_contains(url, "/careers"), limit=1),
    Behaviour("job_application", "engagement", "negative", ("form_submit",), -15,
              where=lambda url, form: _eq(form, "job_application"), limit=1),
    Behaviour("unsubscribe", "engagement", "negative", ("unsubscribe",), -15),
    Behaviour("email_click", "email", "email", ("email_click",), 3, half_life=30 * DAY, once_per=DAY, limit=5),
    Behaviour("email_open", "email", "email", ("email_open",), 1, within=60 * DAY, once_per=WEEK, max=8),
)  # fmt: skip

_SENIOR = re.compile("(director|vp|head|chief)")
_STUDENT = re.compile("(student|intern|trainee)")


def _fit(c: dict[str, Any]) -> dict[str, float]:
    """Fit categories: {category: value before its clamp}."""
    industry = c["industry"].lower() if c["industry"] is not None else None
    title = c["job_title"].lower() if c["job_title"] is not None else None
    emp, budget = c["employees"], c["budget"]
    return {
        "target_market": (15 if industry in ("software", "saas") else 0)
        + (8 if industry == "finance" else 0)
        + (10 if emp is not None and 50 <= emp <= 1000 else 0),
        "ideal": (15 if title is not None and _SENIOR.search(title) else 0)
        + (10 if budget is not None and budget >= 10000 else 0),
        "not_a_buyer": -20 if title is not None and _STUDENT.search(title) else 0,
    }


def _gates(c: dict[str, Any]) -> list[bool]:
    return [
        _eq(c["country"], "pl", "de", "no", "uk", "fr"),
        c["employees"] is not None and c["employees"] >= 5,
    ]


# (min, max) budgets
CATEGORIES = {
    "target_market": (None, 25), "ideal": (None, 25), "not_a_buyer": (-20, None),
    "critical": (None, 30), "interest": (None, 25), "negative": (-30, None), "email": (None, 20),
}  # fmt: skip
DIMENSIONS = {  # name: (max, decay (after, every, kind, by) or None, floor)
    "fit": (50, None, None),
    "engagement": (60, (30 * DAY, 30 * DAY, "percent", 0.10), 0.5 * 60),
    "email": (20, (14 * DAY, 14 * DAY, "points", 2.0), None),
}
WEIGHTS = {"fit": 1.0, "engagement": 1.0, "email": 1.5}
FIT_BANDS = [(40, "A"), (30, "B"), (15, "C"), (-20, "D")]
ENGAGEMENT_BANDS = [(35, "1"), (20, "2"), (10, "3"), (0, "4")]
TOTAL_BANDS = [(60, "hot"), (30, "warm"), (0, "cold")]
MQL = 60


def _clamp(v: float, lo: float | None, hi: float | None) -> float:
    if lo is not None and v < lo:
        v = lo
    if hi is not None and v > hi:
        v = hi
    return v


def _half_away(x: float) -> float:
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


def official(x: float) -> int:
    """Round to 6 decimals, then to an integer, half away from zero (SPEC §3a)."""
    return int(_half_away(_half_away(x * 1e6) / 1e6))


def _band(value: int, bands: list[tuple[float, str]]) -> str | None:
    for lo, name in bands:  # highest min first
        if value >= lo:
            return name
    return None


def rule_value(r: Behaviour, stamps: list[int], t: int) -> float:
    if r.once_per is not None:
        newest: dict[int, int] = {}
        for ts in stamps:
            w = ts // r.once_per
            if ts > newest.get(w, -(2**63)):
                newest[w] = ts
        stamps = list(newest.values())
    if r.limit is not None and len(stamps) > r.limit:
        stamps = heapq.nlargest(r.limit, stamps)
    if r.half_life is not None:
        v = sum(r.points * 0.5 ** ((t - ts) / r.half_life) for ts in stamps)
    else:
        v = r.points * len(stamps)
    return _clamp(v, r.min, r.max)


def _steps(idle: int, after: int, every: int) -> int:
    return 0 if idle < after else 1 + (idle - after) // every


def score_contact(c: dict[str, Any], stamps: dict[int, list[int]] | None, t: int) -> dict[str, Any]:
    cats = {k: float(v) for k, v in _fit(c).items()}
    cats.update({"critical": 0.0, "interest": 0.0, "negative": 0.0, "email": 0.0})
    last: dict[str, int] = {}
    for i, lst in (stamps or {}).items():
        r = RULES[i]
        cats[r.category] += rule_value(r, lst, t)
        if r.points > 0:  # the newest event passing step (a) of a positive rule drives decay
            last[r.dimension] = max(last.get(r.dimension, -(2**63)), max(lst))
    dim_cats = {"fit": ("target_market", "ideal", "not_a_buyer"), "engagement": ("critical", "interest", "negative"),
                "email": ("email",)}  # fmt: skip
    dims: dict[str, float] = {}
    for d, names in dim_cats.items():
        hi, decay, floor = DIMENSIONS[d]
        raw = _clamp(sum(_clamp(cats[n], *CATEGORIES[n]) for n in names), None, hi)
        value = raw
        if decay is not None and raw > 0:
            after, every, kind, by = decay
            n = _steps(t - last[d], after, every) if d in last else 0
            decayed = raw * (1 - by) ** n if kind == "percent" else raw - n * by
            f = floor if floor is not None else 0.0
            value = raw if raw <= f else max(f, decayed)
        dims[d] = float(value)
    gates = _gates(c)
    qualified = all(gates)
    points = official(sum(WEIGHTS[d] * v for d, v in dims.items()))
    fit_band = _band(official(dims["fit"]), FIT_BANDS)
    eng_band = _band(official(dims["engagement"]), ENGAGEMENT_BANDS)
    return {
        "score": points,
        "points": points,
        "fit_points": dims["fit"],
        "engagement_points": dims["engagement"],
        "email_points": dims["email"],
        "qualified": qualified,
        "gates_met": sum(gates),
        "fit_band": fit_band,
        "engagement_band": eng_band,
        "band": _band(points, TOTAL_BANDS),
        "matrix": fit_band + eng_band if fit_band is not None and eng_band is not None else None,
        "mql_eligible": qualified and points >= MQL,
    }


def run(
    contacts_path: str, events_path: str, out_path: str, as_of_us: int, max_events: int | None = None
) -> dict[str, Any]:
    t = as_of_us
    clock = time.perf_counter()
    # contacts: the first row of each contact_id counts
    ct = pq.read_table(contacts_path)
    cols = {name: ct.column(name).to_pylist() for name in ct.column_names}
    contacts: dict[str, dict[str, Any]] = {}
    contact_dups = 0
    for i, cid in enumerate(cols["contact_id"]):
        if cid in contacts:
            contact_dups += 1
            continue
        contacts[cid] = {k: cols[k][i] for k in ("country", "employees", "job_title", "industry", "budget")}
    del cols, ct
    contacts_seconds = time.perf_counter() - clock

    by_type: dict[str, list[int]] = {}
    for i, r in enumerate(RULES):
        for ty in r.types:
            by_type.setdefault(ty, []).append(i)

    seen: set[str] = set()
    stamps: dict[str, dict[int, list[int]]] = {}
    rows = duplicates = unknown = 0
    f = pq.ParquetFile(events_path)
    names = ["event_id", "contact_id", "type", "timestamp", "url", "form", "is_bot"]
    for batch in f.iter_batches(batch_size=BATCH, columns=names):
        if max_events is not None and rows >= max_events:
            break
        ts_col = batch.column("timestamp").cast(pa.int64())  # microseconds since the epoch, UTC
        for eid, cid, ty, ts, url, form, bot in zip(
            batch.column("event_id").to_pylist(),
            batch.column("contact_id").to_pylist(),
            batch.column("type").to_pylist(),
            ts_col.to_pylist(),
            batch.column("url").to_pylist(),
            batch.column("form").to_pylist(),
            batch.column("is_bot").to_pylist(),
            strict=True,
        ):
            rows += 1
            if eid in seen:
                duplicates += 1
                continue
            seen.add(eid)
            if cid not in contacts:
                unknown += 1
                continue
            if ts > t or (bot is not None and bot.lower() == "true"):
                continue
            for i in by_type.get(ty, ()):
                r = RULES[i]
                if r.where is not None and not r.where(url, form):
                    continue
                if r.within is not None and not t - ts < r.within:
                    continue
                per = stamps.get(cid)
                if per is None:
                    per = stamps[cid] = {}
                lst = per.get(i)
                if lst is None:
                    per[i] = [ts]
                else:
                    lst.append(ts)
    del seen
    events_seconds = time.perf_counter() - clock - contacts_seconds

    out: dict[str, list[Any]] = {k: [] for k in (
        "contact_id", "program", "score", "points", "fit_points", "engagement_points", "email_points",
        "qualified", "gates_met", "fit_band", "engagement_band", "band", "matrix", "mql_eligible",
        "model_version", "as_of",
    )}  # fmt: skip
    from datetime import UTC, datetime, timedelta

    as_of = (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=t)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for cid, c in contacts.items():
        row = score_contact(c, stamps.get(cid), t)
        out["contact_id"].append(cid)
        out["program"].append("main")
        for k, v in row.items():
            out[k].append(v)
        out["model_version"].append("1")
        out["as_of"].append(as_of)
    pq.write_table(pa.table(out), out_path)
    return {
        "events_read": rows,
        "duplicates": duplicates,
        "unknown_contact_events": unknown,
        "contact_duplicates": contact_dups,
        "phases": {
            "contacts_seconds": contacts_seconds,
            "events_seconds": events_seconds,
            "score_and_write_seconds": time.perf_counter() - clock - contacts_seconds - events_seconds,
        },
    }
