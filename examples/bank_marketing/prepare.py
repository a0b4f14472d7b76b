"""Split the UCI Bank Marketing data by time into contacts and label-only outcomes.

    python examples/bank_marketing/prepare.py OUT_DIR [--data ../shared/data/bank_marketing/bank-additional-dev.csv.gz]

The rows are calls in time order (May 2008 to November 2010; the file holds the earliest 80 %).
There are no timestamps, so the split is by position: the first 60 % of the rows are the
*early* period (`OUT_DIR/early/`), the rest the *later* one (`OUT_DIR/later/`). Each gets
`contacts.csv` (one contact per call, `contact_id` = `b<row>`, dots in column names become
underscores) and `outcomes.csv` (`won` for `y = yes`, no timestamp: a label). `duration` (the
call's length, known only after the call) leaks the outcome and is dropped.

Data: Moro, Cortez and Rita (2014), Decision Support Systems 62:22-31; CC BY 4.0. It is read
from where it lies and never copied into the repository.
"""

from __future__ import annotations

import argparse
import csv
import gzip
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parents[1].parent / "shared" / "data" / "bank_marketing" / "bank-additional-dev.csv.gz"
EARLY_SHARE = 0.6
LEAKS = {"duration"}


def prepare(out_dir: Path, source: Path = SOURCE) -> dict[str, tuple[int, int]]:
    """Write OUT_DIR/early and OUT_DIR/later; return {period: (contacts, subscribers)}."""
    with gzip.open(source, "rt", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    cut = int(len(rows) * EARLY_SHARE)
    fields = [k for k in rows[0] if k not in LEAKS and k != "y"]
    counts: dict[str, tuple[int, int]] = {}
    for part, chunk, offset in (("early", rows[:cut], 0), ("later", rows[cut:], cut)):
        folder = out_dir / part
        folder.mkdir(parents=True, exist_ok=True)
        with (
            open(folder / "contacts.csv", "w", newline="", encoding="utf-8") as c,
            open(folder / "outcomes.csv", "w", newline="", encoding="utf-8") as o,
        ):
            cw, ow = csv.writer(c), csv.writer(o)
            cw.writerow(["contact_id", *(k.replace(".", "_") for k in fields)])
            ow.writerow(["contact_id", "outcome", "timestamp", "value", "reason"])
            for i, row in enumerate(chunk, start=offset + 1):
                cw.writerow([f"b{i}", *(row[k] for k in fields)])
                if row["y"] == "yes":
                    ow.writerow([f"b{i}", "won", "", "", ""])
        counts[part] = (len(chunk), sum(r["y"] == "yes" for r in chunk))
    return counts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--data", type=Path, default=SOURCE)
    args = ap.parse_args()
    for part, (contacts, subscribed) in prepare(args.out, args.data).items():
        print(f"{part}: {contacts:,} contacts, {subscribed:,} subscribed → {args.out / part}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
