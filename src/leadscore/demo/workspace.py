"""`leadscore demo`: a ready workspace — sample model and data, scored, the hottest leads explained."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leadscore.demo import DEMO_MODEL, DemoData, generate
from leadscore.diagnostics import LeadscoreError


@dataclass(frozen=True)
class HotLead:
    contact_id: str
    name: str
    company: str
    job_title: str
    score: int
    matrix: str | None
    mql_eligible: bool
    reasons: list[tuple[str, float]]  # the rules that moved the score most, largest first


@dataclass(frozen=True)
class DemoResult:
    directory: Path
    model: Path
    scores: Path
    data: DemoData
    as_of: str
    seconds: float
    rows: int
    mql: int
    hottest: list[HotLead]
    matrix_counts: dict[str, int]


def prepare(directory: Path, contacts: int, seed: int, force: bool) -> tuple[Path, DemoData]:
    """Write the demo model and generated data into `directory`."""
    if directory.exists() and any(directory.iterdir()) and not force:
        raise LeadscoreError.simple(
            "I002",
            f"{directory} already exists and is not empty",
            "use --force to overwrite the demo files, or name another folder",
        )
    directory.mkdir(parents=True, exist_ok=True)
    model = directory / "model.yaml"
    shutil.copyfile(DEMO_MODEL, model)
    return model, generate(directory, contacts=contacts, seed=seed)


def reasons(row: dict[str, Any], top: int = 3) -> list[tuple[str, float]]:
    """The rules that contributed most (by absolute value), with their points."""
    values = [(k.removeprefix("rule:"), float(v)) for k, v in row.items() if k.startswith("rule:") and v]
    values.sort(key=lambda kv: -abs(kv[1]))
    return values[:top]


def hottest(con: Any, limit: int = 10) -> list[HotLead]:
    cur = con.execute(
        f"""SELECT s.*, c.first_name, c.last_name, c.company, c.job_title
            FROM scores s JOIN contacts c USING (contact_id)
            ORDER BY s.score DESC, s.contact_id LIMIT {int(limit)}"""
    )
    names = [d[0] for d in cur.description]
    out = []
    for values in cur.fetchall():
        row = dict(zip(names, values, strict=True))
        name = " ".join(x for x in (row.get("first_name"), row.get("last_name")) if x)
        out.append(
            HotLead(
                contact_id=row["contact_id"],
                name=name,
                company=row.get("company") or "",
                job_title=row.get("job_title") or "",
                score=int(row["score"]),
                matrix=row.get("matrix"),
                mql_eligible=bool(row.get("mql_eligible")),
                reasons=reasons(row),
            )
        )
    return out
