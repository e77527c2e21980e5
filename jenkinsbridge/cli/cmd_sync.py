"""`jenkinsbridge sync SPEC...`: put the rendered folders, jobs and views on Jenkins."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from jenkinsbridge.cli.result import Result
from jenkinsbridge.errors import UsageError
from jenkinsbridge.jenkins import Jenkins, Options
from jenkinsbridge.jenkins.progress import Progress
from jenkinsbridge.redact import redact
from jenkinsbridge.render import render_spec
from jenkinsbridge.spec import load_specs

__all__ = ["add_connection_args", "connect", "register", "run"]

log = logging.getLogger(__name__)


def add_connection_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("Jenkins connection (default: JENKINS_URL, JENKINS_USER, JENKINS_TOKEN)")
    g.add_argument("--url", metavar="URL", help="controller URL")
    g.add_argument("--user", metavar="USER", help="user name")
    g.add_argument("--token", metavar="TOKEN",
                   help="API token (discouraged: it shows in the process list; set JENKINS_TOKEN)")
    g.add_argument("--timeout", type=float, default=30.0, metavar="S", help="per request, seconds (30)")
    g.add_argument("--workers", type=int, default=4, metavar="N", help="parallel requests (4)")


def connect(args: argparse.Namespace) -> Jenkins:
    if args.workers < 1 or args.workers > 64:
        raise UsageError(f"--workers {args.workers}: give a number from 1 to 64")
    if args.timeout <= 0:
        raise UsageError(f"--timeout {args.timeout}: give a positive number of seconds")
    if args.token:
        log.warning("--token puts the token in the process list and shell history; set JENKINS_TOKEN instead")
    return Jenkins.from_env(args.url, args.user, args.token, timeout=args.timeout, workers=args.workers)


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
