"""The runbooks (docs/runbooks/*.md) against the code they describe, so they cannot drift from it: every
`budgetctl …` command in a code block parses with budgetctl's own parser (subcommand, flags, choices,
required options), every `budgetctl …` in inline code names a subcommand and flags that exist, the
`BUDGETCTL_*` variables are budgetctl's, the license codes the portal answers are all explained, links and
anchors resolve, and each runbook has its sections."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

import pytest

from tessera.licensing.activation import REFUSALS
from tessera.licensing.models import HeartbeatCode, StatusCode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "clients" / "budgetctl"))

from budgetctl import cli  # noqa: E402  (the path above makes the test independent of `make deps`)

RUNBOOKS = ROOT / "docs" / "runbooks"
SECTIONS = ("Назначение", "Когда", "Что нужно", "Шаги", "Как проверить", "Откат", "Эскалация")
CHECKLISTS = ("preflight-checklist.md", "post-deploy-checklist.md")

FENCED = re.compile(r"^ *```[^\n]*\n(.*?)^ *```", re.MULTILINE | re.DOTALL)
INLINE = re.compile(r"`([^`\n]+)`")
# `<клиент>`, `<версия из имени копии>`: a placeholder, not a shell redirection (`< file`, `2>/dev/null`).
PLACEHOLDER = re.compile(r"<(?! )[^<>\n]+(?<! )>")
OPERATORS = {";", "&&", "||", "|", "&"}
REDIRECTIONS = {"<", ">", ">>", "<<", "2>", "&>"}
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} +(.+?) *$", re.MULTILINE)


@dataclass(frozen=True)
class Command:
    source: str  # file:line, for the failure message
    words: list[str]  # what follows `budgetctl`
    complete: bool  # a whole command from a code block, not a fragment quoted in prose


def _words(line: str) -> list[list[str]]:
    """The argument lists of every `budgetctl` invocation on one shell line."""
    lexer = shlex.shlex(PLACEHOLDER.sub("placeholder", line), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        tokens = list(lexer)
    except ValueError:  # unbalanced quotes: not a line budgetctl could be on
        return []
    found, segment = [], []
    for token in [*tokens, ";"]:
        if token not in OPERATORS:
            segment.append(token)
            continue
        while segment and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", segment[0]):  # VAR=value budgetctl …
            segment.pop(0)
        if segment and (segment[0] == "budgetctl" or segment[0].endswith("/bin/budgetctl")):  # not clients/budgetctl
            arguments = segment[1:]
            cut = next((i for i, word in enumerate(arguments) if word in REDIRECTIONS), len(arguments))
            found.append(arguments[:cut])
        segment = []
    return found


def commands_in(markdown: str, name: str) -> list[Command]:
    found = []
    for block in FENCED.finditer(markdown):
        line_number = markdown.count("\n", 0, block.start(1)) + 1
        pending, starts_at = "", line_number
        for offset, line in enumerate(block.group(1).splitlines()):
            if not pending:
                starts_at = line_number + offset
            if line.endswith("\\"):  # continued on the next line
                pending += line[:-1] + " "
                continue
            for words in _words(pending + line):
                found.append(Command(f"{name}:{starts_at}", words, complete=True))
            pending = ""
    prose = FENCED.sub(lambda block: "\n" * block.group(0).count("\n"), markdown)
    for span in INLINE.finditer(prose):
        line = prose.count("\n", 0, span.start()) + 1
        for words in _words(span.group(1)):
            found.append(Command(f"{name}:{line}", words, complete=False))
    return found


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
    return dict(action.choices) if action is not None else {}


def problems_of(command: Command, parser: argparse.ArgumentParser) -> list[str]:
    """What in `command` the CLI does not have; empty when it would be accepted."""
    where = f"{command.source}: budgetctl {' '.join(command.words)}"
    if command.complete:
        stderr = io.StringIO()
        try:
            with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
                parser.parse_args(command.words)
        except SystemExit as exc:
            if exc.code not in (0, None):  # 0: --help
                return [f"{where}: {stderr.getvalue().strip().splitlines()[-1]}"]
        return []
    subcommands = _subcommands(parser)
    if not command.words or command.words[0].startswith("-"):
        return [] if set(command.words) <= {"-h", "--help"} else [f"{where}: no subcommand"]
    subcommand = subcommands.get(command.words[0])
    if subcommand is None:
        return [f"{where}: no subcommand {command.words[0]!r} (there are: {', '.join(subcommands)})"]
    words, name = command.words[1:], command.words[0]
    while _subcommands(subcommand) and words and not words[0].startswith("-"):  # `modules sync`, `agent run`
        nested = _subcommands(subcommand)
        if words[0] not in nested:
            return [f"{where}: no subcommand {name} {words[0]!r} (there are: {', '.join(nested)})"]
        subcommand, name, words = nested[words[0]], f"{name} {words[0]}", words[1:]
    options = {option: action for action in subcommand._actions for option in action.option_strings}
    problems = []
    for position, word in enumerate(words):
        if not word.startswith("-"):
            continue
        flag, _, value = word.partition("=")
        action = options.get(flag)
        if action is None:
            problems.append(f"{where}: {name} has no option {flag}")
            continue
        if not value and position + 1 < len(words) and not words[position + 1].startswith("-"):
            value = words[position + 1]
        if action.choices is not None and value and value != "placeholder" and value not in action.choices:
            problems.append(f"{where}: {flag} takes {', '.join(map(str, action.choices))}, not {value!r}")
    return problems


def _runbooks() -> list[Path]:
    return sorted(RUNBOOKS.glob("*.md"))


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def test_there_are_runbooks_with_budgetctl_commands() -> None:
    names = {path.name for path in _runbooks()}
    assert {"README.md", "backup.md", "restore.md", "certificates.md", "troubleshooting.md",
            *CHECKLISTS} <= names
    complete = [c for path in _runbooks() for c in commands_in(path.read_text(encoding="utf-8"), path.name)
                if c.complete]
    # Each server-side subcommand is shown as a whole command at least once.
    assert {"validate", "prepare", "deploy", "status", "rollback", "render"} <= {c.words[0] for c in complete
                                                                                 if c.words}


@pytest.mark.parametrize("path", _runbooks(), ids=lambda path: path.name)
def test_every_budgetctl_command_is_one_the_cli_has(path: Path) -> None:
    parser = cli._parser()
    commands = commands_in(path.read_text(encoding="utf-8"), path.name)
    assert [problem for command in commands for problem in problems_of(command, parser)] == []


@pytest.mark.parametrize(("markdown", "expected"), [
    ("```sh\nbudgetctl deploy --client acme --version v4.2.0 --force\n```\n", "unrecognized arguments: --force"),
    ("```sh\nbudgetctl rollback --client acme\n```\n", "the following arguments are required: --to"),
    ("```sh\ncd /opt && budgetctl prepare --client <клиент> --format yaml | tee out\n```\n", "invalid choice: 'yaml'"),
    ("Run `budgetctl upgrade --client acme`.\n", "no subcommand 'upgrade'"),
    ("Run `budgetctl modules pull --client acme`.\n", "no subcommand modules 'pull'"),
    ("Run `budgetctl modules sync --force`.\n", "modules sync has no option --force"),
    ("Run `budgetctl status --format json`.\n", "status has no option --format"),
    ("Run `budgetctl validate --format=yaml`.\n", "--format takes text, json, github, not 'yaml'"),
])
def test_the_check_finds_what_the_cli_does_not_have(markdown: str, expected: str) -> None:
    parser = cli._parser()
    problems = [problem for command in commands_in(markdown, "x.md") for problem in problems_of(command, parser)]
    assert len(problems) == 1 and expected in problems[0], problems


def test_the_check_reads_shell_lines_as_a_shell_does() -> None:
    markdown = ("```sh\n"
                "BUDGETCTL_LANG=en budgetctl status --client acme --log-lines 100 > out.txt  # a comment\n"
                "budgetctl rollback --client acme \\\n  --to <версия из имени копии>\n"
                "pip install ./clients/budgetctl && .venv/bin/budgetctl --help\n"
                "$compose run --rm migrate pg_restore --list < backups/<stamp>/database.dump\n"
                "```\n")
    commands = commands_in(markdown, "x.md")
    assert [c.words for c in commands] == [["status", "--client", "acme", "--log-lines", "100"],
                                           ["rollback", "--client", "acme", "--to", "placeholder"], ["--help"]]
    assert [c.source for c in commands] == ["x.md:2", "x.md:3", "x.md:5"]
    parser = cli._parser()
    assert [problem for command in commands for problem in problems_of(command, parser)] == []


def test_budgetctl_variables_are_the_ones_it_reads() -> None:
    source = (ROOT / "clients" / "budgetctl" / "budgetctl" / "cli.py").read_text(encoding="utf-8")
    named = {name for path in _runbooks() for name in re.findall(r"BUDGETCTL_[A-Z_]+", path.read_text("utf-8"))}
    assert named, "the runbooks say how budgetctl finds the bundle"
    assert {name for name in named if f'"{name}"' not in source} == set()


@pytest.mark.parametrize("path", _runbooks(), ids=lambda path: path.name)
def test_links_and_anchors_resolve(path: Path) -> None:
    broken = []
    for target in LINK.findall(path.read_text(encoding="utf-8")):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists() or (anchor and linked.suffix == ".md" and anchor not in {
                _slug(heading) for heading in HEADING.findall(FENCED.sub("", linked.read_text(encoding="utf-8")))}):
            broken.append(target)
    assert broken == []


@pytest.mark.parametrize("path", [p for p in _runbooks() if p.name != "README.md"], ids=lambda path: path.name)
def test_each_runbook_has_its_sections(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    headings = re.findall(r"^## +(.+?) *$", text, re.MULTILINE)
    assert [s for s in SECTIONS if not any(h.startswith(s) for h in headings)] == []
    if path.name in CHECKLISTS:
        assert text.count("- [ ] ") >= 5


def test_the_index_lists_every_runbook() -> None:
    index = (RUNBOOKS / "README.md").read_text(encoding="utf-8")
    linked = set(LINK.findall(index))
    assert [p.name for p in _runbooks() if p.name != "README.md" and p.name not in linked] == []


def test_troubleshooting_names_every_code_the_portal_answers_installations() -> None:
    text = (RUNBOOKS / "troubleshooting.md").read_text(encoding="utf-8")
    codes = {*get_args(StatusCode), *get_args(HeartbeatCode), *REFUSALS}
    assert sorted(code for code in codes if f"`{code}`" not in text) == []
