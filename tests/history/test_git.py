"""Versions from the git history of one model file, in a real repository built here."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadscore.diagnostics import LeadscoreError
from leadscore.history.git import git_versions
from leadscore.history.sources import resolve
from tests.history.helpers import BASE, V2, V4, Repo, edit, set_mtime, version


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """Four commits: v1 by Ana, v2 by Ben, a rename by Ana, v4 by Chloe (model says Ben).

    | commit | date       | author | file                | version | message                          |
    |--------|------------|--------|---------------------|---------|----------------------------------|
    | c1     | 2026-01-05 | Ana    | models/scoring.yaml | 1       | First model (+ a second line)    |
    | c2     | 2026-02-10 | Ben    | models/scoring.yaml | 2       | Raise pricing                    |
    | c3     | 2026-02-11 | Ana    | model.yaml (rename) | 2       | Move the model to the top        |
    | c4     | 2026-03-20 | Chloe  | model.yaml          | 4       | Faster email decay               |
    """
    r = Repo(tmp_path / "repo")
    r.shas = [  # type: ignore[attr-defined]
        r.commit("models/scoring.yaml", BASE, "First model\n\nWhy: a start.", "Ana", "2026-01-05T10:00:00Z"),
        r.commit("models/scoring.yaml", V2, "Raise pricing", "Ben", "2026-02-10T09:30:00+01:00"),
        r.rename(
            "models/scoring.yaml", "model.yaml", "Move the model to the top", "Ana", "2026-02-11T10:00:00Z"
        ),
        r.commit("model.yaml", V4, "Faster email decay", "Chloe", "2026-03-20T10:00:00Z"),
    ]
    return r


def test_every_commit_that_changed_the_file_is_a_version_following_renames(repo: Repo) -> None:
    shas = repo.shas  # type: ignore[attr-defined]
    got = git_versions(repo.root / "model.yaml")
    # c3 only renamed the file (same text as c2), so it is not a version of its own: c1, c2, c4.
    assert [v.commit.sha for v in got if v.commit] == [shas[0], shas[1], shas[3]]
    assert [v.label for v in got] == ["1", "2", "4"]
    assert [v.commit.path for v in got if v.commit] == [
        "models/scoring.yaml",
        "models/scoring.yaml",
        "model.yaml",
    ]
    assert [v.source for v in got] == [f"model.yaml@{s[:7]}" for s in (shas[0], shas[1], shas[3])]


def test_author_date_and_note_prefer_the_model_then_the_commit(repo: Repo) -> None:
    v1, v2, v4 = git_versions(repo.root / "model.yaml")
    # v1: BASE has no author or change_note: the commit's author and the first line of its message.
    assert (v1.author, v1.author_from, v1.change_note, v1.note_from) == (
        "Ana",
        "commit",
        "First model",
        "commit",
    )
    # v2: the model says author Ben and a change note; they win over the commit's.
    assert (v2.author_from, v2.change_note) == (
        "model",
        "Pricing matters more; careers visits no longer count",
    )
    # v4 was committed by Chloe, but V4 (made from V2) still says author: Ben: the model wins.
    assert (v4.author, v4.author_from) == ("Ben", "model")
    # Dates are commit dates in UTC: 2026-02-10T09:30+01:00 is 08:30 UTC.
    assert [v.date.isoformat() if v.date else None for v in (v1, v2, v4)] == [
        "2026-01-05T10:00:00+00:00",
        "2026-02-10T08:30:00+00:00",
        "2026-03-20T10:00:00+00:00",
    ]
    assert {v.date_from for v in (v1, v2, v4)} == {"commit"}


def test_the_models_own_date_wins_over_the_commit_date(repo: Repo) -> None:
    path = repo.root / "model.yaml"
    repo.commit("model.yaml", version(BASE, 5, date="2026-03-01"), "Backdated", "Ana", "2026-04-01T00:00:00Z")
    last = git_versions(path)[-1]
    assert (str(last.day), last.date_from) == ("2026-03-01", "model")


def test_an_uncommitted_working_copy_is_one_more_version(repo: Repo) -> None:
    path = repo.root / "model.yaml"
    path.write_text(edit(V4, ("version: 4", "version: 5")), encoding="utf-8")
    set_mtime(path, "2026-04-02T08:00:00")
    got = git_versions(path)
    assert [v.label for v in got] == ["1", "2", "4", "5"]
    last = got[-1]
    assert last.uncommitted
    assert last.commit is None
    assert (last.date_from, str(last.day)) == ("file", "2026-04-02")
    assert last.source == "model.yaml (uncommitted)"


def test_a_working_copy_equal_to_the_last_commit_adds_nothing(repo: Repo) -> None:
    assert len(git_versions(repo.root / "model.yaml")) == 3


def test_versions_are_named_by_label_or_commit(repo: Repo) -> None:
    shas = repo.shas  # type: ignore[attr-defined]
    path = repo.root / "model.yaml"
    assert resolve("2", path, None).commit.sha == shas[1]  # type: ignore[union-attr]
    assert resolve("HEAD~1", path, None).label == "2"  # HEAD~1 is the rename commit: still version 2
    assert resolve(shas[0][:8], path, None).label == "1"  # a sha prefix, before the rename
    with pytest.raises(LeadscoreError) as missing:
        resolve("7", path, None)
    assert missing.value.diagnostics[0].code == "H007"
    assert "1, 2, 4" in (missing.value.diagnostics[0].hint or "")


def test_a_file_outside_git_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "model.yaml").write_text(BASE, encoding="utf-8")
    with pytest.raises(LeadscoreError) as exc:
        git_versions(tmp_path / "model.yaml")
    d = exc.value.diagnostics[0]
    assert d.code == "H004"
    assert "not in a git repository" in d.message
    assert "--versions" in (d.hint or "")


def test_a_file_never_committed_is_a_clear_error(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    (repo.root / "model.yaml").write_text(BASE, encoding="utf-8")
    with pytest.raises(LeadscoreError) as exc:
        git_versions(repo.root / "model.yaml")
    assert exc.value.diagnostics[0].code == "H005"


def test_missing_git_is_a_clear_error(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("leadscore.history.git.shutil.which", lambda name: None)
    with pytest.raises(LeadscoreError) as exc:
        git_versions(repo.root / "model.yaml")
    assert exc.value.diagnostics[0].code == "H003"


def test_a_missing_model_file(tmp_path: Path) -> None:
    with pytest.raises(LeadscoreError) as exc:
        git_versions(tmp_path / "nope.yaml")
    assert exc.value.diagnostics[0].code == "E001"
