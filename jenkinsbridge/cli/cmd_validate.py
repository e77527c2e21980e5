"""`jenkinsbridge validate SPEC...`: check spec files, report every problem."""

from __future__ import annotations

import argparse
from typing import Any

from jenkinsbridge.cli.result import Result
from jenkinsbridge.spec import load_specs


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("validate", parents=[common], help="check spec files",
                       description="Check spec files; every problem is one line FILE:LINE:COL.")
    p.add_argument("specs", nargs="+", metavar="SPEC")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> Result:
    spec = load_specs(args.specs)
    jobs = [j.full_name for j in spec.jobs]
    return Result(
        text=f"ok: {len(jobs)} job(s) in {len(spec.files)} file(s)",
        data={"ok": True, "files": list(spec.files), "jobs": jobs, "folders": spec.folders()},
    )
