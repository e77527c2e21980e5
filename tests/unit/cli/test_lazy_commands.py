"""The command table is read lazily: `--help` lists every command from SUMMARY, and only
the module of the command that runs is imported."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from jenkinsbridge.cli.main import COMMANDS, SUMMARY, build_parser


def _choices(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    return next(dict(a.choices) for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _helps(parser: argparse.ArgumentParser) -> dict[str, str | None]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {c.dest: c.help for c in action._choices_actions}


def test_summary_matches_the_modules() -> None:
    full = build_parser()
    assert _helps(full) == {name: text for name, (_, text) in SUMMARY.items()}
    assert {entry for entry, _ in SUMMARY.values()} == set(COMMANDS)


def test_lazy_parser_lists_the_same_commands() -> None:
    assert _helps(build_parser(["--help"])) == _helps(build_parser())


def test_only_the_chosen_module_is_imported() -> None:
    code = ("import sys; from jenkinsbridge.cli.main import build_parser; "
            "build_parser(['-v', 'restore', '--help']); "
            "print(sorted(m for m in sys.modules if m.startswith('jenkinsbridge.cli.cmd_')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    # restore lives in cmd_backup; the connection options it shares live in cli/common.py
    assert out.strip() == "['jenkinsbridge.cli.cmd_backup']"


def test_a_command_without_summary_is_imported_to_be_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(COMMANDS, "extra", "jenkinsbridge.cli.cmd_schema")
    monkeypatch.delitem(COMMANDS, "schema")
    monkeypatch.delitem(SUMMARY, "schema")
    parser = build_parser(["validate"])
    assert _helps(parser)["schema"] == "print the spec's JSON Schema"
    assert "--out" in _choices(parser)["schema"].format_help()
