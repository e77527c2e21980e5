"""Options and positionals mix in any order, as users type them: `artifacts push SPEC
--job X FILE...` means what `artifacts push --job X SPEC FILE...` means."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from jenkinsbridge.cli.main import build_parser, main


def _parsed(argv: list[str]) -> dict[str, object]:
    found = vars(build_parser(argv).parse_args(argv))
    found.pop("handler", None)
    return found


@pytest.mark.parametrize(("mixed", "plain"), [
    ("artifacts push s.yaml --job X a.txt b.txt", "artifacts push --job X s.yaml a.txt b.txt"),
    ("artifacts push s.yaml a.txt --digest-file d --job X b.txt",
     "artifacts push --job X --digest-file d s.yaml a.txt b.txt"),
    ("render a.yaml -o out b.yaml --prune-stale", "render -o out --prune-stale a.yaml b.yaml"),
    ("validate a.yaml --json b.yaml", "validate --json a.yaml b.yaml"),
    ("sync a.yaml --dry-run b.yaml --url http://j:8080", "sync --dry-run --url http://j:8080 a.yaml b.yaml"),
    ("casc a.yaml -o c.yaml b.yaml", "casc -o c.yaml a.yaml b.yaml"),
    ("metrics a.yaml --since 7d b.yaml", "metrics --since 7d a.yaml b.yaml"),
    ("deploy rollback --env prod a.yaml --to 1.2", "deploy --env prod --to 1.2 rollback a.yaml"),
    ("wizard proj -o out --defaults", "wizard -o out --defaults proj"),
    ("restore dir --overwrite", "restore --overwrite dir"),
])
def test_options_between_and_after_positionals(mixed: str, plain: str) -> None:
    assert _parsed(mixed.split()) == _parsed(plain.split())


def test_files_after_an_option_are_files() -> None:
    args = _parsed(["artifacts", "push", "s.yaml", "--job", "shop/api", "dist/a.whl", "dist/b.tar.gz"])
    assert (args["spec"], args["job"], args["files"]) == ("s.yaml", "shop/api",
                                                          [Path("dist/a.whl"), Path("dist/b.tar.gz")])


def test_after_a_double_dash_every_word_is_a_positional() -> None:
    assert _parsed(["validate", "a.yaml", "--", "-odd.yaml"])["specs"] == ["a.yaml", "-odd.yaml"]


@pytest.mark.parametrize(("argv", "message"), [
    ("validate a.yaml --bogus b.yaml", "unrecognized arguments: --bogus"),
    ("render a.yaml b.yaml", "the following arguments are required: -o/--out"),
    ("artifacts push --job X", "the following arguments are required: SPEC"),
])
def test_usage_errors_still_name_what_is_wrong(argv: str, message: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv.split()) == 2
    assert message in capsys.readouterr().err


def test_every_command_with_positionals_takes_them_among_its_options() -> None:
    """Walk the whole parser: each command (a parser without subcommands) that has
    positionals accepts options after its first positional word."""

    def leaves(p: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
        subs = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            return [p]
        return [leaf for s in subs for sub in dict(s.choices).values() for leaf in leaves(sub)]

    checked = 0
    for leaf in leaves(build_parser()):
        positionals = [a for a in leaf._actions if not a.option_strings]
        if not positionals:
            continue
        words = [f"w{i}-{k}" for i, a in enumerate(positionals) for k in range(2 if a.nargs in ("+", "*") else 1)]
        required = [a for a in leaf._actions if a.option_strings and a.required]
        required += [g._group_actions[0] for g in leaf._mutually_exclusive_groups if g.required]
        options = [w for a in required for w in (a.option_strings[0], *(["1"] if a.nargs != 0 else []))]
        ns, extra = leaf.parse_known_args([words[0], "--json", *options, *words[1:]])
        assert extra == [] and ns.json is True, leaf.prog
        checked += 1
    assert checked >= 15


def test_render_takes_spec_files_on_both_sides_of_the_output(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(
            f"version: 1\njobs:\n  - name: {name}\n    language: go\n"
            f"    source: {{url: 'https://git.example.com/acme/{name}.git'}}\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["render", str(tmp_path / "a.yaml"), "-o", str(out), str(tmp_path / "b.yaml"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["jobs"] == ["a", "b"]
