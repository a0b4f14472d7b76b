"""Versions from a folder: which files, in which order, with which date, author and note."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadscore.diagnostics import LeadscoreError
from leadscore.history.folder import folder_versions
from leadscore.history.versions import column_titles, natural_key
from tests.history.helpers import BASE, V2, V3_INVALID, V4, set_mtime, version


def write(folder: Path, name: str, text: str, mtime: str = "2026-01-01T12:00:00") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    set_mtime(path, mtime)
    return path


def test_numbers_are_ordered_numerically_not_by_file_name(tmp_path: Path) -> None:
    # File names sort a-, b-, c-, d-; the versions inside are 10, 2, 1, 4. Numerically: 1, 2, 4, 10.
    write(tmp_path, "a.yaml", version(BASE, 10))
    write(tmp_path, "b.yaml", V2)
    write(tmp_path, "c.yml", BASE)
    write(tmp_path, "d.yaml", V4)
    write(tmp_path, "notes.txt", "not a model")  # only *.yaml and *.yml are versions
    got = folder_versions(tmp_path)
    assert [v.label for v in got] == ["1", "2", "4", "10"]
    assert [Path(v.source).name for v in got] == ["c.yml", "b.yaml", "d.yaml", "a.yaml"]


def test_texts_follow_numbers_in_the_natural_order_of_file_names(tmp_path: Path) -> None:
    # Texts keep the file order, naturally sorted: v2 before v10 (plain sorting would put v10 first).
    # The whole number 7 comes before every text, whatever its file name.
    write(tmp_path, "v10.yaml", version(BASE, "2026-06"))
    write(tmp_path, "v2.yaml", version(BASE, "2026-01"))
    write(tmp_path, "z.yaml", version(BASE, 7))
    assert [v.label for v in folder_versions(tmp_path)] == ["7", "2026-01", "2026-06"]
    assert natural_key("v2.yaml") < natural_key("v10.yaml")


def test_the_date_is_the_models_date_else_the_files_modification_time(tmp_path: Path) -> None:
    write(tmp_path, "v1.yaml", BASE, mtime="2026-03-04T05:06:07")
    write(tmp_path, "v2.yaml", version(BASE, 2, date="2026-02-01"), mtime="2026-03-04T05:06:07")
    v1, v2 = folder_versions(tmp_path)
    assert (v1.date_from, v1.date is not None and v1.date.isoformat()) == (
        "file",
        "2026-03-04T05:06:07+00:00",
    )
    assert (v2.date_from, str(v2.day)) == ("model", "2026-02-01")  # the model's date wins


def test_author_and_change_note_come_from_the_model(tmp_path: Path) -> None:
    write(tmp_path, "v1.yaml", BASE)
    write(tmp_path, "v2.yaml", V2)
    v1, v2 = folder_versions(tmp_path)
    assert (v1.author, v1.change_note, v1.author_from) == (None, None, None)  # a file has no commit
    assert (v2.author, v2.author_from) == ("Ben", "model")
    assert v2.change_note == "Pricing matters more; careers visits no longer count"


def test_an_invalid_version_is_kept_with_its_errors(tmp_path: Path) -> None:
    write(tmp_path, "v1.yaml", BASE)
    write(tmp_path, "v3.yaml", V3_INVALID)
    v1, v3 = folder_versions(tmp_path)
    assert v1.valid
    assert not v3.valid
    assert v3.label == "3"  # read from the raw YAML, so it still sorts by its number
    assert v3.errors[0].code == "E201"  # programz: unknown key
    assert v3.errors[0].location is not None
    assert v3.errors[0].location.file.endswith("v3.yaml")
    assert v3.errors[0].location.line == 5  # line 5 of V3_INVALID: programz:


def test_a_file_whose_version_cannot_be_read_sorts_with_the_texts(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "model: [unclosed\n")  # a YAML error: no version at all
    write(tmp_path, "b.yaml", BASE)
    got = folder_versions(tmp_path)
    assert [v.label for v in got] == ["1", "?"]
    assert got[1].errors[0].code == "E100"
    (tmp_path / "c.yaml").write_bytes(b"model: m\nversion: 3\ndescription: caf\xe9\n")  # Latin-1
    got = folder_versions(tmp_path)  # stopped the whole history (E002) before
    assert [v.label for v in got] == ["1", "?", "?"]
    assert [e.code for e in got[2].errors] == ["E002"]


def test_repeated_labels_get_their_file_name_in_the_column_title(tmp_path: Path) -> None:
    write(tmp_path, "first.yaml", BASE)
    write(tmp_path, "second.yaml", BASE)
    write(tmp_path, "v2.yaml", V2)
    # Two files say version 1: ordered by file name, told apart by it.
    assert column_titles(folder_versions(tmp_path)) == ["1 (first.yaml)", "1 (second.yaml)", "2"]


def test_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(LeadscoreError) as missing:
        folder_versions(tmp_path / "nope")
    assert missing.value.diagnostics[0].code == "H001"
    write(tmp_path, "model.yaml", BASE)
    with pytest.raises(LeadscoreError) as a_file:
        folder_versions(tmp_path / "model.yaml")
    assert a_file.value.diagnostics[0].code == "H001"
    assert "-m" in (a_file.value.diagnostics[0].hint or "")
    (tmp_path / "empty").mkdir()
    with pytest.raises(LeadscoreError) as empty:
        folder_versions(tmp_path / "empty")
    assert empty.value.diagnostics[0].code == "H002"
