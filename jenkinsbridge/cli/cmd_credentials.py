"""`jenkinsbridge credentials apply FILE`: create or update Jenkins credentials."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from jenkinsbridge.cli.common import add_connection_args, connect
from jenkinsbridge.cli.result import Result
from jenkinsbridge.jenkins.credfile import apply_credentials, load_credentials_file


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("credentials", parents=[common], help="manage Jenkins credentials",
                       description="Credentials live on Jenkins; specs only name their IDs.")
    csub = p.add_subparsers(dest="credentials_command", metavar="ACTION")
    csub.required = True
    a = csub.add_parser(
        "apply", parents=[common], help="create or update credentials from a file",
        description="Create or update credentials (username_password, secret_text, ssh_key, certificate, "
                    "secret_file) in the global store or a folder's store. Secret values come from "
                    "{env: NAME} or {file: PATH} entries, never from the file itself or the command line.",
    )
    a.add_argument("file", type=Path, metavar="FILE")
    add_connection_args(a)
    a.set_defaults(handler=run)


def run(args: argparse.Namespace) -> Result:
    specs = load_credentials_file(args.file)  # every value resolved before the first request
    client = connect(args)
    rows = apply_credentials(client.api, specs)
    lines = [f"{r['result']:8} {r['type']:17} {r['id']} in {r['store']}" for r in rows]
    return Result(text="\n".join(lines), data={"credentials": rows})
