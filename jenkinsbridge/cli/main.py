"""The command line: one parser, one table of commands, one error boundary."""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from jenkinsbridge import __version__
from jenkinsbridge.cli.helptext import describe
from jenkinsbridge.cli.result import Result, failure
from jenkinsbridge.errors import JenkinsbridgeError, SpecError
from jenkinsbridge.redact import redact

__all__ = ["build_parser", "main"]

log = logging.getLogger("jenkinsbridge")

# command name -> module with `register(subparsers, common)` and `run(args) -> Result`;
# a module is imported only when one of its commands runs (or to list a command that
# SUMMARY below lacks)
COMMANDS: dict[str, str] = {
    "validate": "jenkinsbridge.cli.cmd_validate",
    "render": "jenkinsbridge.cli.cmd_render",
    "schema": "jenkinsbridge.cli.cmd_schema",
    "casc": "jenkinsbridge.cli.cmd_casc",
    "wizard": "jenkinsbridge.cli.cmd_wizard",
    "image": "jenkinsbridge.cli.cmd_image",
    "agents": "jenkinsbridge.cli.cmd_agents",
    "sync": "jenkinsbridge.cli.cmd_sync",
    "credentials": "jenkinsbridge.cli.cmd_credentials",
    "backup": "jenkinsbridge.cli.cmd_backup",
    "run": "jenkinsbridge.cli.cmd_run",
    "deploy": "jenkinsbridge.cli.cmd_deploy",
    "artifacts": "jenkinsbridge.cli.cmd_artifacts",
    "plugins": "jenkinsbridge.cli.cmd_plugins",
    "metrics": "jenkinsbridge.cli.cmd_metrics",
}


# what `jenkinsbridge --help` lists without importing the modules:
# command as typed -> (its entry in COMMANDS, one-line help)
SUMMARY: dict[str, tuple[str, str]] = {
    "validate": ("validate", "check spec files"),
    "render": ("render", "render Jenkinsfiles and config.xml files"),
    "schema": ("schema", "print the spec's JSON Schema"),
    "casc": ("casc", "render Jenkins configuration as code (JCasC) for a spec"),
    "wizard": ("wizard", "create jenkinsbridge.yaml by answering questions"),
    "image": ("image", "build, push and prune a job's image"),
    "sync": ("sync", "create or update folders, jobs and views on Jenkins"),
    "credentials": ("credentials", "manage Jenkins credentials"),
    "backup": ("backup", "save every job's and folder's config.xml"),
    "restore": ("backup", "put a backup back on Jenkins"),
    "agents": ("agents", "ephemeral Docker agents for queued builds"),
    "run": ("run", "run a job's stages locally in its agent image"),
    "deploy": ("deploy", "roll an image out, or report on / steer a rollout"),
    "artifacts": ("artifacts", "push build outputs to the registry, pull them back"),
    "plugins": ("plugins", "audit Jenkins plugins for security warnings; plan upgrades"),
    "metrics": ("metrics", "delivery metrics (DORA) from Jenkins builds and deploy history"),
}


def _module(entry: str) -> ModuleType:
    return importlib.import_module(COMMANDS[entry])


