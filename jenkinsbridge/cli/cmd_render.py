"""`jenkinsbridge render SPEC... -o OUT`: write Jenkinsfile and config.xml per job."""

from __future__ import annotations

import argparse
import os
import stat
from pathlib import Path
from typing import Any

from jenkinsbridge.cli.result import Result
from jenkinsbridge.errors import UsageError
from jenkinsbridge.render.output import render_files


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "render", parents=[common], help="render Jenkinsfiles and config.xml files",
        description="Render OUT/<folder>/<job>/{config.xml,Jenkinsfile} and OUT/<folder>/config.xml. "
                    "All or nothing: the files go into a temporary tree next to OUT that replaces OUT "
                    "only when every spec is valid and every file is written. Unchanged files are "
                    "kept as they are; files of an earlier render that no spec produces any more are "
                    "reported as stale.",
        epilog="example: jenkinsbridge render jenkinsbridge.yaml -o jobs/",
    )
    p.add_argument("specs", nargs="+", metavar="SPEC")
    p.add_argument("-o", "--out", required=True, metavar="OUT", help="directory to render into")
    p.add_argument("--prune-stale", action="store_true",
                   help="remove stale files (only those jenkinsbridge wrote: they carry its marker)")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="processes rendering side by side: whole spec files, or slices of one "
                        "file's jobs (default: one per core)")
    p.set_defaults(handler=run)


def _check_out(out: str) -> Path:
    if not out.strip():
        raise UsageError("-o: empty path; give the directory to render into, e.g. -o jobs")
    path = Path(out)
    if not os.path.basename(os.path.abspath(path)):
        raise UsageError(f"-o {out}: give a directory below the root to render into")
    try:
        mode = path.stat().st_mode
    except OSError:  # missing (made by the render) or unreachable (the write reports it)
        return path
    if not stat.S_ISDIR(mode):
        what = "a file" if stat.S_ISREG(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) \
            else "not a directory"
        raise UsageError(f"-o {out}: is {what}; give a directory to render into")
    return path


def run(args: argparse.Namespace) -> Result:
    out = _check_out(args.out)
    if args.workers is not None and not 1 <= args.workers <= 64:
        raise UsageError(f"--workers {args.workers}: give a number from 1 to 64")
    report = render_files(args.specs, out, workers=args.workers, prune_stale=args.prune_stale)
    text = (f"rendered {len(report.jobs)} job(s) and {len(report.folders)} folder(s) into {args.out} "
            f"({len(report.written)} file(s) changed, {report.unchanged} unchanged)")
    if report.stale:
        verb = "removed" if report.pruned else "kept (remove with --prune-stale)"
        text += f"\n{len(report.stale)} stale file(s) from an earlier render, {verb}:\n" + \
            "\n".join(f"  {p}" for p in report.stale)
    return Result(
        text=text,
        data={"out": str(args.out), "jobs": report.jobs, "folders": report.folders,
              "written": [str(out / p) for p in report.written], "unchanged": report.unchanged, "stale": report.stale,
              "pruned": report.pruned},
    )
