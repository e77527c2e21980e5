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
from pathlib import Path
from typing import Any

import yaml

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks.realprojects.fetch import FetchError, fetch
from benchmarks.realprojects.projects import PROJECTS, Project
from jenkinsbridge.render.languages import job_stages
from jenkinsbridge.spec import load_specs
from jenkinsbridge.spec.models import Stage

ROOT = Path(__file__).resolve().parents[2]
TRIAL_LABEL = "io.jenkinsbridge.trial=realprojects"
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "jenkinsbridge-realprojects"
BASE_IMAGE = os.environ.get("JB_BASE_IMAGE", "jenkinsbridge/base:bookworm")  # as tests/conftest.py


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "jenkinsbridge.cli.main", *args]


def ensure_image(lang: str, args: argparse.Namespace) -> str:
    """The language's agent image as the test bed builds it (tests/support/runner.py:
    air-gapped Debian toolchains on the local base image, offline where the registry is out
    of reach), under --image-prefix; Docker's layer cache makes an up-to-date image a
    matter of seconds. With --no-build the image is taken as it is."""
    image = f"jbt-{args.runner_id}/agent-{lang}:latest"
    if args.no_build:
        return image
    os.environ["JBT_RUNNER_ID"] = args.runner_id  # tests.support.runner names its images after it on import
    from tests.support.runner import IMAGE_PREFIX, AgentImages

    if f"jbt-{args.runner_id}" != IMAGE_PREFIX:  # never rebuild the test suite's own images
        raise FetchError(f"tests.support.runner would build {IMAGE_PREFIX}/..., not jbt-{args.runner_id}/...")

    say(f"agent image {image}: building (cached layers make this quick when current)")
    log_dir = args.cache / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    try:
        built: str = AgentImages(base_image=BASE_IMAGE, log_dir=log_dir).get(lang)
    except AssertionError as e:  # the test bed's builder reports a failed build so
        raise FetchError(f"agent image build failed (log {log_dir / f'build-{lang}.log'})") from e
    return built


def adjust_spec(spec: Path, project: Project) -> list[str]:
    """Apply the project's offline replacements; return what was replaced."""
    if not project.offline:
        return []
    data = yaml.safe_load(spec.read_text())
    job = data["jobs"][0]
    if "stages" not in job:  # the language's defaults, written out to be replaced
        job["stages"] = [st.model_dump(mode="json", exclude_defaults=True) for st in effective_stages(spec)]
    done = []
    for stage in job["stages"]:
        if stage["name"] in project.offline:
            stage["run"] = project.offline[stage["name"]]
            done.append(stage["name"])
    spec.write_text(yaml.safe_dump(data, sort_keys=False))
    return done


def effective_stages(spec: Path) -> list[Stage]:
    """The stages `run` and the Jenkinsfile take for the spec's job (its own or the defaults)."""
    (job,) = load_specs([spec]).jobs
    return job_stages(job)


def _go_vet_findings(tree: Path, report: str) -> int | None:
    """go vet / staticcheck text: one `file:line:col: message` line per finding."""
    from jenkinsbridge.runner.junit import find_reports

    files = find_reports(tree, report)
    if not files:
        return None
    text = (tree / files[0]).read_text(errors="replace")
    return len(re.findall(r"^\S+\.go:\d+:\d+: ", text, re.M))


