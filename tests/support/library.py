"""Runs shared-library steps in the groovy harness and their sh scripts in a real shell."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from tests.support.groovy import GroovyChecker

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "jenkins-docker" / "shared-library"
HARNESS = Path(__file__).parent / "groovy" / "library_harness.groovy"

# Values that would break out of a naively built shell or Groovy string.
HOSTILE = [
    "it's",
    'say "hi"',
    "${HOME}",
    "$(touch pwned-subst)",
    "`touch pwned-backtick`",
    "back\\slash\\",
    "line1\nline2",
    "a; touch pwned-semicolon && echo x | cat",
    "-leading-dash",
    "  spaced  out  ",
    "\u00fcn\u00efc\u00f8d\u00e9 \u4e2d",
    "'\"'\"'",
    "$JB_JOB",
]

_FAKE_CLI = """#!/bin/sh
# Records its argv, NUL-separated, one file per call.
n=$(ls "$JB_ARGV_DIR" | wc -l)
for a in "$@"; do printf '%s\\0' "$a"; done > "$JB_ARGV_DIR/call-$n"
"""


def run_scenarios(groovy: GroovyChecker, scenarios: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One JVM for all scenarios; one outcome per scenario (events, result, error)."""
    with tempfile.TemporaryDirectory(prefix="jbt-library-") as tmp:
        path = Path(tmp) / "scenarios.json"
        path.write_text(json.dumps(scenarios), encoding="utf-8")
        proc = groovy.run_script(HARNESS, str(LIBRARY), str(path), timeout=300)
    if proc.returncode != 0:
        raise AssertionError(f"harness failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    outcomes: list[dict[str, Any]] = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(outcomes) == len(scenarios)
    return outcomes


def sh_events(outcome: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in outcome["events"] if e["type"] == "sh"]


def run_sh(event: dict[str, Any], workdir: Path) -> list[list[str]]:
    """Run an sh event's script as Jenkins does (sh -xe) with its environment, against a
    fake `jenkinsbridge` on PATH; returns the argv of each jenkinsbridge call."""
    bindir = workdir / "bin"
    argv_dir = workdir / "argv"
    bindir.mkdir(exist_ok=True)
    argv_dir.mkdir(exist_ok=True)
    for old in argv_dir.iterdir():
        old.unlink()
    fake = bindir / "jenkinsbridge"
    fake.write_text(_FAKE_CLI, encoding="utf-8")
    fake.chmod(0o755)
    script = workdir / "script.sh"
    script.write_text(event["script"], encoding="utf-8")
    env = {"PATH": f"{bindir}:{os.environ.get('PATH', '/usr/bin:/bin')}", "HOME": str(workdir),
           "JB_ARGV_DIR": str(argv_dir), **event["env"]}
    proc = subprocess.run(["/bin/sh", "-xe", str(script)], cwd=workdir, env=env, capture_output=True,
                          text=True, timeout=30, check=False)
    assert proc.returncode == 0, proc.stderr
    calls = sorted(argv_dir.iterdir(), key=lambda p: int(p.name.split("-")[1]))
    return [p.read_bytes().decode("utf-8").split("\0")[:-1] for p in calls]
