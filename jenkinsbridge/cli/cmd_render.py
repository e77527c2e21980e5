"""`jenkinsbridge render SPEC... -o OUT`: write Jenkinsfile and config.xml per job."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from jenkinsbridge.cli.result import Result
from jenkinsbridge.errors import OutputError, UsageError
from jenkinsbridge.render import render_spec, write_rendered
from jenkinsbridge.spec import load_specs


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "render", parents=[common], help="render Jenkinsfiles and config.xml files",
        description="Render OUT/<folder>/<job>/{config.xml,Jenkinsfile} and "
                    "OUT/<folder>/config.xml. Nothing is written unless every spec is valid.",
    )
    p.add_argument("specs", nargs="+", metavar="SPEC")
    p.add_argument("-o", "--out", required=True, type=Path, metavar="OUT")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> Result:
    out: Path = args.out
    if out.exists() and not out.is_dir():
        raise UsageError(f"-o {out}: is a file; give a directory to render into")
    spec = load_specs(args.specs)
    result = render_spec(spec)  # everything in memory first: nothing half-written
    try:
        written = write_rendered(result, out)
    except OSError as e:
        where = e.filename or out
        raise OutputError(f"cannot write {where}: {e.strerror or e}", path=str(where)) from e
    files = result.files()
    return Result(
        text=f"rendered {len(result.jobs)} job(s) and {len(result.folders)} folder(s) into "
             f"{args.out} ({len(written)} file(s) changed, {len(files) - len(written)} unchanged)",
        data={"out": str(args.out), "jobs": [j.path for j in result.jobs],
              "folders": [f.path for f in result.folders],
              "written": [str(p) for p in written], "unchanged": len(files) - len(written)},
    )
