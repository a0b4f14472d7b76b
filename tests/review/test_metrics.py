"""Every figure of the report, recomputed here from the scores and the outcome files alone.

The scores come from `leadscore score` (not from evaluate), the labels from reading
outcomes.csv in plain Python, and each metric from its textbook definition: AUC by comparing
every (converter, non-converter) pair, gains by giving each contact of a tied group its share
of the top k, and so on. The report must agree with all of them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import pytest

from leadscore.app import Application
from leadscore.durations import Duration, parse_instant
from leadscore.review.evaluate import EvaluationRequest
from leadscore.review.html import _matrix
from leadscore.review.metrics import NO_VALUE
from leadscore.review.report import Decile, Group, ProgramEvaluation
from leadscore.review.rules import THRESHOLDS, suggest
from leadscore.review.text import decile_rows
from tests.review.workspace import CUTOFF_US, END_US, HORIZON, Workspace, build, read_csv

POSITIVE = {"sql", "opportunity", "won"}
FUNNEL = ["sal", "sql", "opportunity", "won"]
RULES = {"big": 10, "senior": 15, "student": -10, "demo": 20, "visit": 2, "careers": -5}


@dataclass
class Expected:
    pop: list[dict[str, str]]  # score rows of the evaluated contacts
    y: list[int]
    points: list[int]
    created_after: int
    already: int
    reached: dict[str, int]
    feedback: list[dict[str, str]]


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> tuple[ProgramEvaluation, Expected, Workspace]:
    folder = tmp_path_factory.mktemp("metrics")
    ws = build(folder)
    app = Application()
    request = EvaluationRequest(
        outcomes=ws.outcomes, cutoff=CUTOFF_US, horizon=Duration.parse(HORIZON), feedback=ws.feedback
    )
    report = app.evaluate(ws.model, ws.contacts, ws.events, request)
    app.score(ws.model, ws.contacts, ws.events, CUTOFF_US, folder / "scores.csv", rules=True)
    scores = read_csv(folder / "scores.csv")

    before: set[str] = set()
    converted: set[str] = set()
    reached: dict[str, int] = {}
    for o in read_csv(ws.outcomes):
        cid, kind, ts = o["contact_id"], o["outcome"].lower(), parse_instant(o["timestamp"])
        inside = CUTOFF_US < ts <= END_US
        if kind in POSITIVE and ts <= CUTOFF_US:
            before.add(cid)
        if kind in POSITIVE and inside:
            converted.add(cid)
        if inside and kind in FUNNEL:
            reached[cid] = max(reached.get(cid, 0), FUNNEL.index(kind) + 1)
    late = {c["contact_id"] for c in read_csv(ws.contacts) if parse_instant(c["created_at"]) > CUTOFF_US}
    pop = [s for s in scores if s["contact_id"] not in before | late]
    exp = Expected(
        pop=pop,
        y=[int(s["contact_id"] in converted) for s in pop],
        points=[int(s["points"]) for s in pop],
        created_after=len(late),
        already=len([s for s in scores if s["contact_id"] in before and s["contact_id"] not in late]),
        reached=reached,
        feedback=read_csv(ws.feedback),
    )
    return report.programs[0], exp, ws


def expected_in_top(points: list[int], y: list[int], k: float) -> float:
    """Converters among the best-scored k contacts, ties ordered at random (expected value).

    A tied group of m contacts occupies ranks [a, a + m); each of its contacts is inside the
    top k with probability clamp(k - a, 0, m) / m."""
    span: dict[int, tuple[int, int]] = {}
    start = 0
    for v in sorted(set(points), reverse=True):
        m = points.count(v)
        span[v] = (start, m)
        start += m
    return sum(
        yi * min(max(k - span[p][0], 0.0), span[p][1]) / span[p][1] for p, yi in zip(points, y, strict=True)
    )


def test_the_workspace_has_what_the_metrics_need(case: tuple[ProgramEvaluation, Expected, Workspace]) -> None:
    _, exp, _ = case
    assert 20 < sum(exp.y) < len(exp.y) - 20  # converters and non-converters
    assert len(set(exp.points)) < len(exp.points) / 5  # many ties
    assert exp.created_after > 0
    assert exp.already > 0


def test_population(case: tuple[ProgramEvaluation, Expected, Workspace]) -> None:
    p, exp, _ = case
    assert p.population.scored == len(exp.pop) + exp.created_after + exp.already
    assert p.population.created_after_cutoff == exp.created_after
    assert p.population.already_converted == exp.already
    assert p.population.evaluated == len(exp.pop)
    assert p.population.converters == sum(exp.y)
    assert p.population.label_only_converters == 0


def test_averages(case: tuple[ProgramEvaluation, Expected, Workspace]) -> None:
    p, exp, _ = case
    conv = [x for x, y in zip(exp.points, exp.y, strict=True) if y]
    rest = [x for x, y in zip(exp.points, exp.y, strict=True) if not y]
    assert p.averages.converters_points == pytest.approx(sum(conv) / len(conv))
    assert p.averages.non_converters_points == pytest.approx(sum(rest) / len(rest))
    assert p.averages.converters_score is None  # a plain program: score = points


def test_auc_by_pairs_and_by_scikit_learn(case: tuple[ProgramEvaluation, Expected, Workspace]) -> None:
    from sklearn.metrics import roc_auc_score

    p, exp, _ = case
    pos = [x for x, y in zip(exp.points, exp.y, strict=True) if y]
    neg = [x for x, y in zip(exp.points, exp.y, strict=True) if not y]
    wins = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in pos for b in neg)
    assert p.auc == pytest.approx(wins / (len(pos) * len(neg)), abs=1e-12)
    assert p.auc == pytest.approx(roc_auc_score(exp.y, exp.points), abs=1e-12)


def test_gains_and_lift_at_the_top(case: tuple[ProgramEvaluation, Expected, Workspace]) -> None:
    p, exp, _ = case
    n, total = len(exp.points), sum(exp.y)
    assert [t.share for t in p.top] == [0.1, 0.2]
    for t in p.top:
        found = expected_in_top(exp.points, exp.y, t.share * n)
        assert t.contacts == pytest.approx(t.share * n)
        assert t.converters == pytest.approx(found)
        assert t.gain == pytest.approx(found / total)
        assert t.lift == pytest.approx((found / total) / t.share)
        ranked = sorted(exp.points, reverse=True)
        assert t.min_points == ranked[int(-(-t.share * n // 1)) - 1]  # the score at rank ceil(k)


def test_deciles(case: tuple[ProgramEvaluation, Expected, Workspace]) -> None:
    p, exp, _ = case
    n, total = len(exp.points), sum(exp.y)
    rate = total / n
    assert [d.decile for d in p.deciles] == list(range(1, 11))
    for d in p.deciles:
        lo, hi = n * (d.decile - 1) / 10, n * d.decile / 10
        conv = expected_in_top(exp.points, exp.y, hi) - expected_in_top(exp.points, exp.y, lo)
        assert d.contacts == pytest.approx(n / 10)
        assert d.converters == pytest.approx(conv)
        assert d.rate == pytest.approx(conv / (n / 10))
        assert d.lift == pytest.approx(conv / (n / 10) / rate)
        assert d.cumulative_gain == pytest.approx(expected_in_top(exp.points, exp.y, hi) / total)
    assert sum(d.converters for d in p.deciles) == pytest.approx(total)


def test_conversion_per_band_and_matrix_cell(case: tuple[ProgramEvaluation, Expected, Workspace]) -> None:
    p, exp, _ = case
    rate = sum(exp.y) / len(exp.y)
    for column, groups in [*((b.name, b.groups) for b in p.bandings), ("matrix", p.matrix)]:
        n = Counter(s[column] for s in exp.pop)
        c = Counter(s[column] for s, y in zip(exp.pop, exp.y, strict=True) if y)
        assert {g.label: (g.contacts, g.converters) for g in groups} == {k: (n[k], c[k]) for k in n}
        for g in groups:
            assert g.rate == pytest.approx(c[g.label] / n[g.label])
            assert g.lift == pytest.approx(c[g.label] / n[g.label] / rate)
    # best band first, as the model orders them
    assert [g.label for g in p.bandings[0].groups] == ["A", "B", "C"]
    assert [b.name for b in p.bandings] == ["fit_band", "engagement_band"]


def test_histogram_counts_every_contact_once(case: tuple[ProgramEvaluation, Expected, Workspace]) -> None:
    p, exp, _ = case
    for b in p.histogram:
        inside = [y for x, y in zip(exp.points, exp.y, strict=True) if b.lo <= x <= b.hi]
        assert (b.converters, b.non_converters) == (sum(inside), len(inside) - sum(inside))
    assert p.histogram[0].lo <= min(exp.points)
    assert p.histogram[-1].hi >= max(exp.points)


def test_roc_and_gains_curves(case: tuple[ProgramEvaluation, Expected, Workspace]) -> None:
    p, exp, _ = case
    # one point per distinct score (plus the origin), ending at (1, 1)
    assert len(p.roc) == len(p.gains) == len(set(exp.points)) + 1
    assert (p.roc[-1].x, p.roc[-1].y) == (1.0, 1.0)
    assert (p.gains[-1].x, p.gains[-1].y) == (1.0, 1.0)
    # the area under the ROC polyline (trapezoids) is the AUC
    area = sum((b.x - a.x) * (a.y + b.y) / 2 for a, b in zip(p.roc, p.roc[1:], strict=False))
    assert area == pytest.approx(p.auc)


def test_funnel_of_the_mqls(case: tuple[ProgramEvaluation, Expected, Workspace]) -> None:
    p, exp, _ = case
    mql = [s["contact_id"] for s in exp.pop if s["mql_eligible"] == "true"]
    other = [s["contact_id"] for s in exp.pop if s["mql_eligible"] == "false"]
    assert [s.stage for s in p.funnel] == ["mql", *FUNNEL]
    assert (p.funnel[0].mql, p.funnel[0].other) == (len(mql), len(other))
    for i, step in enumerate(p.funnel[1:], start=1):
        assert step.mql == sum(exp.reached.get(c, 0) >= i for c in mql)
        assert step.other == sum(exp.reached.get(c, 0) >= i for c in other)
        assert step.mql_from_start == pytest.approx(step.mql / len(mql))
        assert step.mql_from_previous == pytest.approx(step.mql / p.funnel[i - 1].mql)


def test_sales_acceptance_of_the_mqls(case: tuple[ProgramEvaluation, Expected, Workspace]) -> None:
    p, exp, _ = case
    latest: dict[str, tuple[int, str, str]] = {}
    for f in exp.feedback:  # the latest verdict in the horizon
        ts = parse_instant(f["timestamp"])
        if CUTOFF_US < ts <= END_US and (f["contact_id"] not in latest or ts >= latest[f["contact_id"]][0]):
            latest[f["contact_id"]] = (ts, f["verdict"], f["reason"] or "(no reason given)")
    mql = {s["contact_id"] for s in exp.pop if s["mql_eligible"] == "true"}
    others = {s["contact_id"] for s in exp.pop} - mql
    verdicts = Counter(latest[c][1] for c in mql if c in latest)
    acc = p.acceptance
    assert (acc.mqls, acc.accepted, acc.rejected) == (len(mql), verdicts["accepted"], verdicts["rejected"])
    assert acc.without_feedback == len(mql) - verdicts["accepted"] - verdicts["rejected"]
    assert acc.rate == pytest.approx(verdicts["accepted"] / (verdicts["accepted"] + verdicts["rejected"]))
    assert acc.other_rejected == sum(1 for c in others if c in latest and latest[c][1] == "rejected")
    reasons = Counter((latest[c][1], latest[c][2]) for c in mql if c in latest)
    assert {(r.verdict, r.reason): r.contacts for r in acc.reasons} == dict(reasons)


def test_rules_fired_conversion_lift_and_suggestion(
    case: tuple[ProgramEvaluation, Expected, Workspace],
) -> None:
    p, exp, _ = case
    n = len(exp.y)
    assert [r.rule for r in p.rules] == list(RULES)
    for r in p.rules:
        fired = [y for s, y in zip(exp.pop, exp.y, strict=True) if float(s[f"rule:{r.rule}"]) != 0]
        rest = [y for s, y in zip(exp.pop, exp.y, strict=True) if float(s[f"rule:{r.rule}"]) == 0]
        assert r.points == RULES[r.rule]
        assert r.fired == len(fired)
        assert r.fired_share == pytest.approx(len(fired) / n)
        assert r.rate_fired == pytest.approx(sum(fired) / len(fired)) if fired else r.rate_fired is None
        assert r.rate_not_fired == pytest.approx(sum(rest) / len(rest))
        # exact ratios of counts: a lift of exactly 0.8 meets the 0.8 threshold
        lift = Fraction(sum(fired) * n, len(fired) * sum(exp.y)) if fired else None
        assert r.lift == pytest.approx(float(lift) if lift is not None else None)
        # the documented thresholds, restated
        at = {x: Fraction(x) for x in ("2", "1.2", "1", "0.8")}
        if len(fired) < 30 or len(fired) * Fraction(sum(exp.y), n) < 5:
            want = "too few to judge"
        elif r.points > 0:
            assert lift is not None
            want = next((s for s, x in (("raise", "2"), ("keep", "1.2"), ("lower", "1"), ("remove", "0.8")) if lift >= at[x]), "make negative")  # fmt: skip
        else:
            assert lift is not None
            want = "keep" if lift < at["0.8"] else "remove" if lift < at["1.2"] else "make positive"
        assert r.suggestion == want, r
    assert THRESHOLDS.min_fired == 30


@pytest.mark.parametrize(
    ("points", "conv", "want"),
    [
        (5, 8, "remove"),
        (-5, 8, "remove"),
        (5, 10, "lower"),
        (5, 12, "keep"),
        (-5, 12, "make positive"),
        (5, 20, "raise"),
        (5, 7, "make negative"),
        (-5, 7, "keep"),
    ],
)
def test_a_lift_exactly_on_a_threshold_meets_it(points: float, conv: int, want: str) -> None:
    """Fired for 50 of 100 contacts, 20 of whom converted: 8 converters among the 50 is a lift of
    exactly 0.8, which was 0.7999999999999999 as doubles ("make negative" for +5 points, "keep"
    for -5, beside a printed "0.80×"). 10, 12 and 20 of 50 are lifts of 1, 1.2 and 2; 7 of 50, 0.7."""
    lift = Fraction(conv * 100, 50 * 20)
    assert suggest(points, 50, lift, Fraction(20, 100))[0] == want


def test_surprising_leads_are_the_extremes(case: tuple[ProgramEvaluation, Expected, Workspace]) -> None:
    p, exp, _ = case
    conv = sorted((int(s["points"]), s["contact_id"]) for s, y in zip(exp.pop, exp.y, strict=True) if y)
    rest = sorted(
        ((-int(s["points"]), s["contact_id"]) for s, y in zip(exp.pop, exp.y, strict=True) if not y)
    )
    assert [(j.points, j.contact_id) for j in p.low_scored_converters] == conv[:5]
    assert [(-j.points, j.contact_id) for j in p.high_scored_non_converters] == rest[:5]
    events = read_csv(Path(case[2].events))
    for j in [*p.low_scored_converters, *p.high_scored_non_converters]:
        mine = [
            e
            for e in events
            if e["contact_id"] == j.contact_id and parse_instant(e["timestamp"]) <= CUTOFF_US
        ]
        assert j.events_total == len(mine)
        assert [e.timestamp for e in j.events] == sorted((e["timestamp"] for e in mine), reverse=True)[:12]
        assert all(o.when in ("before the cutoff", "in the horizon", "after the horizon") for o in j.outcomes)
        assert j.converted == (j in p.low_scored_converters)


# A tiny case worked by hand -----------------------------------------------------------------

TINY_MODEL = """\
model: tiny
version: 1
fields: {p: integer}
programs:
  - id: main
    dimensions:
      fit:
        categories:
          steps:
            rules:
              - {id: ten, when: {field: p, gte: 10}, points: 10}
              - {id: twenty, when: {field: p, gte: 20}, points: 10}
              - {id: thirty, when: {field: p, gte: 30}, points: 10}
