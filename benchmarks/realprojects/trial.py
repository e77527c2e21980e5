"""Try jenkinsbridge on real projects: for each, fetch its released source into a cache,
run `jenkinsbridge wizard --defaults` in a fresh copy, then `jenkinsbridge run` in the
language's agent image, and record what happened.

    python benchmarks/realprojects/trial.py [--only NAME|LANG ...] [--cache DIR]
        [--image-prefix PREFIX] [--timeout S] [--json]

One project at a time (each run already uses the cores it can). Progress goes to stderr;
`--json` prints the summary on stdout; the per-project logs and working copies stay in the
cache directory. Exit code 0 when every project ran (whatever its result), 1 when a
project could not be fetched or tried, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import yaml

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.realprojects.fetch import FetchError, fetch
from benchmarks.realprojects.projects import PROJECTS, Project

ROOT = Path(__file__).resolve().parents[2]
TRIAL_LABEL = "io.jenkinsbridge.trial=realprojects"
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "jenkinsbridge-realprojects"
# the test bed's agent images (tests/support/runner.py): air-gapped Debian toolchains
TESTBED_ENV = {"AIRGAP": "1", "BASE_IMAGE": "jenkinsbridge/base:bookworm", "TAG": "latest",
               "OFFLINE": "java-maven go"}


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "jenkinsbridge.cli.main", *args]


def ensure_image(lang: str, prefix: str, build: bool) -> str:
    image = f"{prefix}/agent-{lang}:latest"
    if subprocess.run(["docker", "image", "inspect", image], capture_output=True, check=False).returncode == 0:
        return image
    if not build:
        raise FetchError(f"agent image {image} missing (build it with --build-images)")
    say(f"building {image} as the test bed does")
    certs = " ".join(str(p) for p in sorted(Path("/usr/local/share/ca-certificates").glob("**/*.crt")))
    env = {**os.environ, **TESTBED_ENV, "PREFIX": prefix, "EXTRA_CA_CERTS": certs}
    subprocess.run([str(ROOT / "jenkins-docker" / "agents" / "build"), lang], env=env, check=True,
                   stdout=sys.stderr, timeout=3600)
    return image


def adjust_spec(spec: Path, project: Project) -> list[str]:
    """Apply the project's offline replacements; return what was replaced."""
    if not project.offline:
        return []
    data = yaml.safe_load(spec.read_text())
    done = []
    for stage in data["jobs"][0].get("stages", []):
        if stage["name"] in project.offline:
            stage["run"] = project.offline[stage["name"]]
            done.append(stage["name"])
    spec.write_text(yaml.safe_dump(data, sort_keys=False))
    return done


def _reports(tree: Path, pattern: str) -> list[Path]:
    return sorted(p for p in tree.glob(pattern) if p.is_file())


def _coverage_percent(path: Path, fmt: str) -> float | None:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return None
    if fmt == "jacoco":
        for counter in root.findall("counter"):
            if counter.get("type") == "LINE":
                missed, covered = int(counter.get("missed", 0)), int(counter.get("covered", 0))
                return round(100 * covered / max(1, missed + covered), 1)
        return None
    rate = root.get("line-rate")
    return round(100 * float(rate), 1) if rate is not None else None


def _findings(path: Path, fmt: str) -> int | None:
    try:
        if fmt == "sarif":
            data = json.loads(path.read_text())
            return sum(len(run.get("results", [])) for run in data.get("runs", []))
        return len(ET.parse(path).getroot().findall(".//error"))
    except (ValueError, ET.ParseError):
        return None


