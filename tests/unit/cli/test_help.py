"""Every command's --help has a description and an example, and each example parses."""

from __future__ import annotations

import shlex

import pytest

from jenkinsbridge.cli.helptext import EXAMPLES
from jenkinsbridge.cli.main import COMMANDS, SUMMARY, build_parser, main


def _paths() -> list[str]:
    return sorted(EXAMPLES)


def test_every_command_has_an_example() -> None:
    assert set(SUMMARY) | set(COMMANDS) <= set(EXAMPLES)


@pytest.mark.parametrize("path", _paths())
def test_help_has_description_and_example(path: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*path.split(), "--help"]) == 0
    out = capsys.readouterr().out
    _usage, _, rest = out.partition("\n\n")
    description = rest.split("\n\n")[0]
    assert description.strip() and not description.lstrip().startswith(("positional", "options")), out
    assert f"example: {EXAMPLES[path]}" in " ".join(out.split())


@pytest.mark.parametrize("path", _paths())
def test_example_parses(path: str) -> None:
    words = shlex.split(EXAMPLES[path])
    words = words[words.index("jenkinsbridge") + 1:]
    build_parser(words).parse_args(words)
