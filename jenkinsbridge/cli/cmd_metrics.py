"""`jenkinsbridge metrics SPEC... [--since 30d] [--env production] [--html FILE] [--json]`:
the four delivery numbers and build health from Jenkins and the deploy history."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from jenkinsbridge.cli.common import add_connection_args
from jenkinsbridge.cli.result import Result
from jenkinsbridge.errors import OutputError, UsageError
from jenkinsbridge.fsutil import write_atomic

_SPAN = re.compile(r"^(\d+)([smhd])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "metrics", parents=[common], help="delivery metrics (DORA) from Jenkins builds and deploy history",
        description="Deployment frequency, lead time for changes, change failure rate and time to "
                    "restore per job, with their DORA bands and build health. Builds come from Jenkins "
                    "(JENKINS_URL, JENKINS_USER, JENKINS_TOKEN), deploys from each environment's history "
                    "on its engine. Definitions: docs/metrics.md.",
    )
    p.add_argument("specs", nargs="+", metavar="SPEC")
    p.add_argument("--since", default="30d", metavar="SPAN",
                   help="the window: 30d, 12w, 48h back from now, or a date YYYY-MM-DD (default 30d)")
    p.add_argument("--env", default="production", metavar="E", help="the environment (default production)")
    p.add_argument("--html", type=Path, metavar="FILE", help="also write the report as one HTML file")
    p.add_argument("--fix-window", default="1h", metavar="SPAN",
                   help="a successful deploy this soon after another marks that one failed (default 1h; 0 off)")
    p.add_argument("--max-builds", type=int, default=1000, metavar="N", help="newest runs read per job")
    p.add_argument("--queue-log", type=Path, action="append", default=[], metavar="FILE",
                   help="log of `jenkinsbridge agents run`: queue waits per build (may repeat)")
    p.add_argument("--no-jenkins", action="store_true", help="deploy history only (no lead times, build health)")
    add_connection_args(p)
    p.set_defaults(handler=run)


def parse_span(text: str, flag: str) -> float:
    if text == "0":
        return 0.0
    m = _SPAN.match(text.strip())
    if not m:
        raise UsageError(f"{flag} {text!r}: give a length like 90s, 30m, 1h or 1d")
    return float(int(m.group(1)) * _SECONDS[m.group(2)])


def run(args: argparse.Namespace) -> Result:
    from jenkinsbridge.cli.cmd_deploy import _engine
    from jenkinsbridge.metrics.deploy_source import read_deploys
    from jenkinsbridge.metrics.model import parse_since
    from jenkinsbridge.metrics.render_text import render_text
    from jenkinsbridge.metrics.report import build_report
    from jenkinsbridge.spec import load_specs

    window = parse_since(args.since)
    fix_window = parse_span(args.fix_window, "--fix-window")
    if args.max_builds < 1:
        raise UsageError("--max-builds takes a number >= 1")
    if args.html is not None and args.html.is_dir():
        raise UsageError(f"--html {args.html}: is a directory; give a file name")
    queue_waits = _queue_waits(args.queue_log)
    spec = load_specs(args.specs)
    jobs = [(j.full_name, any(d.env == args.env for d in j.deploy)) for j in spec.jobs]
    builds: dict[str, Any] = {}
    stage_runs: dict[str, Any] = {}
    notes = []
    if args.no_jenkins:
        notes.append("Jenkins not read (--no-jenkins): no lead times or build health")
    else:
        from jenkinsbridge.cli.common import connect
        from jenkinsbridge.metrics.jenkins_source import read_builds
        from jenkinsbridge.metrics.stages import read_stage_runs

        client = connect(args)
        builds = read_builds(client.api, [name for name, _ in jobs], limit=args.max_builds)
        stage_runs = {j.full_name: read_stage_runs(client.api, j.full_name)
                      for j in spec.jobs if j.type == "pipeline"}
        if any(v is None for v in stage_runs.values()):
            notes.append("stage results not available (Jenkins answers no wfapi: the Pipeline Stage View "
                         "plugin is not installed); no flakiest stages")
    deploys = {j.full_name: read_deploys(j, args.env, _engine) for j in spec.jobs}
    report = build_report(jobs, args.env, window, builds, deploys, fix_window=fix_window,
                          queue_waits=queue_waits, stage_runs=stage_runs)
    report.notes += notes
    data = report.as_dict()
    text = render_text(report)
    if args.html is not None:
        from jenkinsbridge.metrics.render_html import render_html

        _write(args.html, render_html(report))
        data["html"] = str(args.html)
        text += f"\nreport written to {args.html}"
    return Result(text=text, data=data)


def _queue_waits(paths: list[Path]) -> dict[int, float]:
    from jenkinsbridge.agents.metrics import parse_queue_to_build

    out: dict[int, float] = {}
    for path in paths:
        try:
            with path.open(encoding="utf-8", errors="replace") as f:
                out.update(parse_queue_to_build(f))
        except OSError as e:
            raise UsageError(f"--queue-log {path}: {e.strerror or e}") from e
    return out


def _write(path: Path, text: str) -> None:
    """Whole or not at all: a temporary file beside the target, then a rename."""
    try:
        write_atomic(path, text)
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror or e}", path=str(path)) from e