def _chosen(argv: Sequence[str]) -> str | None:
    """The COMMANDS entry of the command on the line: its first word that is no option."""
    word = next((a for a in argv if not a.startswith("-")), None)
    if word in SUMMARY:
        return SUMMARY[word][0]
    return word if word in COMMANDS else None


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                        help="debug logs on stderr")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="machine-readable output on stdout")
    return common


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is an exception main() reports (as --json too), and a
    command's positionals and options mix in any order (`push SPEC --job X FILE`): plain
    argparse takes the positionals at the first run of them, so FILE after --job would
    be left over. A command (a parser without subcommands) parses intermixed; parsers
    with subcommands parse as usual and hand the rest to the subcommand."""

    _intermixing = False

    def error(self, message: str) -> NoReturn:
        raise _UsageExit(self.format_usage(), f"{self.prog}: error: {message}")

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        # after `--` every word is a positional; argparse's usual rules keep that
        if self._intermixing or not self._intermixable() or (args is not None and "--" in args):
            return super().parse_known_args(args, namespace)
        self._intermixing = True  # parse_known_intermixed_args calls parse_known_args itself
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._intermixing = False

    def _intermixable(self) -> bool:
        positionals = self._get_positional_actions()
        return bool(positionals) and all(a.nargs not in (argparse.PARSER, argparse.REMAINDER) for a in positionals)


class _UsageExit(Exception):
    def __init__(self, usage: str, message: str) -> None:
        super().__init__(message)
        self.usage = usage
        self.message = message


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with ``argv``, only the module of the command in it is imported and
    every other command is listed by its SUMMARY line."""
    parser = _Parser(
        prog="jenkinsbridge",
        description="Delivery pipelines on Jenkins and Docker from a small spec.",
        epilog="Environment: JENKINS_URL, JENKINS_USER, JENKINS_TOKEN, DOCKER_HOST, "
               "DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, JB_REGISTRY_USERNAME, JB_REGISTRY_PASSWORD. "
               "Exit codes: 0 done, 1 the operation failed, 2 bad input or usage.",
    )
    parser.add_argument("--version", action="version", version=f"jenkinsbridge {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="debug logs on stderr")
    parser.add_argument("--json", action="store_true", default=False,
                        help="machine-readable output on stdout")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    common = _common()
    chosen = _chosen(argv) if argv is not None else None
    summarised = {entry for entry, _ in SUMMARY.values()}
    for entry in COMMANDS:
        if argv is None or entry == chosen or entry not in summarised:
            _module(entry).register(sub, common)
        else:
            for name, (of, text) in SUMMARY.items():
                if of == entry:
                    sub.add_parser(name, help=text, add_help=False)
    describe(parser)
    return parser


class _Redacting(logging.Formatter):
    """Log records without secrets: URL userinfo and tokens are masked (tracebacks too)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class _Logging:
    """Log records on stderr for the length of one command, then the logging setup is
    as it was, so main() can run in-process many times. Warnings always; with -v the
    debug logs of jenkinsbridge, with -vv those of the libraries it uses too."""

    def __init__(self, verbosity: int) -> None:
        self.handler = logging.StreamHandler(sys.stderr)
        self.handler.setFormatter(_Redacting("%(levelname)s %(name)s: %(message)s"))
        self.handler.setLevel(logging.DEBUG if verbosity else logging.WARNING)
        self.logger = logging.getLogger() if verbosity >= 2 else log
        self.verbosity = verbosity
        self.saved_level = self.logger.level

    def __enter__(self) -> None:
        self.logger.addHandler(self.handler)
        if self.verbosity:
            self.logger.setLevel(logging.DEBUG)

    def __exit__(self, *exc: object) -> None:
        self.logger.removeHandler(self.handler)
        self.logger.setLevel(self.saved_level)


class _FewerCollections:
    """A command builds many long-lived objects (a model and a context per job); with the
    default thresholds the cyclic collector walks them over and over, half the time of
    rendering 10,000 jobs. Collect less often for the length of one command."""

    def __enter__(self) -> None:
        self.saved = gc.get_threshold()
        gc.set_threshold(50_000, 20, 100)

    def __exit__(self, *exc: object) -> None:
        gc.set_threshold(*self.saved)


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(argv)
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: 0 for --help/--version
        return int(e.code or 0)
    except _UsageExit as e:
        if "--json" in argv:
            print(failure(e.message, "UsageError"))
        sys.stderr.write(e.usage + redact(e.message) + "\n")
        return 2
    verbosity = args.verbose or (1 if os.environ.get("JB_DEBUG", "") not in ("", "0") else 0)
    with _Logging(verbosity), _FewerCollections():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    as_json = bool(args.json)
    log.debug("jenkinsbridge %s: %s", __version__, args.command)
    try:
        result: Result = args.handler(args)
    except SpecError as e:
        return _fail(e, as_json, lines=e.lines(), problems=[vars(p) for p in e.problems])
    except JenkinsbridgeError as e:
        return _fail(e, as_json, lines=[f"jenkinsbridge: error: {e}"])
    except KeyboardInterrupt:
        print("jenkinsbridge: interrupted", file=sys.stderr)
        return 130
    except Exception as e:
        log.debug("internal error", exc_info=True)
        if as_json:
            print(failure(f"internal error: {type(e).__name__}: {e}", "InternalError"))
        print(redact(f"jenkinsbridge: internal error: {type(e).__name__}: {e} (rerun with -v for "
                     "the traceback)"), file=sys.stderr)
        return 1
    try:
        result.emit(sys.stdout, as_json=as_json)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away (`| head`): no traceback, no more output
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return result.exit_code


def _fail(e: JenkinsbridgeError, as_json: bool, *, lines: list[str],
          problems: list[dict[str, object]] | None = None) -> int:
    log.debug("failed", exc_info=True)
    if as_json:
        print(failure(str(e), type(e).__name__, problems))
    for line in lines:
        print(redact(line), file=sys.stderr)
    return e.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
