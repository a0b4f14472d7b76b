"""Outcomes and feedback: what sales made of the leads, with the same bad-row reporting as contacts.

Outcomes (`contact_id, outcome, timestamp, value, reason`) say what happened to a lead in sales:
`sal`, `sql`, `opportunity`, `won`, `lost` or `disqualified` (any letter case). Feedback
(`contact_id, verdict, reason, note, timestamp`) is a salesperson's verdict on a lead handed
over: `accepted` or `rejected`. `contact_id` and the outcome (or verdict) are required; the other
columns are optional, and so is a timestamp: data sets that only know *whether* a lead
converted (label only) have none.

Files are staged with their line numbers by :func:`leadscore.data.loading.stage_file`, then typed
and checked here in SQL (the same :class:`~leadscore.data.sqltyping.Typing` rules as contacts and
events); bad rows are reported with file, line and reason and skipped. The canonical relations:

- `outcomes(contact_id, outcome, ts_us, value, reason, _line, _order)`, `outcome` lower-cased,
  `ts_us` UTC microseconds or NULL;
- `feedback(contact_id, verdict, reason, note, ts_us, _line, _order)`, `verdict` lower-cased.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leadscore.data.badrows import collect_bad, first_failing, unreadable
from leadscore.data.normalize import Executor, RawInput
from leadscore.data.report import FileReport
from leadscore.diagnostics import Diagnostic, LeadscoreError, Location

OUTCOMES = ("sal", "sql", "opportunity", "won", "lost", "disqualified")
VERDICTS = ("accepted", "rejected")

__all__ = [
    "FEEDBACK",
    "OUTCOMES",
    "OUTCOME_KIND",
    "VERDICTS",
    "LabelledKind",
    "load_feedback",
    "load_outcomes",
    "normalize_labelled",
]


@dataclass(frozen=True)
class LabelledKind:
    """One kind of labelled file: its required word column and the optional columns it keeps."""

    kind: str  # outcomes, feedback
    word: str  # the column holding one of `words`
    words: tuple[str, ...]
    texts: tuple[str, ...]  # optional text columns
    numbers: tuple[str, ...] = ()  # optional number columns

    @property
    def columns(self) -> set[str]:
        return {"contact_id", self.word, "timestamp", *self.texts, *self.numbers}


OUTCOME_KIND = LabelledKind("outcomes", "outcome", OUTCOMES, texts=("reason",), numbers=("value",))
FEEDBACK = LabelledKind("feedback", "verdict", VERDICTS, texts=("reason", "note"))


def normalize_labelled(ex: Executor, raw: RawInput, kind: LabelledKind, out: str | None = None) -> FileReport:
    """Type and check a staged outcomes or feedback relation into the canonical `out` relation."""
    t = ex.typing
    out = out or kind.kind
    report = FileReport(raw.source, kind.kind)
    cols = {k: v for k, v in ex.columns(raw.relation).items() if not k.startswith("_")}
    missing = [c for c in ("contact_id", kind.word) if c not in cols]
    if missing:
        raise LeadscoreError(
            [
                Diagnostic(
                    "D007",
                    f"the {kind.kind} have no {', '.join(missing)} column",
                    Location(raw.source, 1),
                    f"{kind.kind} have the columns {', '.join(sorted(kind.columns))}; "
                    f"contact_id and {kind.word} are required",
                )
            ]
        )
    text_type = t.sql_types["text"]
    cid = t.text_value("contact_id", cols["contact_id"])
    word_text = t.text_value(kind.word, cols[kind.word])
    word = f"lower({word_text})"
    allowed = ", ".join(t.lit(w) for w in kind.words)
    checks = [
        *unreadable(raw),
        (f"{cid} IS NULL", "'contact_id is empty'"),
        (f"{word_text} IS NULL", t.lit(f"{kind.word} is empty")),
        (
            f"{word} NOT IN ({allowed})",
            t.concat(t.lit(f"{kind.word}: '"), word_text, t.lit(f"' is not one of {', '.join(kind.words)}")),
        ),
    ]
    select = [f"{cid} AS contact_id", f"{word} AS {t.q(kind.word)}"]
    if "timestamp" in cols:
        ts = t.instant("timestamp", cols["timestamp"])
        checks.append((ts.invalid, ts.reason))
        select.append(f"{ts.expr} AS ts_us")
    else:
        report.notes.append("no timestamp column: every row is a label only")
        select.append("CAST(NULL AS BIGINT) AS ts_us")
    for name in kind.numbers:
        if name in cols:
            typed = t.typed(name, cols[name], "number")
            checks.append((typed.invalid, typed.reason))
            select.append(f"{typed.expr} AS {t.q(name)}")
        else:
            select.append(f"CAST(NULL AS {t.sql_types['number']}) AS {t.q(name)}")
    for name in kind.texts:
        value = t.text_value(name, cols[name]) if name in cols else f"CAST(NULL AS {text_type})"
        select.append(f"{value} AS {t.q(name)}")
    line = raw.line or "CAST(NULL AS BIGINT)"
    order = raw.order if raw.order is not None else line
    staged = f"staged_{kind.kind}"
    ex.materialize(
        staged,
        f"SELECT {line} AS _line, {order} AS _order, {first_failing(checks, text_type)} AS _reason, "
        f"{', '.join(select)} FROM {raw.relation}",
    )
    report.rows = ex.count(raw.relation) + len(raw.read_errors)
    collect_bad(ex, report, staged, raw, "contact_id")
    names = ["contact_id", t.q(kind.word), "ts_us", *(t.q(n) for n in (*kind.numbers, *kind.texts))]
    ex.materialize(out, f"SELECT {', '.join(names)}, _line, _order FROM {staged} WHERE _reason IS NULL")
    ex.drop(staged)
    return report


def _load(con: Any, path: Path, kind: LabelledKind, option: str) -> FileReport:
    from leadscore.data.loading import DuckDBExecutor, stage_input

    raw = stage_input(con, path, option, f"raw_{kind.kind}", kind.columns, set(), {"contact_id", kind.word})
    return normalize_labelled(DuckDBExecutor(con), raw, kind)


def load_outcomes(con: Any, path: Path) -> FileReport:
    """Outcomes from a CSV, Parquet or JSON Lines file into the DuckDB relation `outcomes`."""
    return _load(con, path, OUTCOME_KIND, "outcomes")


def load_feedback(con: Any, path: Path) -> FileReport:
    """Feedback from a CSV, Parquet or JSON Lines file into the DuckDB relation `feedback`."""
    return _load(con, path, FEEDBACK, "feedback")
