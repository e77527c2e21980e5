"""`jenkinsbridge plugins audit [--controller | --plugins-txt FILE] [--update-center URL|FILE]`
and `jenkinsbridge plugins upgrade --plugins-txt FILE [--dry-run]`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from jenkinsbridge.cli.result import Result
from jenkinsbridge.errors import UsageError
from jenkinsbridge.fsutil import write_atomic

_UC = ("the update center's data: a URL or a file, update-center.json or update-center.actual.json "
       "(default: JB_UPDATE_CENTER, else the Jenkins project's update center)")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    from jenkinsbridge.cli.common import add_connection_args

    p = sub.add_parser("plugins", help="audit Jenkins plugins for security warnings; plan upgrades",
                       description="Check the controller's plugins against the update center's "
                                   "security warnings and releases, and pin upgrades that clear them.")
    psub = p.add_subparsers(dest="plugins_command", metavar="ACTION")
    psub.required = True
    a = psub.add_parser("audit", parents=[common], help="report active security warnings and outdated plugins",
                        description="Exit 1 when a security warning applies to the core or a plugin.")
    src = a.add_mutually_exclusive_group(required=True)
    src.add_argument("--controller", action="store_true", help="the plugins of a running controller")
    src.add_argument("--plugins-txt", type=Path, metavar="FILE", help="a pinned plugins.txt")
    a.add_argument("--update-center", metavar="URL|FILE", help=_UC)
    a.add_argument("--core", metavar="VERSION", help="the Jenkins version (default: the controller's, "
                   "or the BASE_IMAGE in the Dockerfile beside plugins.txt)")
    add_connection_args(a)
    a.set_defaults(handler=run_audit)
    u = psub.add_parser("upgrade", parents=[common], help="pin upgrades that clear the warnings",
                        description="Write plugins.txt anew with versions that clear the active "
                                    "warnings, dependencies resolved, no release that needs a newer "
                                    "core than the controller image's; print the diff. Exit 1 when "
                                    "a warning cannot be cleared.")
    u.add_argument("--plugins-txt", type=Path, metavar="FILE", required=True)
    u.add_argument("--update-center", metavar="URL|FILE", help=_UC)
    u.add_argument("--core", metavar="VERSION", help="the Jenkins version (default: the BASE_IMAGE "
                   "in the Dockerfile beside plugins.txt)")
    u.add_argument("--dry-run", action="store_true", help="print the diff; write nothing")
    u.set_defaults(handler=run_upgrade)


def _source(args: argparse.Namespace) -> str | None:
    return str(args.update_center or os.environ.get("JB_UPDATE_CENTER") or "") or None


def run_audit(args: argparse.Namespace) -> Result:
    from jenkinsbridge.plugins import audit, load_update_center
    from jenkinsbridge.plugins.sources import check_core, from_controller, from_plugins_txt

    if args.controller:
        from jenkinsbridge.cli.common import connect

        installed = from_controller(connect(args))
        if args.core:
            installed.core = check_core(args.core)
    else:
        installed = from_plugins_txt(args.plugins_txt, args.core)
    uc = load_update_center(_source(args), core=installed.core)
    report = audit(installed.plugins, installed.core, uc, unpinned=installed.unpinned)
    lines = [f"{len(report.warnings)} active security warning(s) for Jenkins {report.core} and "
             f"{len(installed.plugins)} plugins (update center {uc.source})"]
    for w in report.warnings:
        lines.append(f"WARNING {w.warning.id} {w.component} {w.version}: {w.warning.message} {w.warning.url}")
    if report.core_update:
        lines.append(f"core: {report.core} -> {report.core_update} available")
    lines += [f"outdated: {name} {have} -> {new}" for name, have, new in report.outdated]
    if report.unknown:
        lines.append("not in the update center: " + ", ".join(report.unknown))
    if report.unpinned:
        lines.append("not pinned: " + ", ".join(report.unpinned))
    return Result(text="\n".join(lines), data={**report.as_dict(), "update_center": uc.source},
                  exit_code=0 if report.ok else 1)


def run_upgrade(args: argparse.Namespace) -> Result:
    from jenkinsbridge.plugins import load_update_center, plan_upgrade
    from jenkinsbridge.plugins.sources import from_plugins_txt

    installed = from_plugins_txt(args.plugins_txt, args.core)
    txt = installed.txt
    if txt is None:
        raise UsageError(f"{args.plugins_txt}: not a plugins.txt")
    uc = load_update_center(_source(args), core=installed.core)
    plan = plan_upgrade(installed.plugins, installed.core, uc)
    note = f"dependencies added by jenkinsbridge plugins upgrade (Jenkins {plan.core})"
    text = txt.with_versions(plan.versions, note)
    diff = txt.diff(text)
    if diff and not args.dry_run:
        _write(args.plugins_txt, text)
    lines = [diff.rstrip("\n")] if diff else ["no change"]
    lines += [f"cleared {w.warning.id} ({w.component} {w.version})" for w in plan.cleared]
    lines += [f"NOT cleared {w.warning.id} ({w.component} {w.version}): {why} {w.warning.url}"
              for w, why in plan.uncleared]
    written = bool(diff) and not args.dry_run
    return Result(text="\n".join(lines), data={**plan.as_dict(), "diff": diff, "written": written},
                  exit_code=0 if plan.ok else 1)


def _write(path: Path, text: str) -> None:
    write_atomic(path, text, make_parents=False)
