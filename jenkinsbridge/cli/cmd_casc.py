"""`jenkinsbridge casc SPEC... [-o FILE] [--agents CONFIG]`: JCasC YAML for the controller."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from jenkinsbridge.casc.agents import load_agents
from jenkinsbridge.casc.render import LibrarySource, render_casc
from jenkinsbridge.cli.result import Result
from jenkinsbridge.errors import UsageError
from jenkinsbridge.fsutil import write_atomic
from jenkinsbridge.spec import load_specs


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "casc", parents=[common], help="render Jenkins configuration as code (JCasC) for a spec",
        description="Render JCasC YAML with the spec's credentials IDs (secrets as ${NAME} references "
                    "that JCasC reads from /run/secrets/NAME or the environment), the jenkinsbridge "
                    "shared library and, with --agents, docker-plugin clouds for the agent templates.",
    )
    p.add_argument("specs", nargs="+", metavar="SPEC")
    p.add_argument("-o", "--out", type=Path, metavar="FILE", help="write here (default: standard output)")
    p.add_argument("--agents", type=Path, metavar="CONFIG", help="agents config: templates become a docker cloud")
    p.add_argument("--library-remote", metavar="URL", help="git remote of the shared library "
                   "(default: ${JB_LIBRARY_REMOTE}, the controller image's copy)")
    p.add_argument("--library-version", metavar="REF", help="branch or tag (default: ${JB_LIBRARY_VERSION}, main)")
    p.add_argument("--library-credentials", metavar="ID", help="credentials ID for the library's remote")
    p.add_argument("--no-library", action="store_true", help="leave the global library out")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> Result:
    spec = load_specs(args.specs)
    agents = load_agents(args.agents) if args.agents else None
    library = None if args.no_library else LibrarySource(
        remote=args.library_remote, version=args.library_version, credentials=args.library_credentials)
    result = render_casc(spec, agents=agents, library=library)
    data = {"credentials": [{"id": c.id, "kind": c.kind, "used_by": list(c.used_by), "variables": c.variables()}
                            for c in result.credentials],
            "secrets": list(result.variables), "clouds": 1 if agents else 0}
    if args.out is None:
        return Result(text=result.text, data={**data, "yaml": result.text})
    _write(args.out, result.text)
    names = ", ".join(result.variables) or "none"
    return Result(text=f"wrote {args.out}: {len(result.credentials)} credential(s); provide these secrets "
                       f"as /run/secrets/NAME or environment variables: {names}",
                  data={**data, "out": str(args.out)})


def _write(target: Path, text: str) -> None:
    if target.is_dir():
        raise UsageError(f"-o {target} is a directory; give a file name, e.g. {target}/jenkinsbridge.yaml")
    write_atomic(target, text)