"""


def test_a_tiny_case_worked_by_hand(tmp_path: Path) -> None:
    # points 30, 30, 20, 10, 10, 0; converters (won in the horizon): a (30), c (20), e (10)
    (tmp_path / "m.yaml").write_text(TINY_MODEL, encoding="utf-8")
    (tmp_path / "c.csv").write_text("contact_id,p\na,30\nb,30\nc,20\nd,10\ne,10\nf,0\n", encoding="utf-8")
    (tmp_path / "o.csv").write_text(
        "contact_id,outcome,timestamp\na,won,2026-06-02\nc,sql,2026-06-10\ne,opportunity,2026-06-30T23:59:59Z\n"
        "f,won,2026-07-02\nb,lost,2026-06-05\n",  # f: after the 30-day horizon, not a converter
        encoding="utf-8",
    )
    request = EvaluationRequest(outcomes=tmp_path / "o.csv", cutoff=CUTOFF_US, horizon=Duration.parse("30d"))
    p = Application().evaluate(tmp_path / "m.yaml", tmp_path / "c.csv", None, request).programs[0]
    assert (p.population.evaluated, p.population.converters) == (6, 3)
    # converters 30, 20, 10 against non-converters 30, 10, 0:
    #   30 → tie 0.5 + 1 + 1 = 2.5;  20 → 0 + 1 + 1 = 2;  10 → 0 + 0.5 + 1 = 1.5;  6 / 9
    assert p.auc == pytest.approx(6 / 9)
    # top 20 % = 1.2 contacts, all inside the tied pair at 30 (one converter of two): 0.6 found
    # = 0.2 of the 3 converters, lift 0.2 / 0.2 = 1
    top20 = p.top[1]
    assert top20.converters == pytest.approx(0.6)
    assert top20.gain == pytest.approx(0.2)
    assert top20.lift == pytest.approx(1.0)
    # averages: converters (30 + 20 + 10) / 3 = 20, non-converters (30 + 10 + 0) / 3 ≈ 13.33
    assert p.averages.converters_points == pytest.approx(20)
    assert p.averages.non_converters_points == pytest.approx(40 / 3)
    # decile 10 is 0.6 contacts of the lowest score, 0 (f, a non-converter): no converter
    assert p.deciles[-1].converters == pytest.approx(0)
    assert p.deciles[-1].min_points == 0


def test_the_html_matrix_lists_contacts_without_a_cell_under_the_grid(
    case: tuple[ProgramEvaluation, Expected, Workspace],
) -> None:
    """150 contacts below every fit band (no band, so no cell) were in no cell of the HTML grid,
    only in a row of dashes; the JSON and text reports list them as "(none)"."""
    p, _, _ = case
    none = Group(NO_VALUE, 150, 18, 0.12, 1.01)
    fit, *rest = [b for b in p.bandings if b.name != "band"]
    p = replace(p, matrix=[*p.matrix, none], bandings=[replace(fit, groups=[none, *fit.groups]), *rest])
    grid = _matrix(p)
    assert "(none)</th>" not in grid  # no row of dashes for it
    assert ">outside the grid</th>" in grid
    assert '<td class="t">(none)</td><td>150</td><td>18</td>' in grid


def test_decile_counts_share_one_format_when_ties_are_split() -> None:
    """Decile 6 printed `4` among rows of `42.3` and `1.7`: counts split across a tie hold a
    fraction, and then every row shows one decimal."""
    split = [Decile(1, 40, 90, 42.3, 4.0, 0.09, 1.2, 0.5), Decile(2, 10, 40, 41.7, 1.7, 0.04, 0.6, 1.0)]
    assert [r[2:4] for r in decile_rows(split)] == [["42.3", "4.0"], ["41.7", "1.7"]]
    whole = [Decile(1, 40, 90, 42.0, 4.0, 0.09, 1.2, 0.5)]
    assert [r[2:4] for r in decile_rows(whole)] == [["42", "4"]]
