"""The model file's YAML: libyaml's fast node tree and the pure parser's give the same document."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadscore.model import yaml_source
from leadscore.model.yaml_source import load_yaml

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    [
        *(ROOT / "tests" / "model" / "golden").glob("*.yaml"),
        *(ROOT / "tests" / "fixtures").glob("*.yaml"),
        *(ROOT / "examples").rglob("*.yaml"),
        *(ROOT / "src" / "leadscore" / "demo").glob("*.yaml"),
        ROOT / "bench" / "model.yaml",
    ]
)

TRICKY = {
    "yaml_1_2_scalars": "a: NO\nb: yes\nc: 0o17\nd: 1_000\ne: 0x1F\nf: .inf\ng: ~\nh: 2026-01-01\ni: '12'\nj: !!str 12\n",
    "unicode_columns": "name: 'Łódź'\nwhere: {city: ŁÓDŹ, street: Straße}\nlist: [é, ß, 'x']\n",
    "anchors_and_merge": "base: &b {a: 1, b: 2}\nuse:\n  <<: *b\n  b: 3\nref: *b\n",
    "block_scalars": "a: |\n  two\n  lines\nb: >\n  folded\n  text\n",
    "duplicate_keys": "a: 1\nb: 2\na: 3\n",
    "directive": "%YAML 1.2\n---\na: NO\n",
    "empty": "",
    "comment_only": "# nothing here\n",
    "two_documents": "a: 1\n---\nb: 2\n",
    "tab_indent": "a:\n\tb: 1\n",
    "unclosed": "a: [1, 2\n",
    "core_tags": "a: !!int '18'\nb: !!float 1\nc: &x !!bool true\nd: !!int eighteen\ne: [!!null ~, !!float x]\n",
}


def _same(text: str) -> None:
    fast = load_yaml(text, "m.yaml")
    pure = load_yaml(text, "m.yaml", fast=False)
    assert repr(fast.data) == repr(pure.data)  # repr: nan == nan, and 1 vs 1.0 vs True apart
    assert fast.source.values == pure.source.values
    assert fast.source.keys == pure.source.keys
    assert [d.render() for d in fast.diagnostics] == [d.render() for d in pure.diagnostics]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_model_file_in_the_repository_reads_the_same_both_ways(path: Path) -> None:
    _same(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_yaml_reads_the_same_both_ways(name: str) -> None:
    _same(TRICKY[name])


def test_the_fast_parser_is_installed_and_used(monkeypatch: pytest.MonkeyPatch) -> None:
    # a dependency on CPython: without it every model file would be read ~8x slower, silently
    calls: list[str] = []
    real = yaml_source._compose_with_libyaml

    def spy(text: str) -> object:
        node = real(text)
        calls.append("libyaml" if node is not None else "fallback")
        return node

    monkeypatch.setattr(yaml_source, "_compose_with_libyaml", spy)
    doc = load_yaml("model: m\nversion: 1\n", "m.yaml")
    assert doc.data == {"model": "m", "version": 1}
    assert calls == ["libyaml"]


def test_an_explicit_core_tag_converts_or_is_an_error() -> None:
    doc = load_yaml(TRICKY["core_tags"], "m.yaml")
    assert repr(doc.data) == repr({"a": 18, "b": 1.0, "c": True, "d": "eighteen", "e": [None, "x"]})
    assert [d.render() for d in doc.diagnostics] == [
        "m.yaml:4:4: E100: YAML: the tag !!int needs a whole number, got 'eighteen'\n"
        "    hint: remove the tag (a model file needs none), or write a value of that type",
        "m.yaml:5:15: E100: YAML: the tag !!float needs a number, got 'x'\n"
        "    hint: remove the tag (a model file needs none), or write a value of that type",
    ]
    # a plain value keeps its YAML 1.2 reading, whatever tag the parser guessed for it (1_000 is
    # an int to a YAML 1.1 parser, text in YAML 1.2); only a tag written in the file converts
    plain = load_yaml("a: 1_000\nb: 0o17\nc: 2026-01-01\n", "m.yaml")
    assert plain.data == {"a": "1_000", "b": 15, "c": "2026-01-01"}
    assert plain.diagnostics == []
