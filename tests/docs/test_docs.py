"""The documentation is complete and current: these tests fail when something is undocumented.

- generated pages (model reference, CLI reference, error tables) match what the code generates;
- every command and option is in the CLI reference, and every command is explained by hand;
- every model key is in the model reference, and every key is explained in concepts.md;
- every error and warning code used in the source is in errors.md (and no stale one);
- every YAML model in the docs validates, and every `leadscore …` command line parses;
- the console examples run and print what the page shows.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from leadscore import docsgen
from leadscore.cli.main import cli
from leadscore.diagnostics import Severity
from leadscore.model.loader import validate_text
from leadscore.model.schema import Model

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
HAND_WRITTEN = ("getting-started.md", "concepts.md")
REGENERATE = "run .venv/bin/python -m leadscore.docsgen"


@dataclass(frozen=True)
class Block:
    page: str
    line: int  # of the opening fence
    lang: str
    info: tuple[str, ...]  # words after the language, such as file=model.yaml
    body: str

    def option(self, key: str) -> str | None:
        return next((w.split("=", 1)[1] for w in self.info if w.startswith(key + "=")), None)


FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)


def blocks(path: Path) -> list[Block]:
    text = path.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        words = m.group(1).split()
        line = text.count("\n", 0, m.start()) + 1
        out.append(Block(path.name, line, words[0] if words else "", tuple(words[1:]), m.group(2)))
    return out


def sections(text: str, level: str) -> dict[str, str]:
    """Page text by heading (`## ` or `### `), each section up to the next heading of that level."""
    parts = re.split(rf"^{level} (.+)$", text, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def schema_objects() -> dict[str, dict[str, Any]]:
    """Every object of the model format (from the JSON Schema, independently of docsgen)."""
    schema = Model.model_json_schema(by_alias=True)
    return {"Model": schema, **schema["$defs"]}


# (a) generated pages are up to date ------------------------------------------------------------


@pytest.mark.parametrize("path", list(docsgen.pages()), ids=lambda p: p.name)
def test_generated_page_is_up_to_date(path: Path) -> None:
    expected = docsgen.pages()[path]
    assert path.exists(), f"{path.name} is missing: {REGENERATE}"
    assert path.read_text(encoding="utf-8") == expected, f"{path.name} is stale: {REGENERATE}"


def test_errors_page_keeps_its_generated_regions() -> None:
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    for name in docsgen.REGIONS:
        assert f"<!-- BEGIN generated: {name} -->" in text, f"errors.md lost its '{name}' region"


# (b) commands and options ----------------------------------------------------------------------


def commands() -> Iterator[tuple[str, click.Command]]:
    yield "leadscore", cli
    for name, cmd in cli.commands.items():
        yield f"leadscore {name}", cmd


@pytest.mark.parametrize(("title", "cmd"), list(commands()), ids=lambda x: x if isinstance(x, str) else "")
def test_every_option_is_listed_in_the_cli_reference(title: str, cmd: click.Command) -> None:
    text = sections((DOCS / "cli.md").read_text(encoding="utf-8"), "##")
    assert title in text, f"docs/cli.md has no section '## {title}': {REGENERATE}"
    listed = [line for line in text[title].splitlines() if line.startswith("- `")]
    ctx = click.Context(cmd, info_name=title)
    for param in cmd.get_params(ctx):
        for opt in (*param.opts, *getattr(param, "secondary_opts", [])):
            if isinstance(param, click.Option) and opt.startswith("--"):
                assert any(re.search(rf"{re.escape(opt)}\b", line) for line in listed), (
                    f"{opt} of `{title}` is not listed in docs/cli.md: {REGENERATE}"
                )


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_is_explained_by_hand(name: str) -> None:
    pages = [(DOCS / p).read_text(encoding="utf-8") for p in HAND_WRITTEN]
    assert any(re.search(rf"\bleadscore {name}\b", text) for text in pages), (
        f"`leadscore {name}` is not explained in {' or '.join(HAND_WRITTEN)}: write about it"
    )


# (c) model keys --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(schema_objects()))
def test_every_model_key_is_in_the_reference(name: str) -> None:
    text = sections((DOCS / "model-reference.md").read_text(encoding="utf-8"), "###")
    assert name in text, f"docs/model-reference.md has no section '### {name}': {REGENERATE}"
    for key in schema_objects()[name].get("properties", {}):
        assert re.search(rf"^\| `{re.escape(key)}` \|", text[name], re.MULTILINE), (
            f"key '{key}' of {name} is not in docs/model-reference.md: {REGENERATE}"
        )


def test_every_model_key_is_explained_in_concepts() -> None:
    """Each key is written in the prose, in a code span: `key`, `key: …` or `{…, key: …}`."""
    prose = FENCE.sub("", (DOCS / "concepts.md").read_text(encoding="utf-8"))
    spans = re.findall(r"`([^`\n]+)`", prose)
    keys = sorted({k for obj in schema_objects().values() for k in obj.get("properties", {})})
    missing = [k for k in keys if not any(re.search(rf"(^|[{{,]\s*){k}\s*([:,}}]|$)", s) for s in spans)]
    assert not missing, f"docs/concepts.md does not explain these model keys: {', '.join(missing)}"


# Fields that have no description in the code yet; the reference shows a placeholder. This list
# must only shrink: the test fails when a new field lacks a description, and when one of these
# gets one (then remove it here).
UNDESCRIBED: dict[str, set[str]] = {}  # every object and key of the format is described


def test_descriptions_missing_in_the_code_are_known() -> None:
    """'' stands for the object's own description (its docstring)."""
    found: dict[str, set[str]] = {}
    for name, obj in schema_objects().items():
        missing = {k for k, p in obj.get("properties", {}).items() if "description" not in p}
        missing = {k for k in missing if k != "description"}  # docsgen describes these alike
        if "description" not in obj:
            missing.add("")
        if missing:
            found[name] = missing
    assert found == UNDESCRIBED, "update UNDESCRIBED (and write the description in the model class)"


