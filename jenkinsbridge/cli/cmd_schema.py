"""`jenkinsbridge schema`: the JSON Schema of the spec, for editors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from jenkinsbridge.cli.result import Result
from jenkinsbridge.errors import OutputError
from jenkinsbridge.spec.schema import spec_schema


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("schema", parents=[common], help="print the spec's JSON Schema",
                       description="Print the JSON Schema of jenkinsbridge.yaml (for editors).")
    p.add_argument("-o", "--out", type=Path, help="write to this file instead of stdout")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> Result:
    schema = spec_schema()
    text = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    if args.out:
        try:
            args.out.write_text(text, encoding="utf-8")
        except OSError as e:
            raise OutputError(f"cannot write {args.out}: {e.strerror or e}", path=str(args.out)) from e
        return Result(text=f"wrote {args.out}", data={"out": str(args.out), "schema": schema})
    return Result(text=text, data={"schema": schema})
