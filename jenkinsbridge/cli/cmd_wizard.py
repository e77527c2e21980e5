"""`jenkinsbridge wizard`: detect the project, ask (or take defaults or an answers file),
show a summary, then write jenkinsbridge.yaml, the remembered answers and the rendered
job. The files are written all together or not at all (fsutil.commit_files), so an
interrupted run leaves nothing half-written; an existing file that would change is only
replaced after asking (or with --force)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from jenkinsbridge import __version__
from jenkinsbridge.cli.result import Result
from jenkinsbridge.errors import JenkinsbridgeError, SpecError, UsageError
from jenkinsbridge.fsutil import commit_files
from jenkinsbridge.render import render_spec
from jenkinsbridge.spec import load_spec_text
from jenkinsbridge.spec.models import LANGUAGES
from jenkinsbridge.spec.schema import spec_schema

SPEC_FILE = "jenkinsbridge.yaml"
SCHEMA_FILE = ".jenkinsbridge.schema.json"


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "wizard", parents=[common], help="create jenkinsbridge.yaml by answering questions",
        description="Detect the project's language, build tool and git remote, ask the questions "
                    "that apply, then write OUT/jenkinsbridge.yaml and render the job into OUT. "
                    "Existing files are only replaced after asking (or with --force).",
    )
    p.add_argument("project", nargs="?", default=".", type=Path, metavar="PROJECT",
                   help="the project directory to detect (default: the current directory)")
    p.add_argument("-o", "--out", type=Path, default=Path("."), metavar="DIR",
                   help="where jenkinsbridge.yaml and the rendered job go (default: .)")
    p.add_argument("--language", choices=LANGUAGES, help="use this language, not the detected one")
    p.add_argument("--defaults", action="store_true",
                   help="ask nothing: accept detection, remembered answers and defaults")
    p.add_argument("--answers", type=Path, metavar="FILE",
                   help="ask nothing: take answers from this YAML file, defaults for the rest")
    p.add_argument("--force", action="store_true", help="replace existing files without asking")
    p.set_defaults(handler=run)


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def run(args: argparse.Namespace) -> Result:
    from jenkinsbridge.wizard.answers import (
        ANSWERS_FILE,
        FileAsker,
        dump_answers,
        load_answers,
        unused_answers,
    )
    from jenkinsbridge.wizard.flow import DefaultsAsker, run_wizard
    from jenkinsbridge.wizard.prompts import TerminalAsker

    project: Path = args.project
    out: Path = args.out
    if not project.is_dir():
        raise UsageError(f"{project} is not a directory; give the project's directory")
    if out.exists() and not out.is_dir():
        raise UsageError(f"-o {out} is not a directory")
    asker: Any
    if args.answers is not None:
        asker = FileAsker(load_answers(args.answers))
    elif args.defaults:
        asker = DefaultsAsker()
    elif _interactive():
        asker = TerminalAsker()
    else:
        raise UsageError("no terminal to ask on; pass --defaults (accept what is detected) or "
                         "--answers FILE")
    remembered: dict[str, Any] = {}
    previous = out / ANSWERS_FILE
    if previous.is_file():
        try:
            remembered = load_answers(previous, check_keys=False).values
            asker.note(f"Starting from the answers in {previous}")
        except SpecError as e:
            asker.note(f"Ignoring {previous}: {e}")
    result = run_wizard(project, asker, language=args.language, remembered=remembered)
    if isinstance(asker, FileAsker):
        for line in unused_answers(asker.file, result.questions):
            asker.note(line)
    spec_text = spec_yaml(result.spec)
    spec = load_spec_text(spec_text, str(out / SPEC_FILE))
    rendered = render_spec(spec)
    extra = {
        SPEC_FILE: spec_text,
        ANSWERS_FILE: dump_answers(result.remembered()),
        SCHEMA_FILE: json.dumps(spec_schema(), indent=2, sort_keys=True) + "\n",
    }
    files = {**extra, **rendered.files()}
    state = {rel: _state(out / rel, text) for rel, text in files.items()}
    summary = _summary(result.spec, out, state)
    changed = [rel for rel, s in state.items() if s == "changed"]
    if isinstance(asker, TerminalAsker):
        asker.note(summary)
        if changed and not args.force:
            if not asker.confirm(f"Replace {len(changed)} existing file(s) that would change?",
                                 default=False):
                return Result(text="nothing written", data={"written": []}, exit_code=1)
        elif not asker.confirm("Write these files?", default=True):
            return Result(text="nothing written", data={"written": []}, exit_code=1)
    elif changed and not args.force:
        listing = ", ".join(str(out / rel) for rel in changed[:3])
        raise UsageError(f"{listing}{' ...' if len(changed) > 3 else ''} exist(s) and would change; "
                         "pass --force to replace (nothing written)")
    todo = [rel for rel in files if state[rel] != "unchanged"]
    _commit(out, todo, files)
    done = f"wrote {len(todo)} file(s) into {out}; check with: jenkinsbridge validate {out / SPEC_FILE}"
    if isinstance(asker, TerminalAsker):
        text = done  # the summary is on the screen already
    else:
        notes: list[str] = asker.notes
        text = "\n".join([*notes, "", summary, done] if notes else [summary, done])
    return Result(text=text, data={"spec": result.spec, "out": str(out),
                                   "written": sorted(todo), "unchanged": sorted(set(files) - set(todo)),
                                   "notes": getattr(asker, "notes", [])})


def _state(path: Path, text: str) -> str:
    if not path.exists():
        return "new"
    try:
        return "unchanged" if path.read_bytes() == text.encode("utf-8") else "changed"
    except OSError as e:
        raise UsageError(f"{path} exists and cannot be read ({e.strerror}); move it away") from e


def _commit(out: Path, todo: list[str], files: dict[str, str]) -> None:
    """Write the files in ``todo`` into ``out``, all of them or none (fsutil.commit_files)."""
    try:
        commit_files(out, {rel: files[rel] for rel in todo})
    except OSError as e:
        raise JenkinsbridgeError(f"cannot write into {out}: {e.strerror or e}") from e


class _SpecDumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_SpecDumper.add_representer(str, _str)


def spec_yaml(spec: dict[str, Any]) -> str:
    header = (f"# yaml-language-server: $schema=./{SCHEMA_FILE}\n"
              f"# Written by `jenkinsbridge wizard` (jenkinsbridge {__version__}); edit freely and\n"
              f"# check with `jenkinsbridge validate {SPEC_FILE}`. The schema: `jenkinsbridge schema`.\n")
    body = yaml.dump(spec, Dumper=_SpecDumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=100)
    return header + body


def _summary(spec: dict[str, Any], out: Path, state: dict[str, str]) -> str:
    job = spec["jobs"][0]
    full = f"{job['folder']}/{job['name']}" if job.get("folder") else job["name"]
    src = job["source"]
    trig = job.get("triggers", {})
    lines = ["Summary:",
             f"  job       {full} ({job['language']} {job.get('version', '')})".rstrip(),
             f"  source    {src['url']} (branch {src['branch']}, {src['provider']})",
             "  triggers  " + (", ".join(f"{k} {v}" if v is not True else k for k, v in trig.items())
                               or "none (build by hand)")]
    if "stages" in job:
        lines.append("  stages    " + ", ".join(s["name"] for s in job["stages"]))
    else:
        lines.append(f"  stages    the {job['language']} defaults")
    if "image" in job:
        img = job["image"]
        lines.append(f"  image     {img['registry']}/{img['repository']}:{','.join(img['tags'])}")
    for d in job.get("deploy", []):
        where = d.get("endpoint", "local engine")
        lines.append(f"  deploy    {d['env']}: {d['target']} at {where}, {d['strategy']}, "
                     f"{d['replicas']} replica(s), port {d['port']}"
                     + (f", approval by {d['approval']}" if d.get("approval") else ""))
    if "notify" in job:
        who = [*job["notify"].get("email", [])] + (["DingTalk"] if job["notify"].get("dingtalk") else [])
        lines.append(f"  notify    {', '.join(who)} on {', '.join(job['notify']['when'])}")
    lines.append(f"Files in {out}:")
    lines += [f"  {s:<9} {rel}" for rel, s in state.items()]
    return "\n".join(lines)
