"""A learned baseline on the same split: logistic regression fitted on the early period.

    python examples/bank_marketing/baseline.py OUT_DIR     # OUT_DIR as written by prepare.py

One-hot categorical columns and standardised numeric ones (the five macro-economic columns
included unless --without-macro), fitted on OUT_DIR/early, scored on OUT_DIR/later; prints ROC AUC and the lift at the
top 10 % and 20 % of the later period, computed as `leadscore evaluate` computes them (ties taken
in proportion). Needs scikit-learn (in the dev extra).
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import OneHotEncoder, StandardScaler

PERSONAL = ["age", "campaign", "pdays", "previous"]
MACRO = ["emp_var_rate", "cons_price_idx", "cons_conf_idx", "euribor3m", "nr_employed"]


def _read(folder: Path) -> tuple[list[dict[str, str]], np.ndarray]:
    with open(folder / "contacts.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(folder / "outcomes.csv", newline="", encoding="utf-8") as f:
        won = {r["contact_id"] for r in csv.DictReader(f)}
    return rows, np.array([r["contact_id"] in won for r in rows], dtype=int)


def _lift(scores: np.ndarray, y: np.ndarray, share: float) -> float:
    """Expected lift at the top `share`, a tied group cut by the boundary counted in proportion."""
    order = np.argsort(-scores, kind="stable")
    s, t = scores[order], y[order]
    k = share * len(s)
    taken = 0.0
    i = 0
    while i < len(s) and i < k:
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        part = min(j, k) - i
        taken += t[i:j].sum() * part / (j - i)
        i = j
    return float(taken / y.sum() / share)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--without-macro", action="store_true", help="leave out the five macro-economic columns")
    args = ap.parse_args()
    numeric = PERSONAL if args.without_macro else PERSONAL + MACRO
    early, y_early = _read(args.out / "early")
    later, y_later = _read(args.out / "later")
    categorical = [k for k in early[0] if k != "contact_id" and k not in PERSONAL + MACRO]

    encoder = OneHotEncoder(handle_unknown="ignore").fit([[r[k] for k in categorical] for r in early])
    scaler = StandardScaler().fit([[float(r[k]) for k in numeric] for r in early])

    def features(rows: list[dict[str, str]]) -> csr_matrix:
        cat = encoder.transform([[r[k] for k in categorical] for r in rows])
        num = scaler.transform([[float(r[k]) for k in numeric] for r in rows])
        return csr_matrix(hstack([cat, csr_matrix(num)]))

    model = LogisticRegression(max_iter=2000).fit(features(early), y_early)
    p = model.predict_proba(features(later))[:, 1]
    what = "without" if args.without_macro else "with"
    print(f"logistic regression ({what} the macro columns) fitted on the early period, on the later period: ROC AUC {roc_auc_score(y_later, p):.3f}, "
          f"lift top 10 % {_lift(p, y_later, 0.1):.2f}, top 20 % {_lift(p, y_later, 0.2):.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
