"""Render 10,000 pipeline jobs in folders to disk, side by side with jenkins-job-builder.

Both tools get the same jobs: pipeline from SCM (git URL, branch, credentials, script
path), triggers (SCM polling, timer, GitHub push), build discarder and two parameters,
spread over six languages and 120 folders. jenkinsbridge runs its command line
(`jenkinsbridge render SPEC... -o OUT`, which also writes every Jenkinsfile); JJB runs
`jenkins-jobs test --config-xml -o OUT`. Wall time and peak memory (max RSS) come from
/usr/bin/time for each process.

    python benchmarks/render/bench_render.py [--jobs 10000] [--jjb PATH] [--json]

jenkins-job-builder is not a dependency of jenkinsbridge: install it into a separate
virtualenv and point --jjb at its `jenkins-jobs`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=10_000)
    ap.add_argument("--jjb", default="/tmp/jjb-venv/bin/jenkins-jobs", help="jenkins-jobs executable")
    ap.add_argument("--jenkinsbridge", default=shutil.which("jenkinsbridge") or "jenkinsbridge")
    ap.add_argument("--workdir", type=Path, default=None, help="keep inputs and outputs here")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="jb-bench-render-"))
    work.mkdir(parents=True, exist_ok=True)
    for sub in ("specs", "jjb", "out-jb", "out-jjb"):
        shutil.rmtree(work / sub, ignore_errors=True)
        (work / sub).mkdir()
    js = jobs(args.jobs)
    specs = write_jenkinsbridge_specs(js, work / "specs")
    jjb_file = write_jjb_jobs(js, work / "jjb")

    ours = timed("jenkinsbridge", [args.jenkinsbridge, "render", *map(str, specs), "-o", str(work / "out-jb")],
                 work / "out-jb")
    theirs = timed("jenkins-job-builder", [args.jjb, "--ignore-cache", "test", "--config-xml",
                                           "-o", str(work / "out-jjb"), str(jjb_file)], work / "out-jjb")
    result = {
        "jobs": args.jobs, "folders": len({j.folder for j in js} | {j.folder.split("/")[0] for j in js}),
        "runs": [asdict(ours), asdict(theirs)],
        "speedup": round(theirs.seconds / ours.seconds, 1),
        "cpu_speedup": round(theirs.cpu_seconds / ours.cpu_seconds, 1),
        "user_speedup": round(theirs.user_seconds / ours.user_seconds, 1),
        "load_average": os.getloadavg()[0],
        "memory_ratio": round(ours.peak_mib / theirs.peak_mib, 3),
    }
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{args.jobs} pipeline jobs in {result['folders']} folders, {len(LANGUAGES)} languages")
    print(f"{'tool':<22}{'wall s':>10}{'cpu s':>10}{'user s':>10}{'peak MiB':>12}{'files':>9}")
    for r in (ours, theirs):
        print(f"{r.tool:<22}{r.seconds:>10.2f}{r.cpu_seconds:>10.2f}{r.user_seconds:>10.2f}{r.peak_mib:>12.1f}"
              f"{r.files:>9}")
    print(f"jenkinsbridge is {result['speedup']}x faster (wall; {result['cpu_speedup']}x in CPU time, "
          f"{result['user_speedup']}x in user time) and uses "
          f"{result['memory_ratio']:.2f}x the peak memory of jenkins-job-builder (target: >= 15x, <= 0.25x); "
          f"load average {result['load_average']:.1f}")


if __name__ == "__main__":
    main()
