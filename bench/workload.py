"""The benchmark's synthetic workload: contacts and events as Parquet, deterministic and cached.

`ensure_workload(contacts, events)` returns the folder `bench/.cache/<contacts>x<events>/`
holding `contacts.parquet` and `events.parquet`, generating them on the first call. The data
depends only on the sizes and SEED, so every run (and every machine) scores the same rows.

Shape (what the model in bench/model.yaml reads):

- contacts: contact_id, country, employees (int64), job_title, industry, budget (double);
  a few percent nulls per field and mixed letter case ("pl", "Head of Sales").
- events: event_id, contact_id, type, timestamp (UTC, microseconds), url, form, campaign,
  is_bot ('true'/'TRUE'/'True' ~3%, 'false', or null). Eleven event types; a skewed number of
  events per contact (a few very active contacts, many quiet ones, some with none); each contact
  goes quiet at its own moment, so inactivity decay has work to do; timestamps within the year
  before AS_OF. About 0.5% of rows are retries (an exact repeat of an earlier row, so a
  repeated event_id) and 0.01% belong to contacts that do not exist.

Events are generated in chunks of CHUNK rows, each from its own seed, so memory stays bounded
and the first 20M rows of the 40M workload are the 20M workload. Files are written under a
temporary name and renamed when complete: an interrupted run never leaves a half file behind.

Outcomes and feedback for `evaluate` (`ensure_outcomes`): sales outcomes for about 6% of the
contacts, more likely for a good fit (industry, seniority, country) and for active contacts (the
same activity weights that drive the events), with timestamps from 60 days before AS_OF to 150
days after it (some converted before the cutoff, most in a 90-day horizon, some after it); a
verdict of sales for each contact handed over. They depend only on the number of contacts.

Run alone: `python bench/workload.py --contacts 1000000 --events 20000000`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

SEED = 20260101
AS_OF = "2026-01-01T00:00:00Z"
AS_OF_US = 1_767_225_600_000_000  # 2026-01-01T00:00:00Z in microseconds since the Unix epoch
DAY_US = 86_400_000_000
YEAR_US = 365 * DAY_US
CHUNK = 1_000_000
DUPLICATE_SHARE = 0.005
STRAY_SHARE = 0.0001
CACHE = Path(__file__).resolve().parent / ".cache"

COUNTRIES = ["PL", "DE", "NO", "UK", "FR", "US", "ES", "IT", "NL", "SE", "pl", "de", "Uk", "BR", "IN"]
COUNTRY_P = [0.14, 0.14, 0.05, 0.09, 0.08, 0.15, 0.06, 0.06, 0.05, 0.04, 0.02, 0.02, 0.01, 0.05, 0.04]
TITLES = [
    "Head of Marketing", "VP Sales", "Marketing Director", "Chief Revenue Officer", "CTO",
    "Software Engineer", "Marketing Manager", "Sales Representative", "Growth Lead",
    "RevOps Analyst", "Student", "Marketing Intern", "Graduate Trainee", "head of growth",
    "Director of Engineering", "Account Executive", "Founder", "Data Scientist", "Office Manager",
    "SVP Operations",
]  # fmt: skip
INDUSTRIES = ["software", "SaaS", "finance", "retail", "manufacturing", "healthcare", "education", "Software"]
INDUSTRY_P = [0.22, 0.08, 0.12, 0.14, 0.14, 0.12, 0.12, 0.06]

TYPES = [
    "page_view", "email_open", "email_click", "web_session", "form_submit", "download",
    "social_share", "demo_request", "trial_start", "contact_request", "unsubscribe",
]  # fmt: skip
TYPE_P = [0.40, 0.22, 0.09, 0.12, 0.04, 0.03, 0.08, 0.0025, 0.0025, 0.004, 0.003]
SITES = ["https://acme.example", "https://www.acme.example", "https://ACME.example"]
PAGES = [
    "/", "/pricing", "/pricing/enterprise", "/Pricing", "/docs", "/docs/getting-started",
    "/docs/api/v2", "/Docs/faq", "/careers", "/careers/jobs/42", "/about", "/product",
    "/product/integrations", "/blog", "/customers", "/contact", "/security",
]  # fmt: skip
PAGE_P = [
    0.14,
    0.05,
    0.02,
    0.01,
    0.04,
    0.04,
    0.03,
    0.01,
    0.015,
    0.01,
    0.04,
    0.08,
    0.04,
    0.0,
    0.03,
    0.025,
    0.01,
]
BLOG_POSTS = 400  # the remaining page share goes to /blog/post-<n>
FORMS = ["newsletter", "webinar", "event", "job_application", "contact", "Newsletter", "ebook"]
FORM_P = [0.30, 0.15, 0.08, 0.05, 0.20, 0.04, 0.18]
CAMPAIGNS = [f"cmp-2025-{i:02d}" for i in range(1, 25)]
BOT_VALUES = ["true", "TRUE", "True", "false"]


def workload_dir(contacts: int, events: int) -> Path:
    return CACHE / f"{contacts}x{events}"


def ensure_workload(contacts: int, events: int, log=print) -> Path:  # type: ignore[no-untyped-def]
    """The folder with contacts.parquet and events.parquet, generated if missing."""
    folder = workload_dir(contacts, events)
    folder.mkdir(parents=True, exist_ok=True)
    cpath, epath = folder / "contacts.parquet", folder / "events.parquet"
    if cpath.exists() and epath.exists():
        log(f"workload: cached in {folder}")
        return folder
    started = time.perf_counter()
    table, weights, quiet = _contacts(contacts)
    if not cpath.exists():
        _write_atomic(cpath, lambda path: pq.write_table(table, path, row_group_size=CHUNK))
    if not epath.exists():
        log(f"workload: generating {events:,} events for {contacts:,} contacts in {folder} ...")
        _write_atomic(
            epath, lambda path: _write_events(path, table["contact_id"], weights, quiet, events, log)
        )
    log(f"workload: generated in {time.perf_counter() - started:.0f} s")
    return folder


def _write_atomic(path: Path, write) -> None:  # type: ignore[no-untyped-def]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _choice(
    rng: np.random.Generator, values: list[str], p: list[float], n: int, null_share: float
) -> pa.Array:
    probs = np.asarray(p, dtype=np.float64)
    idx = rng.choice(len(values), size=n, p=probs / probs.sum()).astype(np.int32)
    mask = rng.random(n) < null_share if null_share else None
    arr = pa.DictionaryArray.from_arrays(pa.array(idx, mask=mask), pa.array(values))
    return arr.cast(pa.string())


def _contacts(n: int) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    rng = np.random.default_rng([SEED, 0])
    ids = _prefixed("c", np.arange(1, n + 1), 7)
    employees = np.round(np.exp(rng.normal(4.2, 1.6, n))).astype(np.int64)
    budget = np.round(np.exp(rng.normal(8.8, 1.3, n)), 2)
    table = pa.table(
        {
            "contact_id": ids,
            "country": _choice(rng, COUNTRIES, COUNTRY_P, n, 0.03),
            "employees": pa.array(employees, mask=rng.random(n) < 0.05),
            "job_title": _choice(rng, TITLES, [1.0] * len(TITLES), n, 0.05),
            "industry": _choice(rng, INDUSTRIES, INDUSTRY_P, n, 0.05),
            "budget": pa.array(budget, mask=rng.random(n) < 0.30),
        }
    )
    # Activity: a heavy-tailed weight per contact (lognormal; ~8% of contacts are silent),
    # and the moment each goes quiet (days before AS_OF, exponential with a 60-day mean).
    weights = np.exp(rng.normal(0.0, 1.5, n))
    weights[rng.random(n) < 0.08] = 0.0
    weights /= weights.sum()
    quiet = np.minimum(rng.exponential(60.0, n), 300.0) * DAY_US
    return table, weights, quiet.astype(np.int64)


def _prefixed(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    digits = pc.utf8_lpad(pa.array(numbers).cast(pa.string()), width=width, padding="0")
    return pc.binary_join_element_wise(prefix, digits, "")


def _events_chunk(
    k: int, rows: int, first_id: int, contact_ids: pa.Array, cdf: np.ndarray, quiet: np.ndarray
) -> pa.Table:
    rng = np.random.default_rng([SEED, 1, k])
    dups = round(rows * DUPLICATE_SHARE)
    n = rows - dups
    who = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right").astype(np.int64)
    who = np.minimum(who, len(cdf) - 1)
    cids = pc.take(contact_ids, pa.array(who))
    stray = rng.random(n) < STRAY_SHARE
    if stray.any():
        cids = pc.if_else(pa.array(stray), pc.binary_join_element_wise("x", cids, ""), cids)
    # timestamps: uniform between a year ago and the moment the contact went quiet
    q = quiet[who]
    span = YEAR_US - q
    ts = AS_OF_US - q - (rng.random(n) * span).astype(np.int64) - 1
    types = rng.choice(len(TYPES), size=n, p=np.asarray(TYPE_P) / sum(TYPE_P)).astype(np.int32)
    is_page = types == TYPES.index("page_view")
    is_form = types == TYPES.index("form_submit")
    emailish = np.isin(
        types, [TYPES.index("email_open"), TYPES.index("email_click"), TYPES.index("unsubscribe")]
    )
    # urls: a site and a page (or a blog post) for page views, null for other events
    pages = list(PAGES) + [f"/blog/post-{i}" for i in range(BLOG_POSTS)]
    page_p = np.asarray(PAGE_P + [(1.0 - sum(PAGE_P)) / BLOG_POSTS] * BLOG_POSTS)
    page = rng.choice(len(pages), size=n, p=page_p / page_p.sum())
    site = rng.choice(len(SITES), size=n, p=[0.6, 0.3, 0.1])
    urls_dict = pa.array([s + p for s in SITES for p in pages])
    url_idx = pa.array((site * len(pages) + page).astype(np.int32), mask=~is_page)
    url = pa.DictionaryArray.from_arrays(url_idx, urls_dict).cast(pa.string())
    form_idx = rng.choice(len(FORMS), size=n, p=np.asarray(FORM_P) / sum(FORM_P)).astype(np.int32)
    form = pa.DictionaryArray.from_arrays(pa.array(form_idx, mask=~is_form), pa.array(FORMS)).cast(
        pa.string()
    )
    camp_idx = rng.integers(0, len(CAMPAIGNS), n).astype(np.int32)
    campaign = pa.DictionaryArray.from_arrays(
        pa.array(camp_idx, mask=~(emailish | (is_form & (rng.random(n) < 0.5)))), pa.array(CAMPAIGNS)
    ).cast(pa.string())
    u = rng.random(n)
    bot_idx = np.where(u < 0.01, 0, np.where(u < 0.02, 1, np.where(u < 0.03, 2, 3))).astype(np.int32)
    bot = pa.DictionaryArray.from_arrays(pa.array(bot_idx, mask=(u >= 0.73)), pa.array(BOT_VALUES)).cast(
        pa.string()
    )
    table = pa.table(
        {
            "event_id": _prefixed("e", np.arange(first_id, first_id + n), 10),
            "contact_id": cids,
            "type": pa.DictionaryArray.from_arrays(pa.array(types), pa.array(TYPES)).cast(pa.string()),
            "timestamp": pa.array(ts, type=pa.timestamp("us", tz="UTC")),
            "url": url,
            "form": form,
            "campaign": campaign,
            "is_bot": bot,
        }
    )
    # retries: exact repeats of earlier rows, placed 1..2000 rows after their original
    src = rng.choice(n, size=dups, replace=False)
    keys = np.concatenate([np.arange(n, dtype=np.float64), src + rng.integers(1, 2000, dups) + 0.5])
    order = np.argsort(keys, kind="stable")
    rows_idx = np.concatenate([np.arange(n), src])[order]
    return table.take(pa.array(rows_idx))


def _write_events(
    path: Path, contact_ids: pa.Array, weights: np.ndarray, quiet: np.ndarray, events: int, log
) -> None:  # type: ignore[no-untyped-def]
    cdf = np.cumsum(weights)
    chunks = (events + CHUNK - 1) // CHUNK
    writer = None
    first_id = 1
    started = time.perf_counter()
    try:
        for k in range(chunks):
            rows = min(CHUNK, events - k * CHUNK)
            table = _events_chunk(k, rows, first_id, contact_ids, cdf, quiet)
            first_id += rows  # ids stay unique whatever the duplicate count
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression="snappy")
            writer.write_table(table, row_group_size=CHUNK)
            if (k + 1) % 5 == 0 or k + 1 == chunks:
                log(
                    f"  {min((k + 1) * CHUNK, events):,} events written ({time.perf_counter() - started:.0f} s)"
                )
    finally:
        if writer is not None:
            writer.close()


OUTCOME_REASONS = ["no budget", "competitor", "timing", "not a decision maker", "outside service area"]


def ensure_outcomes(folder: Path, contacts: int, log=print) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """outcomes.parquet and feedback.parquet in `folder`, generated if missing."""
    opath, fpath = folder / "outcomes.parquet", folder / "feedback.parquet"
    if opath.exists() and fpath.exists():
        return opath, fpath
    log(f"workload: generating outcomes and feedback for {contacts:,} contacts in {folder} ...")
    outcomes, feedback = _outcomes(contacts)
    _write_atomic(opath, lambda path: pq.write_table(outcomes, path))
    _write_atomic(fpath, lambda path: pq.write_table(feedback, path))
    return opath, fpath


def _outcomes(n: int) -> tuple[pa.Table, pa.Table]:
    table, weights, _ = _contacts(n)
    rng = np.random.default_rng([SEED, 2])
    title = pc.fill_null(pc.utf8_lower(table["job_title"]), "")
    industry = pc.fill_null(pc.utf8_lower(table["industry"]), "").to_numpy(zero_copy_only=False)
    country = pc.fill_null(pc.utf8_upper(table["country"]), "").to_numpy(zero_copy_only=False)
    senior = pc.match_substring_regex(title, "head|vp|director|chief|cto|founder").to_numpy(
        zero_copy_only=False
    )
    student = pc.match_substring_regex(title, "student|intern|trainee").to_numpy(zero_copy_only=False)
    fit = (
        0.8 * np.isin(industry, ["software", "saas"]) + 0.9 * senior
        + 0.5 * np.isin(country, ["PL", "DE", "NO", "UK"]) - 1.2 * student
    )  # fmt: skip
    activity = np.log(weights * n + 1e-3)  # silent contacts: very negative
    logit = -4.0 + fit + 0.6 * np.clip(activity, -3, 3)
    handed = rng.random(n) < 1 / (1 + np.exp(-logit))
    idx = np.flatnonzero(handed)
    k = len(idx)
    start = AS_OF_US - 60 * DAY_US + (rng.random(k) * 210 * DAY_US).astype(np.int64)
    # each contact handed over: sal, then sql (60%), opportunity (60% of those), won or lost
    u = rng.random((k, 3))
    stages = [np.ones(k, dtype=bool), u[:, 0] < 0.6]
    stages.append(stages[1] & (u[:, 1] < 0.6))
    won = stages[2] & (u[:, 2] < 0.45)
    lost = stages[2] & ~won
    names, who, ts, reason = [], [], [], []
    step = start.copy()
    for name, mask in (
        ("sal", stages[0]),
        ("sql", stages[1]),
        ("opportunity", stages[2]),
        ("won", won),
        ("lost", lost),
    ):
        if name in ("sql", "opportunity", "won"):
            step = step + (rng.random(k) * 20 * DAY_US).astype(np.int64)
        names.append(np.full(int(mask.sum()), name))
        who.append(idx[mask])
        ts.append(step[mask])
        reason.append(np.where(name == "lost", rng.integers(0, 3, int(mask.sum())), -1))
    dq = ~stages[1] & (u[:, 0] > 0.85)  # some never reach sql: disqualified
    names.append(np.full(int(dq.sum()), "disqualified"))
    who.append(idx[dq])
    ts.append(start[dq] + DAY_US)
    reason.append(rng.integers(0, len(OUTCOME_REASONS), int(dq.sum())))
    reasons = np.concatenate(reason)
    ids = table["contact_id"]
    outcomes = pa.table(
        {
            "contact_id": pc.take(ids, pa.array(np.concatenate(who))),
            "outcome": pa.array(np.concatenate(names)),
            "timestamp": pa.array(np.concatenate(ts), type=pa.timestamp("us", tz="UTC")),
            "value": pa.array(
                np.where(np.concatenate(names) == "won", 5000.0, np.nan), mask=np.concatenate(names) != "won"
            ),
            "reason": pa.array([OUTCOME_REASONS[r] if r >= 0 else None for r in reasons], type=pa.string()),
        }
    )
    verdict = np.where(stages[1] | (rng.random(k) < 0.5), "accepted", "rejected")
    feedback = pa.table(
        {
            "contact_id": pc.take(ids, pa.array(idx)),
            "verdict": pa.array(verdict),
            "reason": pa.array(
                [None if v == "accepted" else "not a decision maker" for v in verdict], type=pa.string()
            ),
            "note": pa.nulls(k, pa.string()),
            "timestamp": pa.array(start + DAY_US // 2, type=pa.timestamp("us", tz="UTC")),
        }
    )
    return outcomes, feedback


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--contacts", type=int, default=1_000_000)
    ap.add_argument("--events", type=int, default=20_000_000)
    args = ap.parse_args()
    folder = ensure_workload(args.contacts, args.events)
    ensure_outcomes(folder, args.contacts)
    for name in ("contacts.parquet", "events.parquet", "outcomes.parquet", "feedback.parquet"):
        meta = pq.ParquetFile(folder / name).metadata
        print(f"{folder / name}: {meta.num_rows:,} rows, {(folder / name).stat().st_size / 1e6:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
