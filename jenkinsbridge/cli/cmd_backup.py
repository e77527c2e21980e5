"""`jenkinsbridge backup -o DIR` and `jenkinsbridge restore DIR`: every job's and folder's
config.xml (views included) saved to a directory and put back."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from jenkinsbridge.cli.common import add_connection_args, connect
from jenkinsbridge.cli.result import Result


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    b = sub.add_parser("backup", parents=[common], help="save every job's and folder's config.xml",
                       description="Save the config.xml of every folder and job (folder views are part of "
                                   "them) and the root's list views into a new directory.")
    b.add_argument("-o", "--out", required=True, type=Path, metavar="DIR")
    add_connection_args(b)
    b.set_defaults(handler=run_backup)
    r = sub.add_parser("restore", parents=[common], help="put a backup back on Jenkins",
                       description="Create the items of a backup that are missing, parents first; "
                                   "with --overwrite also rewrite the ones that exist.")
    r.add_argument("directory", type=Path, metavar="DIR")
    r.add_argument("--overwrite", action="store_true", help="rewrite items that exist")
    add_connection_args(r)
    r.set_defaults(handler=run_restore)


def run_backup(args: argparse.Namespace) -> Result:
    res = connect(args).backup(args.out)
    return Result(text=f"saved {len(res.items)} item(s) and {len(res.views)} view(s) to {res.directory}",
                  data={"directory": str(res.directory), "items": res.items, "views": res.views})


def run_restore(args: argparse.Namespace) -> Result:
    res = connect(args).restore(args.directory, overwrite=args.overwrite)
    counts = res.counts()
    summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "nothing to do"
    return Result(text=f"restore from {res.directory}: {summary}",
                  data={"directory": str(res.directory), "results": res.results, "summary": counts})
