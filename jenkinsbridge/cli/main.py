"""The command line: one parser, one table of commands, one error boundary."""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from jenkinsbridge import __version__
from jenkinsbridge.cli.result import Result
from jenkinsbridge.errors import JenkinsbridgeError, SpecError

__all__ = ["build_parser", "main"]

log = logging.getLogger("jenkinsbridge")

# command name -> module with `register(subparsers, common)` and `run(args) -> Result`
COMMANDS: dict[str, str] = {
    "validate": "jenkinsbridge.cli.cmd_validate",
    "render": "jenkinsbridge.cli.cmd_render",
    "schema": "jenkinsbridge.cli.cmd_schema",
    "deploy": "jenkinsbridge.cli.cmd_deploy",
}


def _modules() -> dict[str, ModuleType]:
    return {name: importlib.import_module(path) for name, path in COMMANDS.items()}


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                        help="debug logs on stderr")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="machine-readable output on stdout")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    for mod in _modules().values():
        mod.register(sub, common)
    return parser


class _Parser(argparse.ArgumentParser):
    pass


def _setup_logging(verbosity: int) -> None:
    level = logging.DEBUG if verbosity else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: 0 for --help/--version, 2 for usage errors
        return int(e.code or 0)
    _setup_logging(args.verbose or int(os.environ.get("JB_DEBUG", "0") or 0))
    as_json = bool(args.json)
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
        print(f"jenkinsbridge: internal error: {type(e).__name__}: {e} (rerun with -v for the "
              "traceback)", file=sys.stderr)
        return 1
    result.emit(sys.stdout, as_json=as_json)
    return result.exit_code


def _fail(e: JenkinsbridgeError, as_json: bool, *, lines: list[str],
          problems: list[dict[str, object]] | None = None) -> int:
    log.debug("failed", exc_info=True)
    if as_json:
        payload: dict[str, object] = {"ok": False, "error": str(e), "type": type(e).__name__}
        if problems is not None:
            payload["problems"] = problems
        print(json.dumps(payload, indent=2, sort_keys=True, default=str))
    for line in lines:
        print(line, file=sys.stderr)
    return e.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
