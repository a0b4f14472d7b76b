"""How well the score separates converters from the rest: averages, AUC, gains, lift, deciles,
conversion per band and matrix cell, and the score distributions.

Everything starts from SQL aggregates over `eval_pop` (one row per evaluated contact): the
contacts and converters per score (`score_groups`), per band and per cell. The arithmetic after
that runs over score groups (a few hundred at most), never over contacts.

**Ties.** Contacts sharing a score cannot be ordered by it. Every figure that depends on an order
takes them as ordered at random and reports the expected value: ROC AUC counts a tied
(converter, non-converter) pair as one half (the Mann-Whitney statistic, the same as
scikit-learn's `roc_auc_score`); the top 10 % or a decile that cuts through a group of tied
contacts takes that group's converters in proportion to the share of the group it holds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from leadscore.data.normalize import Executor
from leadscore.review.labels import POPULATION
from leadscore.review.report import Averages, Bin, Decile, Group, Point, TopShare

TOP_SHARES = (0.1, 0.2)
HISTOGRAM_BINS = 20

NO_VALUE = "(none)"  # the group of contacts without a band or matrix cell


@dataclass(frozen=True)
class ScoreGroup:
    points: int
    contacts: int
    converters: int

    @property
    def non_converters(self) -> int:
        return self.contacts - self.converters


def score_groups(ex: Executor, column: str = "points") -> list[ScoreGroup]:
    """Contacts and converters per score, the best score first."""
    rows = ex.rows(
        f"SELECT {column}, count(*), sum(y) FROM {POPULATION} GROUP BY 1 ORDER BY 1 DESC NULLS LAST"
    )
    return [ScoreGroup(int(p) if p is not None else 0, int(n), int(c)) for p, n, c in rows]


def roc_auc(ex: Executor) -> float | None:
    """P(a converter outscores a non-converter), ties counting one half; None without both kinds.

    Per score group g: its converters beat every non-converter of a lower score and tie with the
    non-converters of their own score: AUC = Σ_g pos_g × (neg_below_g + neg_g / 2) / (P × N).
    """
    row = ex.rows(
        f"""WITH g AS (SELECT points, CAST(sum(y) AS DOUBLE) AS pos, CAST(count(*) - sum(y) AS DOUBLE) AS neg
                       FROM {POPULATION} GROUP BY points),
                 w AS (SELECT pos, neg, coalesce(sum(neg) OVER (ORDER BY points
                                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS below FROM g)
            SELECT sum(pos * (below + neg / 2)), sum(pos), sum(neg) FROM w"""
    )[0]
    wins, pos, neg = (float(x or 0) for x in row)
    if pos == 0 or neg == 0:
        return None
    return wins / (pos * neg)


def averages(ex: Executor, encoded: bool) -> Averages:
    row = ex.rows(
        f"""SELECT avg(points) FILTER (WHERE y = 1), avg(points) FILTER (WHERE y = 0),
                   avg(score) FILTER (WHERE y = 1), avg(score) FILTER (WHERE y = 0) FROM {POPULATION}"""
    )[0]
    pts = [None if v is None else float(v) for v in row]
    if not encoded:
        return Averages(pts[0], pts[1])
    return Averages(*pts)


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


class Ranking:
    """The population ordered by score (best first), with ties spread evenly (see module doc)."""

    def __init__(self, groups: Sequence[ScoreGroup]) -> None:
        self.groups = list(groups)
        self.contacts = sum(g.contacts for g in groups)
        self.converters = sum(g.converters for g in groups)
        self.rate = _ratio(self.converters, self.contacts)
        self.starts: list[int] = []
        start = 0
        for g in self.groups:
            self.starts.append(start)
            start += g.contacts

    def converters_in_top(self, k: float) -> float:
        """Expected converters among the best-scored `k` contacts (k may be fractional)."""
        found = 0.0
        for start, g in zip(self.starts, self.groups, strict=True):
            if start >= k:
                break
            taken = min(float(g.contacts), k - start)
            found += g.converters * taken / g.contacts
        return found

    def points_at(self, position: float) -> int | None:
        """The score of the contact at 0-based rank `position`."""
        for start, g in zip(self.starts, self.groups, strict=True):
            if start <= position < start + g.contacts:
                return g.points
        return self.groups[-1].points if self.groups else None

    def top(self, share: float) -> TopShare:
        k = share * self.contacts
        found = self.converters_in_top(k)
        gain = _ratio(found, self.converters)
        low = self.points_at(math.ceil(k) - 1) if k > 0 else None
        return TopShare(share, k, found, gain, None if gain is None else gain / share, low)

    def deciles(self) -> list[Decile]:
        out = []
        n = self.contacts
        for d in range(1, 11):
            lo, hi = n * (d - 1) / 10, n * d / 10
            if hi <= lo:
                continue
            conv = self.converters_in_top(hi) - self.converters_in_top(lo)
            rate = conv / (hi - lo)
            best, worst = self.points_at(lo), self.points_at(math.ceil(hi) - 1)
            out.append(
                Decile(
                    decile=d,
                    min_points=worst if worst is not None else 0,
                    max_points=best if best is not None else 0,
                    contacts=hi - lo,
                    converters=conv,
                    rate=rate,
                    lift=None if not self.rate else rate / self.rate,
                    cumulative_gain=_ratio(self.converters_in_top(hi), self.converters),
                )
            )
        return out

    def gains_curve(self) -> list[Point]:
        """(share of contacts, share of converters) at each score boundary; straight between."""
        if not self.contacts or not self.converters:
            return []
        pts = [Point(0.0, 0.0)]
        seen = found = 0
        for g in self.groups:
            seen += g.contacts
            found += g.converters
            pts.append(Point(seen / self.contacts, found / self.converters))
        return pts

    def roc_curve(self) -> list[Point]:
        """(false positive rate, true positive rate) at each score boundary; straight between."""
        negatives = self.contacts - self.converters
        if not negatives or not self.converters:
            return []
        pts = [Point(0.0, 0.0)]
        fp = tp = 0
        for g in self.groups:
            fp += g.non_converters
            tp += g.converters
            pts.append(Point(fp / negatives, tp / self.converters))
        return pts


def _nice_width(span: int, bins: int) -> int:
    raw = max(1.0, span / bins)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if step >= raw:
            return step
    return math.ceil(raw / 1000) * 1000


def histogram(groups: Sequence[ScoreGroup], bins: int = HISTOGRAM_BINS) -> list[Bin]:
    """Converters and non-converters per range of points, each as a share of its own kind."""
    if not groups:
        return []
    lo, hi = min(g.points for g in groups), max(g.points for g in groups)
    width = _nice_width(hi - lo + 1, bins)
    first = math.floor(lo / width) * width
    count = (hi - first) // width + 1
    pos = [0] * count
    neg = [0] * count
    for g in groups:
        i = (g.points - first) // width
        pos[i] += g.converters
        neg[i] += g.non_converters
    total_pos, total_neg = sum(pos), sum(neg)
    return [
        Bin(
            lo=first + i * width,
            hi=first + (i + 1) * width - 1,
            converters=pos[i],
            non_converters=neg[i],
            converters_share=_ratio(pos[i], total_pos),
            non_converters_share=_ratio(neg[i], total_neg),
        )
        for i in range(count)
    ]


def conversion_by(ex: Executor, column: str, order: Sequence[str], rate: float | None) -> list[Group]:
    """Contacts and converters per value of `column` (a band, the matrix), in `order` first."""
    rows = ex.rows(f'SELECT "{column}", count(*), sum(y) FROM {POPULATION} GROUP BY 1')
    found = {(str(v) if v is not None else NO_VALUE): (int(n), int(c)) for v, n, c in rows}
    labels = [o for o in order if o in found] + sorted(k for k in found if k not in order)
    out = []
    for label in labels:
        n, c = found[label]
        r = _ratio(c, n)
        out.append(Group(label, n, c, r, None if r is None or not rate else r / rate))
    return out
