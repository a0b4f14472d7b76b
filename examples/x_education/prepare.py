"""Turn the X Education leads into leadscore input files: contacts.csv and outcomes.csv.

    python examples/x_education/prepare.py [OUT_DIR]

Reads ../shared/data/x_education/leads-dev.csv.gz (beside the repository; never copied into
it) and writes, into OUT_DIR (default examples/x_education/data/, ignored by git):

- contacts.csv: one row per lead, `contact_id` = Prospect ID, the fields the model reads under
  snake_case names; the form's default answer `Select` ("not answered") becomes an empty cell.
  The columns filled in by sales after contact (Tags, Lead Quality, Lead Profile, Last Activity,
  Last Notable Activity, the Asymmetrique scores) leak the outcome and are left out.
- outcomes.csv: `contact_id,outcome` with `won` for every lead with Converted = 1, and no
  timestamp column: the data set only says *whether* a lead converted, not when (label only).

Only the standard library is used.
"""

from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parents[1].parent / "shared" / "data" / "x_education" / "leads-dev.csv.gz"

# contact field ← source column (leaking columns deliberately absent)
FIELDS = {
    "lead_origin": "Lead Origin",
    "lead_source": "Lead Source",
    "do_not_email": "Do Not Email",
    "total_visits": "TotalVisits",
    "time_on_site": "Total Time Spent on Website",
    "pages_per_visit": "Page Views Per Visit",
    "occupation": "What is your current occupation",
    "what_matters": "What matters most to you in choosing a course",
    "specialization": "Specialization",
    "city": "City",
    "country": "Country",
}
YES_NO = {"do_not_email"}


def _cell(field: str, value: str) -> str:
    value = value.strip()
    if value == "Select":  # the web form's default: not answered
        return ""
    if field in YES_NO:
        return {"Yes": "true", "No": "false"}.get(value, "")
    return value


def prepare(out_dir: Path, source: Path = SOURCE) -> tuple[int, int]:
    """Write contacts.csv and outcomes.csv; returns (leads, converted)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    leads = converted = 0
    with (
        gzip.open(source, "rt", encoding="utf-8", newline="") as f,
        (out_dir / "contacts.csv").open("w", encoding="utf-8", newline="") as c,
        (out_dir / "outcomes.csv").open("w", encoding="utf-8", newline="") as o,
    ):
        contacts, outcomes = csv.writer(c, lineterminator="\n"), csv.writer(o, lineterminator="\n")
        contacts.writerow(["contact_id", *FIELDS])
        outcomes.writerow(["contact_id", "outcome"])
        for row in csv.DictReader(f):
            leads += 1
            contacts.writerow([row["Prospect ID"], *(_cell(k, row[v]) for k, v in FIELDS.items())])
            if row["Converted"] == "1":
                converted += 1
                outcomes.writerow([row["Prospect ID"], "won"])
    return leads, converted


def main() -> int:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "data"
    if not SOURCE.exists():
        print(f"not found: {SOURCE} (the shared data sets sit beside the repository)", file=sys.stderr)
        return 2
    leads, converted = prepare(out_dir)
    print(
        f"wrote {out_dir / 'contacts.csv'} ({leads:,} leads) and {out_dir / 'outcomes.csv'} ({converted:,} won)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
