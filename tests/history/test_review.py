"""Review reminders: due dates around their boundaries, and the day a version went live."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from leadscore.durations import Duration
from leadscore.history.review import review_status
from leadscore.history.status import live_since, model_status
from leadscore.model.loader import load_model_text
from tests.history.helpers import BASE, V2, Repo, edit, set_mtime, version

D60, D90 = Duration.parse("60d"), Duration.parse("90d")
LIVE = date(2026, 1, 1)
# 2026-01-01 + 60 days: 30 more days of January reach 01-31, 28 of February reach 02-28,
# 2 more reach 2026-03-02. Then + 90 days: 29 to 03-31, 30 to 04-30, 31 to 05-31 → 2026-05-31.
FIRST, SECOND, THIRD = date(2026, 3, 2), date(2026, 5, 31), date(2026, 8, 29)


def test_the_day_before_the_first_review() -> None:
    s = review_status(LIVE, date(2026, 3, 1), D60, D90)
    assert (s.state, s.days, s.next_due, s.last_due, s.first_due) == ("not_due", 1, FIRST, None, FIRST)
    assert not s.overdue


def test_due_exactly_today_is_not_overdue() -> None:
    s = review_status(LIVE, FIRST, D60, D90)
    assert (s.state, s.days, s.waiting_since, s.last_due, s.next_due) == (
        "due_today",
        0,
        FIRST,
        FIRST,
        SECOND,
    )
    assert not s.overdue


def test_one_day_late_is_overdue() -> None:
    s = review_status(LIVE, date(2026, 3, 3), D60, D90)
    assert (s.state, s.days, s.missed, s.waiting_since) == ("overdue", 1, 1, FIRST)
    assert s.overdue


def test_overdue_counts_from_the_first_review_not_done() -> None:
    # 2026-06-01: the reviews of 03-02 and 05-31 both passed; 03-02 was 91 days ago (29+30+31+1).
    s = review_status(LIVE, date(2026, 6, 1), D60, D90)
    assert (s.state, s.days, s.missed, s.last_due, s.next_due) == ("overdue", 91, 2, SECOND, THIRD)


def test_a_recorded_review_clears_the_reviews_due_up_to_it() -> None:
    # Reviewed on 03-10 (after the 03-02 due date): the next one is 05-31, 21 days after 05-10.
    s = review_status(LIVE, date(2026, 5, 10), D60, D90, last_review=date(2026, 3, 10))
    assert (s.state, s.days, s.next_due) == ("not_due", 21, SECOND)
    # On 06-05 the 05-31 review is 5 days late; 03-02 was done.
    s = review_status(LIVE, date(2026, 6, 5), D60, D90, last_review=date(2026, 3, 10))
    assert (s.state, s.days, s.missed, s.waiting_since) == ("overdue", 5, 1, SECOND)


def test_a_review_recorded_before_the_version_went_live_does_not_count() -> None:
    s = review_status(LIVE, date(2026, 3, 3), D60, D90, last_review=date(2025, 12, 1))
    assert (s.state, s.days) == ("overdue", 1)


def test_without_every_there_is_one_review() -> None:
    s = review_status(LIVE, date(2026, 3, 10), D60, None)
    assert (s.state, s.days, s.next_due) == ("overdue", 8, None)  # 03-10 − 03-02
    s = review_status(LIVE, date(2026, 3, 10), D60, None, last_review=date(2026, 3, 2))
    assert (s.state, s.next_due) == ("not_due", None)


def test_without_first_after_the_first_review_is_every_after_going_live() -> None:
    # 2026-01-01 + 90 days = 2026-04-01 (30 to 01-31, 28 to 02-28, 31 to 03-31, 1 more).
    assert review_status(LIVE, LIVE, None, D90).next_due == date(2026, 4, 1)


def test_hours_round_down_to_the_day_of_the_due_moment() -> None:
    # 2026-01-01T00:00Z + 36h = 2026-01-02T12:00Z: due on 2026-01-02.
    s = review_status(LIVE, date(2026, 1, 2), Duration.parse("36h"), None)
    assert s.state == "due_today"


def test_no_schedule() -> None:
    assert review_status(LIVE, LIVE, None, None).state == "no_schedule"


# -- the day the version went live ---------------------------------------------------------------


def test_review_since_wins(tmp_path: Path) -> None:
    text = edit(BASE, ("every: 90d}", "every: 90d, since: 2026-02-01}"))
    path = tmp_path / "model.yaml"
    path.write_text(text, encoding="utf-8")
    live = live_since(path, load_model_text(text).model)
    assert (live.day, live.origin) == (date(2026, 2, 1), "review.since")


def test_outside_git_the_models_date_then_the_files_time(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    path.write_text(BASE, encoding="utf-8")
    set_mtime(path, "2026-01-20T23:00:00")
    live = live_since(path, load_model_text(BASE).model)
    assert (live.day, live.origin) == (date(2026, 1, 20), "file")
    assert "not in git" in live.detail
    dated = version(BASE, 1, date="2026-01-10")
    path.write_text(dated, encoding="utf-8")
    assert live_since(path, load_model_text(dated).model).day == date(2026, 1, 10)


def test_in_git_the_first_commit_of_the_current_version(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("model.yaml", BASE, "v1", "Ana", "2026-01-05T10:00:00Z")
    repo.commit("model.yaml", V2, "v2", "Ben", "2026-02-10T10:00:00Z")
    # A later fix that keeps version 2 does not restart the clock: v2 went live on 02-10.
    repo.commit("model.yaml", V2.replace("points: 8", "points: 9"), "typo", "Ana", "2026-02-20T10:00:00Z")
    path = repo.root / "model.yaml"
    model = load_model_text(path.read_text()).model
    live = live_since(path, model)
    assert (live.day, live.origin) == (date(2026, 2, 10), "git")
    assert live.detail.endswith("by Ben introduced version 2")
    # 02-10 + 60 days = 04-11 (18 to 02-28, 31 to 03-31, 11 more): due on 04-11.
    status = model_status(path, model, date(2026, 4, 11))
    assert (status.review.state, status.review.waiting_since) == ("due_today", date(2026, 4, 11))


def test_in_git_an_uncommitted_new_version_is_live_from_the_files_time(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("model.yaml", BASE, "v1", "Ana", "2026-01-05T10:00:00Z")
    path = repo.root / "model.yaml"
    path.write_text(V2, encoding="utf-8")
    set_mtime(path, "2026-03-01T08:00:00")
    live = live_since(path, load_model_text(V2).model)
    assert (live.day, live.origin) == (date(2026, 3, 1), "file")
    assert "not committed yet" in live.detail


@pytest.mark.parametrize("key", ["since", "last_review"])
def test_review_dates_are_checked(key: str) -> None:
    from leadscore.diagnostics import LeadscoreError

    with pytest.raises(LeadscoreError) as exc:
        load_model_text(edit(BASE, ("every: 90d}", f"every: 90d, {key}: 2026-02-30}}")))
    d = exc.value.diagnostics[0]
    assert (d.code, d.message) == ("E204", "'2026-02-30' is not a date on the calendar")
    assert d.location is not None
    assert d.location.line == 4


def test_the_json_schema_knows_the_new_keys() -> None:
    import jsonschema

    from leadscore.model.jsonschema import model_json_schema
    from leadscore.model.yaml_source import load_yaml

    text = version(edit(BASE, ("every: 90d}", "every: 90d, since: 2026-02-01, last_review: 2026-04-02}")), 2)
    text = edit(text, ("version: 2\n", "version: 2\ndate: 2026-01-31\n"))
    schema = model_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(load_yaml(text, "m").data, schema)  # accepted as written
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(load_yaml(text.replace("2026-01-31", "31/01/2026"), "m").data, schema)
    m = load_model_text(text).model
    assert (str(m.date), m.review and str(m.review.since), m.review and str(m.review.last_review)) == (
        "2026-01-31",
        "2026-02-01",
        "2026-04-02",
    )
