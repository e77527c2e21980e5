"""What several commands share: the options that say how to reach Jenkins, and the
client made from them (sync, backup, restore, credentials)."""

from __future__ import annotations

import argparse
import logging

from jenkinsbridge.errors import UsageError
from jenkinsbridge.jenkins import Jenkins

__all__ = ["add_connection_args", "connect"]

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
