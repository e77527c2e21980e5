"""Render 10,000 pipeline jobs in folders to disk, side by side with jenkins-job-builder.

Both tools get the same jobs: pipeline from SCM (git URL, branch, credentials, script
path), triggers (SCM polling, timer, GitHub push), build discarder and two parameters,
spread over six languages and 120 folders. jenkinsbridge runs its command line
(`jenkinsbridge render SPEC... -o OUT`, which also writes every Jenkinsfile); JJB runs
`jenkins-jobs test --config-xml -o OUT`. Wall time and peak memory (max RSS) come from
/usr/bin/time for each process.

    python benchmarks/render/bench_render.py [--jobs 10002] [--files 10] [--runs 3] [--jjb PATH] [--json]

Two JJB sets of the same jobs: one definition per job, and the plain form with one
job-template and a project per job. The tools run alternately, each into a new, empty output
(outputs are deleted after the last run: see fresh_output) and then again into the same
output with nothing changed;
medians are reported with wall, CPU and memory ratios. jenkins-job-builder is not a
dependency of jenkinsbridge: it is installed (6.5.0) into its own virtualenv at --jjb's
location when missing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("java-maven", "node", "php", "python", "go", "cpp")
TEAMS, SUBFOLDERS = 20, 5
JOBS_PER_SPEC = 500


@dataclass(frozen=True)
class Job:
    name: str
    folder: str
    language: str
    provider: str
    poll: str | None
    cron: str | None


def jobs(count: int) -> list[Job]:
    out = []
    for i in range(count):
        team, sub = i % TEAMS, (i // TEAMS) % SUBFOLDERS
        provider = "github" if i % 3 == 0 else "git"
        out.append(Job(
            name=f"svc-{i:05d}", folder=f"team-{team:02d}/area-{sub}", language=LANGUAGES[i % len(LANGUAGES)],
            provider=provider, poll="H/15 * * * *" if provider == "git" else None,
            cron="H 2 * * 1-5" if i % 2 == 0 else None,
        ))
    return out


def _url(j: Job) -> str:
    return f"https://git.example.com/{j.folder.split('/')[0]}/{j.name}.git"


def write_jenkinsbridge_specs(js: list[Job], out: Path) -> list[Path]:
    paths = []
    for start in range(0, len(js), JOBS_PER_SPEC):
        doc: dict[str, Any] = {
            "version": 1,
            "defaults": {"jenkinsfile": "scm", "keep": {"builds": 30, "days": 14},
                         "source": {"branch": "main", "credentials": "git-creds"},
                         "parameters": [{"name": "GOALS", "default": "verify", "description": "what to run"},
                                        {"name": "DEPLOY", "type": "boolean", "default": False}]},
            "jobs": [],
        }
        for j in js[start:start + JOBS_PER_SPEC]:
            triggers: dict[str, Any] = {"push": j.provider == "github"}
            if j.poll:
                triggers["poll"] = j.poll
            if j.cron:
                triggers["cron"] = j.cron
            doc["jobs"].append({
                "name": j.name, "folder": j.folder, "language": j.language,
                "source": {"url": _url(j), "provider": j.provider},
                "triggers": triggers,
            })
        path = out / f"spec-{start // JOBS_PER_SPEC:03d}.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths


def write_jjb_jobs(js: list[Job], out: Path) -> Path:
    folders = sorted({j.folder.split("/")[0] for j in js} | {j.folder for j in js})
    items: list[dict[str, Any]] = [{"job": {"name": f, "project-type": "folder"}} for f in folders]
    for j in js:
        triggers: list[Any] = []
        if j.poll:
            triggers.append({"pollscm": {"cron": j.poll}})
        if j.cron:
            triggers.append({"timed": j.cron})
        if j.provider == "github":
            triggers.append("github")
        items.append({"job": {
            "name": f"{j.folder}/{j.name}", "project-type": "pipeline", "concurrent": False,
            "description": "Managed by jenkinsbridge: edit the spec, not this job.",
            "properties": [{"build-discarder": {"num-to-keep": 30, "days-to-keep": 14}}],
            "parameters": [{"string": {"name": "GOALS", "default": "verify", "description": "what to run"}},
                           {"bool": {"name": "DEPLOY", "default": False}}],
            "triggers": triggers,
            "pipeline-scm": {"scm": [{"git": {"url": _url(j), "branches": ["*/main"],
                                              "credentials-id": "git-creds"}}],
                             "script-path": "Jenkinsfile", "lightweight-checkout": True},
        }})
    path = out / "jobs.yaml"
    path.write_text(yaml.safe_dump(items, sort_keys=False), encoding="utf-8")
    return path


@dataclass(frozen=True)
class Run:
    tool: str
    seconds: float
    cpu_seconds: float  # user + system: less sensitive than wall time to a busy machine
    user_seconds: float  # system time (creating files) varies most when the disk is shared
    peak_mib: float
    files: int


def timed(tool: str, cmd: list[str], out: Path) -> Run:
    stats = out.parent / f"{tool}.time"
    proc = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", str(stats), *cmd],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"{tool} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    wall, user, system, rss_kib = stats.read_text().split()[-4:]
    files = sum(1 for p in out.rglob("*") if p.is_file())
    return Run(tool, float(wall), float(user) + float(system), float(user), int(rss_kib) / 1024, files)


def write_jjb_template_jobs(js: list[Job], out: Path) -> Path:
    """The plain JJB form of the same jobs: one job-template, one project per job."""
    folders = sorted({j.folder.split("/")[0] for j in js} | {j.folder for j in js})
    items: list[dict[str, Any]] = [{"job": {"name": f, "project-type": "folder"}} for f in folders]
    items.append({"job-template": {
        "name": "{folder}/{job}", "project-type": "pipeline", "concurrent": False,
        "description": "Managed by jenkinsbridge: edit the spec, not this job.",
        "properties": [{"build-discarder": {"num-to-keep": 30, "days-to-keep": 14}}],
        "parameters": [{"string": {"name": "GOALS", "default": "verify", "description": "what to run"}},
                       {"bool": {"name": "DEPLOY", "default": False}}],
        "triggers": [{"pollscm": {"cron": "H/15 * * * *"}}],
        "pipeline-scm": {"scm": [{"git": {"url": "{url}", "branches": ["*/main"],
                                          "credentials-id": "git-creds"}}],
                         "script-path": "Jenkinsfile", "lightweight-checkout": True},
    }})
    items += [{"project": {"name": j.name, "job": j.name, "folder": j.folder, "url": _url(j),
                           "jobs": ["{folder}/{job}"]}} for j in js]
    path = out / "jobs.yaml"
    path.write_text(yaml.safe_dump(items, sort_keys=False), encoding="utf-8")
    return path


def ensure_jjb(path: str) -> str:
    """jenkins-jobs at ``path``, or jenkins-job-builder 6.5.0 installed into its own venv there."""
    if Path(path).is_file():
        return path
    venv = Path(path).parent.parent
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "jenkins-job-builder==6.5.0"], check=True)
    return path


def _median(runs: list[Run]) -> Run:
    def mid(values: list[float]) -> float:
        return statistics.median(values)

    return Run(runs[0].tool, mid([r.seconds for r in runs]), mid([r.cpu_seconds for r in runs]),
               mid([r.user_seconds for r in runs]), mid([r.peak_mib for r in runs]), runs[0].files)


def fresh_output(work: Path, name: str) -> Path:
    """An empty output directory that no earlier run used.

    Outputs are not deleted between runs: on ext4 without a journal (this test bed's disk),
    the inode allocator skips inodes freed in the last 60 s, or 360 s while their table block
    is still dirty (``recently_deleted()`` and ``find_inode_bit()`` in fs/ext4/ialloc.c), so
    a run started right after deleting the previous run's 30,000 files and directories scans
    past every one of them for each new inode: 10,000 directories with two 3 KB files each
    took 1.0 s of system time on a quiet disk and 6.7-16 s right after such a delete. The
    run that follows a delete would measure the delete, not the tool.
    """
    out = work / name
    while out.exists():
        out = out.with_name(out.name + "+")
    out.mkdir()
    return out


def _ratios(mine: list[Run], theirs: list[Run], count: int) -> dict[str, Any]:
    ours, jjb = _median(mine), _median(theirs)
    return {
        "runs": [asdict(ours), asdict(jjb)],
        "all_runs": {"jenkinsbridge": [asdict(r) for r in mine], "jenkins-job-builder": [asdict(r) for r in theirs]},
        "speedup": round(jjb.seconds / ours.seconds, 1),
        "cpu_speedup": round(jjb.cpu_seconds / ours.cpu_seconds, 1),
        "memory_ratio": round(ours.peak_mib / jjb.peak_mib, 3),
        "cpu_ms_per_job": {"jenkinsbridge": round(1000 * ours.cpu_seconds / count, 3),
                           "jenkins-job-builder": round(1000 * jjb.cpu_seconds / count, 3)},
    }


def compare(name: str, ours_cmd: list[str], jjb_cmd: list[str], work: Path, runs: int,
            count: int) -> dict[str, Any]:
    """Alternate the two tools ``runs`` times each: a render into a new, empty output, then
    the same render again into that output (nothing changed). Medians and ratios of both."""
    first: dict[str, tuple[list[Run], list[Run]]] = {"jenkinsbridge": ([], []), "jenkins-job-builder": ([], [])}
    for n in range(runs):
        for tool, cmd in (("jenkinsbridge", ours_cmd), ("jenkins-job-builder", jjb_cmd)):
            # a new directory each run; the outputs are deleted only after the last run (see
            # fresh_output)
            out = fresh_output(work, f"out-{'jb' if tool == 'jenkinsbridge' else 'jjb'}-{name[:3]}-{n}")
            argv = [c.replace("{out}", str(out)) for c in cmd]
            empty, again = first[tool]
            empty.append(timed(tool, argv, out))
            again.append(timed(tool, argv, out))
    ours, theirs = first["jenkinsbridge"], first["jenkins-job-builder"]
    return {"set": name, **_ratios(ours[0], theirs[0], count),
            "again": _ratios(ours[1], theirs[1], count), "load_average": round(os.getloadavg()[0], 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=10_002)
    ap.add_argument("--files", type=int, default=10, help="spec files the jobs are spread over")
    ap.add_argument("--runs", type=int, default=3, help="alternating runs per tool (medians)")
    ap.add_argument("--jjb", default="/tmp/jjb-venv/bin/jenkins-jobs",
                    help="jenkins-jobs executable (installed into that venv when missing)")
    ap.add_argument("--jenkinsbridge", default=shutil.which("jenkinsbridge") or "jenkinsbridge")
    ap.add_argument("--workdir", type=Path, default=None, help="keep the inputs here")
    ap.add_argument("--set", choices=("both", "per-job", "template"), default="both",
                    help="which JJB set to compare with (both by default)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    jjb = ensure_jjb(args.jjb)

    work = args.workdir or Path(tempfile.mkdtemp(prefix="jb-bench-render-"))
    work.mkdir(parents=True, exist_ok=True)
    for sub in ("specs", "jjb", "jjb-template"):
        shutil.rmtree(work / sub, ignore_errors=True)
        (work / sub).mkdir()
    js = jobs(args.jobs)
    global JOBS_PER_SPEC
    JOBS_PER_SPEC = -(-args.jobs // args.files)
    specs = write_jenkinsbridge_specs(js, work / "specs")
    ours_cmd = [args.jenkinsbridge, "render", *map(str, specs), "-o", "{out}"]
    sets = []
    chosen = []
    if args.set in ("both", "per-job"):
        chosen.append(("per-job definitions", write_jjb_jobs(js, work / "jjb")))
    if args.set in ("both", "template"):
        chosen.append(("one job-template", write_jjb_template_jobs(js, work / "jjb-template")))
    for name, jjb_file in chosen:
        jjb_cmd = [jjb, "--ignore-cache", "test", "--config-xml", "-o", "{out}", str(jjb_file)]
        sets.append(compare(name, ours_cmd, jjb_cmd, work, args.runs, args.jobs))
    result = {"jobs": args.jobs, "spec_files": len(specs), "cores": len(os.sched_getaffinity(0)),
              "folders": len({j.folder for j in js} | {j.folder.split("/")[0] for j in js}), "sets": sets}
    for out in work.glob("out-*"):  # after every run (see fresh_output)
        shutil.rmtree(out, ignore_errors=True)
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{args.jobs} pipeline jobs in {result['folders']} folders, {len(specs)} spec files, "
          f"medians of {args.runs} alternating runs")
    for s in sets:
        print(f"\nJJB set: {s['set']} (load average {s['load_average']})")
        for case, c in (("into a new, empty output", s), ("again into that output, nothing changed", s["again"])):
            print(f"  {case}")
            print(f"  {'tool':<22}{'wall s':>10}{'cpu s':>10}{'user s':>10}{'cpu ms/job':>12}{'peak MiB':>12}"
                  f"{'files':>9}")
            for r in c["runs"]:
                print(f"  {r['tool']:<22}{r['seconds']:>10.2f}{r['cpu_seconds']:>10.2f}{r['user_seconds']:>10.2f}"
                      f"{1000 * r['cpu_seconds'] / args.jobs:>12.3f}{r['peak_mib']:>12.1f}{r['files']:>9}")
            print(f"  jenkinsbridge: {c['speedup']}x faster in wall time, {c['cpu_speedup']}x in CPU time, "
                  f"{c['memory_ratio']:.2f}x the peak memory (targets: >= 8x, <= 0.25x)")


if __name__ == "__main__":
    main()