# (d) error codes -------------------------------------------------------------------------------


def source_codes() -> set[str]:
    src = ROOT / "src" / "leadscore"
    return {
        m.group(1)
        for path in src.rglob("*.py")
        for m in re.finditer(r"[\"']([A-Z][0-9]{3})[\"']", path.read_text(encoding="utf-8"))
    }


def documented_codes() -> set[str]:
    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([A-Z][0-9]{3})` \|", text, re.MULTILINE))


@pytest.mark.parametrize("code", sorted(source_codes()))
def test_every_code_in_the_source_is_documented(code: str) -> None:
    assert code in documented_codes(), f"{code} is used in src/ but has no row in docs/errors.md"


def test_every_documented_code_exists() -> None:
    stale = documented_codes() - source_codes()
    assert not stale, f"docs/errors.md documents codes the source no longer uses: {sorted(stale)}"


# (e) YAML examples validate --------------------------------------------------------------------


def model_blocks() -> list[Block]:
    found = [b for p in [*PAGES, ROOT / "README.md"] for b in blocks(p) if b.lang == "yaml"]
    return [b for b in found if re.search(r"^model:", b.body, re.MULTILINE)]


@pytest.mark.parametrize("block", model_blocks(), ids=lambda b: f"{b.page}:{b.line}")
def test_yaml_examples_validate(block: Block) -> None:
    report = validate_text(block.body, f"{block.page}:{block.line}")
    errors = [d.render() for d in report.diagnostics if d.severity is Severity.ERROR]
    if "invalid" in block.info:
        assert errors, "this example is marked invalid but validates: drop the marker"
    else:
        assert not errors, "\n".join(errors)


# (f) command lines use commands and options that exist ----------------------------------------

SHELL_LANGS = ("sh", "bash", "shell", "console")


def command_lines(path: Path) -> Iterator[str]:
    """Shell lines in code blocks (`$ ` lines of console blocks) and inline code spans."""
    for b in blocks(path):
        if b.lang in SHELL_LANGS:
            body = b.body.replace("\\\n", " ")
            for line in body.splitlines():
                if b.lang != "console" or line.startswith("$ "):
                    yield line.removeprefix("$ ")
    prose = FENCE.sub("", path.read_text(encoding="utf-8"))
    yield from re.findall(r"`([^`\n]*leadscore [^`\n]*)`", prose)


def invocations(line: str) -> Iterator[list[str]]:
    lex = shlex.shlex(line, posix=True, punctuation_chars=True)
    lex.whitespace_split = True
    lex.commenters = "#"
    segment: list[str] = []
    for token in [*lex, "&&"]:
        if token in ("&&", "||", ";", "|", "&"):
            if segment and Path(segment[0]).name == "leadscore":
                yield segment
            segment = []
        else:
            segment.append(token)


def invocation_problems(tokens: list[str]) -> list[str]:
    args = tokens[1:]
    if not args or args[0] in ("-h", "--help", "--version"):
        return []
    cmd = cli.commands.get(args[0])
    if cmd is None:
        return [f"there is no command '{args[0]}'"]
    if len(args) == 1:
        return []  # a command named in prose
    ctx = click.Context(cmd, info_name=args[0])
    options = {o: p for p in cmd.get_params(ctx) if isinstance(p, click.Option) for o in p.opts}
    n_arguments = sum(1 for p in cmd.params if isinstance(p, click.Argument))
    problems, given, positional = [], set(), 0
    rest = iter(args[1:])
    for token in rest:
        if not token.startswith("-"):
            positional += 1
            continue
        name, eq, value = token.partition("=")
        opt = options.get(name)
        if opt is None:
            problems.append(f"`{args[0]}` has no option {name}")
            continue
        given.add(opt.name)
        if opt.is_flag:
            continue
        found = value if eq else next(rest, None)
        try:
            opt.type.convert(found, opt, ctx)
        except click.BadParameter as exc:
            problems.append(f"{name}: {exc.message}")
    if positional > n_arguments:
        problems.append(f"`{args[0]}` takes {n_arguments} argument(s), got {positional}")
    if not {"-h", "--help"} & set(args):
        required = [p.opts[-1] for p in cmd.params if isinstance(p, click.Option) and p.required]
        problems += [f"missing required {o}" for o in required if options[o].name not in given]
    return problems


def all_invocations() -> list[tuple[str, list[str]]]:
    return [
        (f"{p.name}: {line}", tokens)
        for p in [*PAGES, ROOT / "README.md"]
        if p.name != "cli.md"  # its text is click's own help
        for line in command_lines(p)
        for tokens in invocations(line)
    ]


def test_the_docs_show_command_lines() -> None:
    assert len(all_invocations()) >= 20  # the extraction itself works


@pytest.mark.parametrize(
    ("where", "tokens"), all_invocations(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_command_lines_use_existing_commands_and_options(where: str, tokens: list[str]) -> None:
    assert not invocation_problems(tokens), f"{where}: {invocation_problems(tokens)}"


@pytest.mark.parametrize(
    "line",
    [
        "leadscore scores -m m.yaml",
        "leadscore score -m m.yaml -c c.csv --output x.csv",
        "leadscore validate --model m.yaml --format yaml",
        "leadscore explain -m m.yaml -c c.csv",
        "leadscore init a b",
        "leadscore demo --contacts 5",
    ],
)
def test_the_command_line_check_catches_mistakes(line: str) -> None:
    assert invocation_problems(shlex.split(line))


# (g) console examples run as shown -------------------------------------------------------------


def console_pages() -> list[Path]:
    return [p for p in PAGES if any(b.lang == "console" for b in blocks(p))]


def _normalise(text: str) -> str:
    text = re.sub(r" in [0-9]+(\.[0-9]+)? s\b", " in N s", text)
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


@pytest.mark.parametrize("page", console_pages(), ids=lambda p: p.name)
def test_console_examples_print_what_the_page_shows(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for b in blocks(page):
        if (name := b.option("file")) is not None:
            (tmp_path / name).write_text(b.body, encoding="utf-8")
    runner = CliRunner()
    for b in blocks(page):
        if b.lang != "console":
            continue
        for chunk in re.split(r"^\$ ", b.body, flags=re.MULTILINE)[1:]:
            command, _, expected = chunk.partition("\n")
            args = shlex.split(command)
            assert args[0] == "leadscore", f"{page.name}:{b.line}: only leadscore commands run here"
            result = runner.invoke(cli, args[1:], prog_name="leadscore")
            shown = result.stdout + result.stderr  # as on a terminal: each command writes stdout first
            assert _normalise(shown) == _normalise(expected), f"{page.name}:{b.line}: $ {command}"