def quality(tree: Path, job: dict[str, Any], stages: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What the coverage and lint stages left for recordCoverage and recordIssues."""
    out: dict[str, Any] = {"coverage": [], "lint": []}
    for st in job.get("stages", []):
        result = stages.get(st["name"], {}).get("result", "NOT RUN")
        if cov := st.get("coverage"):
            files = _reports(tree, cov["report"])
            pct = _coverage_percent(files[0], cov.get("format", "cobertura")) if files else None
            out["coverage"].append({"stage": st["name"], "format": cov.get("format", "cobertura"),
                                    "reports": len(files), "line_percent": pct})
        if iss := st.get("issues"):
            files = _reports(tree, iss["report"])
            counts = [_findings(f, iss.get("format", "sarif")) for f in files]
            out["lint"].append({"stage": st["name"], "result": result, "format": iss.get("format"),
                                "reports": len(files), "findings": sum(c or 0 for c in counts)})
        elif st["name"] in ("lint", "vet", "static", "analyse", "analyze"):
            out["lint"].append({"stage": st["name"], "result": result, "format": None, "reports": 0,
                                "findings": None})
    return out


_ROW = re.compile(r"^(\S+)\s+(SUCCESS|FAILURE|UNSTABLE|SKIPPED|ABORTED)\s+(\S+)\s*(.*)$")
_TESTS = re.compile(r"(\d+) tests, (\d+) failures, (\d+) errors, (\d+) skipped")


def table_rows(log: str) -> list[dict[str, Any]]:
    """The stage rows of the summary table `run` prints (on failure its --json carries no
    stages, only the error)."""
    start = log.rfind("\nSTAGE  ")
    if start < 0:
        return []
    rows: list[dict[str, Any]] = []
    for line in log[start + 1:].splitlines()[1:]:
        m = _ROW.match(line)
        if not m:
            break
        row: dict[str, Any] = {"stage": m.group(1), "result": m.group(2),
                               "duration": float(m.group(3).rstrip("s")) if m.group(3) != "-" else 0.0}
        if t := _TESTS.search(m.group(4)):
            row["junit"] = dict(zip(("tests", "failures", "errors", "skipped"), map(int, t.groups()), strict=True))
        rows.append(row)
    return rows


def _run_bounded(cmd: list[str], log: Path, cwd: Path, timeout: float) -> tuple[int | None, str]:
    """Run with stderr to LOG; SIGTERM at the deadline (the runner removes its container)."""
    with log.open("w") as err:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=err, text=True)
        try:
            out, _ = proc.communicate(timeout=timeout)
            return proc.returncode, out
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGTERM)
            try:
                out, _ = proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, _ = proc.communicate()
            return None, out


def try_project(project: Project, args: argparse.Namespace) -> dict[str, Any]:
    res: dict[str, Any] = {"project": project.name, "version": project.version, "language": project.language,
                           "source": project.source, "result": "not tried"}
    t0 = time.monotonic()
    src = fetch(project.kind, project.package, project.fetch_version or project.version, args.cache)
    image = ensure_image(project.language, args.image_prefix, args.build_images)
    slug = project.name.replace("/", "-")
    tree = args.cache / "work" / slug
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(src, tree, symlinks=True)
    logs = args.cache / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    say(f"{project.name}: wizard --defaults")
    wiz = subprocess.run(cli("--json", "wizard", "--defaults", "--force", ".", "-o", "."), cwd=tree,
                         capture_output=True, text=True, timeout=300, check=False)
    (logs / f"{slug}.wizard.json").write_text(wiz.stdout + wiz.stderr)
    if wiz.returncode != 0:
        res.update(result="wizard failed", notes=wiz.stderr.strip()[-400:])
        return res
    wdata = json.loads(wiz.stdout)
    job = wdata["spec"]["jobs"][0]
    res["detected"] = [n for n in wdata.get("notes", []) if n.startswith(("Detected", "  -", "Stages"))]
    res["wizard_language"] = job["language"]
    replaced = adjust_spec(tree / "jenkinsbridge.yaml", project)
    if replaced:
        res["offline_replaced"] = {"stages": replaced, "why": project.why_offline}
        job = yaml.safe_load((tree / "jenkinsbridge.yaml").read_text())["jobs"][0]
    res["stages_run"] = {st["name"]: st["run"] for st in job.get("stages", [])}
    say(f"{project.name}: run in {image} (log {logs / (slug + '.run.log')})")
    cache_args = ["--cache-volume", args.cache_volume] if args.cache_volume else ["--no-cache"]
    code, out = _run_bounded(cli("--json", "run", "jenkinsbridge.yaml", "--image-override", image,
                                 "--name-prefix", "jb-real-", "--label", TRIAL_LABEL, *cache_args),
                             logs / f"{slug}.run.log", tree, args.timeout)
    res["seconds"] = round(time.monotonic() - t0, 1)
    try:
        report = json.loads(out)
    except json.JSONDecodeError:
        report = {}
    rows = report.get("stages") or table_rows((logs / f"{slug}.run.log").read_text(errors="replace"))
    stages = {s["stage"]: s for s in rows}
    res["stages"] = [{"stage": s["stage"], "result": s["result"], "seconds": s["duration"]} for s in rows]
    tests = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for s in rows:
        if j := s.get("junit"):
            for k in tests:
                tests[k] += j[k]
    res["tests"] = tests
    res.update(quality(tree, job, stages))
    if code is None:
        res["result"] = f"timed out after {args.timeout:.0f} s"
    elif code == 0:
        res["result"] = "passed"
    else:
        bad = [s["stage"] for s in report.get("stages", []) if s["result"] not in ("SUCCESS", "SKIPPED")]
        res["result"] = ("failed: " + ", ".join(bad)) if bad else f"run exit {code}"
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", action="append", default=[], help="project name or language (repeatable)")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                    help=f"downloads, copies, logs (default {DEFAULT_CACHE})")
    ap.add_argument("--image-prefix", default="jbt-runner",
                    help="agent images PREFIX/agent-LANG:latest (the test bed's)")
    ap.add_argument("--build-images", action="store_true", help="build a missing agent image as the test bed does")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per project's run (default 900)")
    ap.add_argument("--cache-volume", default=None, help="tools' cache volume for the runs (default: none)")
    ap.add_argument("--json", action="store_true", help="the summary as JSON on stdout")
    args = ap.parse_args(argv)
    chosen = [p for p in PROJECTS if not args.only or p.name in args.only or p.language in args.only]
    if not chosen:
        ap.error("--only matches no project")
    args.cache = args.cache.resolve()
    args.cache.mkdir(parents=True, exist_ok=True)
    results, trouble = [], 0
    for i, project in enumerate(chosen, 1):
        say(f"[{i}/{len(chosen)}] {project.name} {project.version} ({project.language}, {project.source})")
        try:
            res = try_project(project, args)
        except (FetchError, subprocess.SubprocessError, OSError) as e:
            trouble += 1
            res = {"project": project.name, "version": project.version, "language": project.language,
                   "source": project.source, "result": f"not tried: {e}"}
        t = res.get("tests", {})
        say(f"{project.name}: {res['result']}; tests {t.get('tests', 0)} (failed {t.get('failures', 0)}, "
            f"errors {t.get('errors', 0)}, skipped {t.get('skipped', 0)}); {res.get('seconds', '-')} s")
        results.append(res)
    summary = {"projects": results, "cache": str(args.cache)}
    (args.cache / "summary.json").write_text(json.dumps(summary, indent=2))
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        for r in results:
            t = r.get("tests", {})
            print(f"{r['project']:<18} {r['version']:<8} {r['language']:<11} tests {t.get('tests', 0):>5}  "
                  f"{r.get('seconds', '-'):>7} s  {r['result']}")
    return 1 if trouble else 0


if __name__ == "__main__":
    sys.exit(main())
