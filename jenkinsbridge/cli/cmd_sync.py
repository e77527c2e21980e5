"""`jenkinsbridge sync SPEC...`: put the rendered folders, jobs and views on Jenkins."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from jenkinsbridge.cli.common import add_connection_args, connect
from jenkinsbridge.cli.result import Result
from jenkinsbridge.jenkins import Options
from jenkinsbridge.jenkins.progress import Progress
from jenkinsbridge.redact import redact
from jenkinsbridge.render import render_spec
from jenkinsbridge.spec import load_specs

__all__ = ["add_connection_args", "connect", "register", "run"]  # the first two: cli/common.py

log = logging.getLogger(__name__)


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "sync", parents=[common], help="create or update folders, jobs and views on Jenkins",
        description="Render the specs and make Jenkins match them: missing folders are created, "
                    "jobs and list views created or updated; items are marked as managed and carry a "
                    "content hash, so an unchanged item costs no request. Plugins and credentials the "
                    "written jobs need are checked before anything is written.",
    )
    p.add_argument("specs", nargs="+", metavar="SPEC")
    add_connection_args(p)
    p.add_argument("--dry-run", action="store_true", help="show the plan and a diff per config.xml; write nothing")
    p.add_argument("--prune", action="store_true",
                   help="delete managed jobs, views and folders the specs no longer have")
    p.add_argument("--keep-manual", action="store_true",
                   help="keep items edited on the server since the last sync (default: overwrite with a warning)")
    p.add_argument("--check-drift", action="store_true",
                   help="read every managed job's config.xml to find edits made on the server")
    p.add_argument("--adopt", action="store_true", help="take over existing jobs that are not managed yet")
    p.add_argument("--no-progress", action="store_true", help="no progress output on stderr")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> Result:
    spec = load_specs(args.specs)
    rendered = render_spec(spec)  # everything rendered before the first request
    client = connect(args)
    progress = None if args.no_progress or args.dry_run else Progress(sys.stderr)
    options = Options(prune=args.prune, keep_manual=args.keep_manual, check_drift=args.check_drift,
                      adopt=args.adopt)
    report = client.sync(rendered, options=options, dry_run=args.dry_run, progress=progress)
    for w in report.warnings:
        print(redact(f"jenkinsbridge: warning: {w}"), file=sys.stderr)
    return Result(text=report.text(diffs=args.dry_run, verbose=bool(getattr(args, "verbose", 0))),
                  data=report.to_dict())
