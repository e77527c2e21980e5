"""The command line contract: --version, --help, -v, --json, exit codes 0/1/2."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import jenkinsbridge
from jenkinsbridge.cli import cmd_validate
from jenkinsbridge.cli.main import COMMANDS
from tests.unit.cli.conftest import Run

ROOT = Path(__file__).resolve().parents[3]
SHOP = str(ROOT / "examples" / "shop.yaml")
BAD = str(ROOT / "tests" / "fixtures" / "invalid" / "many_problems_one_job.yaml")
Cli = Callable[..., Run]


def test_version(cli: Cli) -> None:
    r = cli("--version")
    assert (r.code, r.out.strip()) == (0, f"jenkinsbridge {jenkinsbridge.__version__}")


def _actions_of(command: str) -> list[str]:
    """The actions of a command group (`image build|push`), none for a plain command."""
    import argparse

    from jenkinsbridge.cli.main import build_parser

    def subparsers(p: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
        for a in p._actions:
            if isinstance(a, argparse._SubParsersAction):
                return dict(a.choices)
        return {}

    return list(subparsers(subparsers(build_parser())[command]))


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help(cli: Cli, command: str | None) -> None:
    r = cli(*([command] if command else []), "--help")
    assert r.code == 0 and r.out.startswith("usage: jenkinsbridge") and r.err == ""
    actions = _actions_of(command) if command else []
    if actions and "--json" not in r.out:  # a command group: each action speaks the conventions
        for action in actions:
            sub = cli(command, action, "--help")
            assert sub.code == 0 and "--json" in sub.out and "-v" in sub.out, (command, action)
        return
    assert "--json" in r.out and "-v" in r.out
    if command is None:
        assert all(name in r.out for name in COMMANDS) and "Exit codes" in r.out


@pytest.mark.parametrize("argv", [[], ["frobnicate"], ["validate"], ["render", SHOP], ["render", "-o", "x"],
                                  ["validate", SHOP, "--bogus"]])
def test_usage_errors_exit_2(cli: Cli, argv: list[str], tmp_path: Path) -> None:
    r = cli(*argv)
    assert r.code == 2 and "usage: jenkinsbridge" in r.err and r.out == ""
    assert not Path("x").exists()


def test_validate_ok(cli: Cli) -> None:
    r = cli("validate", SHOP)
    assert (r.code, r.out, r.err) == (0, "ok: 3 job(s) in 1 file(s)\n", "")


def test_validate_json(cli: Cli) -> None:
    r = cli("validate", "--json", SHOP)
    assert r.code == 0
    assert json.loads(r.out) == {"ok": True, "files": [SHOP], "folders": ["shop", "shop/frontend"],
                                 "jobs": ["shop/shop-api", "shop/frontend/shop-web", "shop/shop-billing"]}


@pytest.mark.parametrize("command", ["validate", "render"])
def test_json_on_failure_lists_every_problem(cli: Cli, command: str, tmp_path: Path) -> None:
    r = cli("--json", command, BAD, *(["-o", str(tmp_path / "o")] if command == "render" else []))
    assert r.code == 2
    payload = json.loads(r.out)
    assert payload["ok"] is False and payload["type"] == "SpecError"
    assert [(p["line"], p["path"]) for p in payload["problems"]] == [
        (6, "jobs[0].timeout"), (9, "jobs[0].stages[1].name"), (10, "jobs[0].stages[2].needs[0]")]
    assert len(r.err.splitlines()) == 3 and not (tmp_path / "o").exists()


def test_render_and_json(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = cli("render", SHOP, "-o", str(out), "--json")
    assert r.code == 0
    data = json.loads(r.out)
    assert data["jobs"] == ["shop/frontend/shop-web", "shop/shop-api", "shop/shop-billing"]
    assert data["folders"] == ["shop", "shop/frontend"] and data["unchanged"] == 0
    assert sorted(Path(p).relative_to(out).as_posix() for p in data["written"]) == sorted(
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    again = cli("render", SHOP, "-o", str(out))
    assert again.code == 0 and "0 file(s) changed, 8 unchanged" in again.out


def test_render_into_a_file_is_bad_input(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("keep")
    r = cli("render", SHOP, "-o", str(target))
    assert r.code == 2 and r.err == f"jenkinsbridge: error: -o {target}: is a file; give a directory to render into\n"
    assert target.read_text() == "keep"


def test_write_failure_exits_1(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    r = cli("render", SHOP, "-o", str(tmp_path / "file" / "out"))
    assert r.code == 1 and r.err.startswith("jenkinsbridge: error: cannot write ") and len(r.err.splitlines()) == 1


def test_internal_error_is_one_line_exit_1_traceback_with_v(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(args: object) -> None:
        raise RuntimeError("kaputt")

    monkeypatch.setattr(cmd_validate, "load_specs", boom)
    r = cli("validate", SHOP)
    assert r.code == 1 and r.err.splitlines() == [
        "jenkinsbridge: internal error: RuntimeError: kaputt (rerun with -v for the traceback)"]
    r = cli("-v", "validate", SHOP)
    assert r.code == 1 and "Traceback" in r.err and "RuntimeError: kaputt" in r.err


@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_gives_debug_logs_on_stderr(cli: Cli, where: str, tmp_path: Path) -> None:
    argv = ["render", SHOP, "-o", str(tmp_path)]
    r = cli(*(["-v", *argv] if where == "before" else [*argv, "-v"]))
    assert r.code == 0
    assert "DEBUG jenkinsbridge.spec.loader:" in r.err and "DEBUG jenkinsbridge.render.output: wrote 8" in r.err
    assert "DEBUG" not in cli("render", SHOP, "-o", str(tmp_path)).err


def test_missing_file_is_bad_input(cli: Cli, tmp_path: Path) -> None:
    r = cli("validate", str(tmp_path / "nope.yaml"), str(tmp_path))
    assert r.code == 2 and r.err.splitlines() == [
        f"{tmp_path}:1:1: is a directory; give the path of a spec file",
        f"{tmp_path / 'nope.yaml'}:1:1: no such file; give the path of a jenkinsbridge.yaml"]