def quality(tree: Path, spec_stages: list[Stage], results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What the coverage and lint stages left for recordCoverage and recordIssues: line
    coverage in percent and the number of findings (tests.support.runner.quality_figures)."""
    from tests.support.runner import quality_figures

    figures: dict[str, Any] = {}
    for st in spec_stages:  # one stage at a time: an empty or broken report spoils only its own figure
        try:
            figures.update(quality_figures(tree, [st]))
        except (ValueError, SyntaxError, OSError) as e:  # ParseError is a SyntaxError
            say(f"{st.name}: report unreadable ({e})")
    out: dict[str, Any] = {"coverage": [], "lint": []}
    for st in spec_stages:
        result = results.get(st.name, {}).get("result", "NOT RUN")
        if st.coverage:
            out["coverage"].append({"stage": st.name, "format": st.coverage.format,
                                    "line_percent": figures.get(f"coverage {st.name}")})
        if st.issues:
            found = figures.get(f"issues {st.name}")
            if found is None and st.issues.format == "go-vet" and st.issues.report:
                found = _go_vet_findings(tree, st.issues.report)
            out["lint"].append({"stage": st.name, "result": result, "format": st.issues.format,
                                "findings": found})
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
            row["junit"]["files"] = ["?"]
        elif m.group(4).strip() == "no reports":
            row["junit"] = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0, "files": []}
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
    image = ensure_image(job["language"], args)  # the image of the language the wizard chose, as `run` picks
    replaced = adjust_spec(tree / "jenkinsbridge.yaml", project)
    if replaced:
        res["offline_replaced"] = {"stages": replaced, "why": project.why_offline}
    spec_stages = effective_stages(tree / "jenkinsbridge.yaml")
    res["stages_run"] = {st.name: st.run for st in spec_stages}
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
    res.update(quality(tree, spec_stages, stages))
    # `run` counts a stage without a report as passed; the Jenkinsfile's junit step would
    # mark the build UNSTABLE ("wrote no test report")
    no_report = [s["stage"] for s in rows if s.get("junit") is not None and not s["junit"].get("files")
                 and s["result"] == "SUCCESS"]
    if code is None:
        res["result"] = f"timed out after {args.timeout:.0f} s"
    elif code == 0 and no_report:
        res["result"] = f"unstable: {', '.join(no_report)} wrote no test report"
    elif code == 0:
        res["result"] = "passed"
    else:
        bad = [s["stage"] for s in rows if s["result"] not in ("SUCCESS", "SKIPPED")]
        res["result"] = ("failed: " + ", ".join(bad)) if bad else f"run exit {code}"
    return res


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _findings_text(lint: dict[str, Any]) -> str:
    if lint["format"] == "java":
        return "compiler warnings read from the build log"
    return f"{lint['findings']} findings" if lint["findings"] is not None else "no report"


def markdown(results: list[dict[str, Any]]) -> str:
    """The results as the table of docs/templates.md ("Tried on real projects")."""
    rows = ["| project | version | source | language | tests counted | coverage | lint | result | wall s | notes |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    notes = {p.name: p for p in PROJECTS}
    for r in results:
        t = r.get("tests") or {}
        tests = (f"{t['tests']} ({t['failures']} failed, {t['errors']} errors, {t['skipped']} skipped)"
                 if t.get("tests") else "0")
        cov = ", ".join(f"{c['line_percent']} %" if c["line_percent"] is not None else f"{c['stage']}: no report"
                        for c in r.get("coverage", [])) or "—"
        lint = ", ".join(f"{x['stage']} {x['result'].lower()}, " + _findings_text(x) for x in r.get("lint", [])) or "—"
        language = r["language"]
        if r.get("wizard_language") not in (None, language):
            language += f" (wizard: {r['wizard_language']})"
        extra = []
        if off := r.get("offline_replaced"):
            extra.append(f"here: {', '.join(off['stages'])} replaced ({off['why']})")
        if p := notes.get(r["project"]):
            extra.append(p.note)
        rows.append("| " + " | ".join(_cell(c) for c in (
            r["project"], r["version"], r["source"], language, tests, cov, lint, r["result"],
            str(r.get("seconds", "—")), "; ".join(e for e in extra if e))) + " |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", action="append", default=[], help="project name or language (repeatable)")
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                    help=f"downloads, copies, logs (default {DEFAULT_CACHE})")
    ap.add_argument("--runner-id", default="realprojects",
                    help="agent images jbt-ID/agent-LANG:latest, as the test bed names them (default realprojects)")
    ap.add_argument("--no-build", action="store_true",
                    help="take the agent images as they are (default: build them as the test bed does)")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per project's run (default 900)")
    ap.add_argument("--cache-volume", default=None, help="tools' cache volume for the runs (default: none)")
    ap.add_argument("--json", action="store_true", help="the summary as JSON on stdout")
    ap.add_argument("--markdown", action="store_true", help="the results table of docs/templates.md on stdout")
    ap.add_argument("--from-summary", type=Path, default=None,
                    help="print a summary.json of an earlier run (with --json or --markdown), run nothing")
    args = ap.parse_args(argv)
    if args.from_summary:
        results = json.loads(args.from_summary.read_text())["projects"]
        print(markdown(results) if args.markdown else json.dumps(results, indent=2))
        return 0
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
    # summary.json keeps every project's latest result, so a rerun of a few updates it
    path = args.cache / "summary.json"
    kept = json.loads(path.read_text())["projects"] if path.is_file() else []
    fresh = {r["project"] for r in results}
    order = [p.name for p in PROJECTS]
    merged = sorted([r for r in kept if r["project"] not in fresh] + results,
                    key=lambda r: order.index(r["project"]) if r["project"] in order else len(order))
    path.write_text(json.dumps({"projects": merged, "cache": str(args.cache)}, indent=2))
    if args.json:
        print(json.dumps(summary, indent=2))
    elif args.markdown:
        print(markdown(results))
    else:
        for r in results:
            t = r.get("tests", {})
            print(f"{r['project']:<18} {r['version']:<8} {r['language']:<11} tests {t.get('tests', 0):>5}  "
                  f"{r.get('seconds', '-'):>7} s  {r['result']}")
    return 1 if trouble else 0


if __name__ == "__main__":
    sys.exit(main())
