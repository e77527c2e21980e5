"""Summarising 10,000 builds and 1,000 deploys: `jenkinsbridge metrics` after the data
arrived (the Jenkins answer parsed, deploy history records read, the four numbers,
build health, the text, JSON and HTML reports). Target: under 2 s.

The data: JOBS jobs, each with BUILDS/JOBS runs over 90 days (two commits per run, one
run in ten failed) and DEPLOYS/JOBS production deploy records (one in eight failed, a
rollback after one in ten), as Jenkins and the deploy history would give them.

Run from the repository root: python -m benchmarks.metrics.bench [--builds 10000] [--deploys 1000] [--jobs 10]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from typing import Any

from jenkinsbridge.metrics.deploy_source import events_from_history
from jenkinsbridge.metrics.jenkins_source import parse_runs
from jenkinsbridge.metrics.model import DAY, Window
from jenkinsbridge.metrics.render_html import render_html
from jenkinsbridge.metrics.render_text import render_text
from jenkinsbridge.metrics.report import build_report

NOW = 1_800_000_000.0


def jenkins_answer(job: int, runs: int, rnd: random.Random) -> list[dict[str, Any]]:
    """allBuilds as Jenkins answers it, newest first."""
    out = []
    step = 90 * DAY / runs
    for n in range(runs, 0, -1):
        t = NOW - 90 * DAY + n * step
        out.append({"_class": "org.jenkinsci.plugins.workflow.job.WorkflowRun", "number": n,
                    "result": "FAILURE" if rnd.random() < 0.1 else "SUCCESS", "timestamp": int(t * 1000),
                    "duration": rnd.randint(60_000, 900_000), "queueId": job * 100_000 + n,
                    "changeSets": [{"_class": "hudson.plugins.git.GitChangeSetList", "items": [
                        {"commitId": f"{job:04d}{n:06d}{i}".ljust(40, "0"),
                         "timestamp": int((t - rnd.randint(600, 30_000)) * 1000)} for i in range(2)]}]})
    return out


def history(runs: int, deploys: int, rnd: random.Random) -> list[dict[str, Any]]:
    out = []
    step = 90 * DAY / deploys
    for i in range(deploys):
        t = NOW - 90 * DAY + (i + 0.5) * step
        build = max(1, int(runs * (i + 0.5) / deploys))
        failed = rnd.random() < 0.125
        out.append({"id": f"d{i}", "action": "deploy", "result": "failed" if failed else "success",
                    "started": t, "duration": 40.0, "image": f"reg/app:{build}",
                    "build": {"job": "", "number": str(build)}})
        if not failed and rnd.random() < 0.1:
            out.append({"id": f"r{i}", "action": "rollback", "result": "success", "started": t + 900,
                        "duration": 5.0, "image": f"reg/app:{build - 1}", "build": None})
    return out


def once(builds: int, deploys: int, jobs: int) -> tuple[float, dict[str, float], int]:
    rnd = random.Random(7)
    answers = {f"team/app{j}": jenkins_answer(j, builds // jobs, rnd) for j in range(jobs)}
    records = {name: history(builds // jobs, deploys // jobs, rnd) for name in answers}
    for name, recs in records.items():
        for r in recs:
            if r["build"]:
                r["build"]["job"] = name
    parts: dict[str, float] = {}
    t0 = time.perf_counter()
    runs = {name: parse_runs(name, a) for name, a in answers.items()}
    t1 = time.perf_counter()
    events = {name: events_from_history(name, "production", recs) for name, recs in records.items()}
    t2 = time.perf_counter()
    report = build_report([(n, True) for n in answers], "production", Window(NOW - 90 * DAY, NOW), runs, events)
    t3 = time.perf_counter()
    text = render_text(report)
    data = json.dumps(report.as_dict(), sort_keys=True)
    html = render_html(report)
    t4 = time.perf_counter()
    parts.update(parse_builds=t1 - t0, read_history=t2 - t1, compute=t3 - t2, render=t4 - t3)
    return t4 - t0, parts, len(text) + len(data) + len(html)


def write_demo(path: str) -> None:
    rnd = random.Random(11)
    name = "shop/api"
    runs = parse_runs(name, jenkins_answer(1, 400, rnd))
    recs = history(400, 120, rnd)
    for r in recs:
        if r["build"]:
            r["build"]["job"] = name
    events = events_from_history(name, "production", recs)
    report = build_report([(name, True)], "production", Window(NOW - 56 * DAY, NOW), {name: runs}, {name: events})
    report.generated = NOW
    with open(path, "w", encoding="utf-8") as f:
        f.write(render_html(report))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--builds", type=int, default=10_000)
    ap.add_argument("--deploys", type=int, default=1_000)
    ap.add_argument("--jobs", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--html", metavar="FILE", help="also write the HTML report of one job's last 8 weeks "
                                                   "(docs/img/metrics.png is a screenshot of it)")
    a = ap.parse_args()
    if a.html:
        write_demo(a.html)
    totals, size = [], 0
    parts: dict[str, list[float]] = {}
    for _ in range(a.repeat):
        total, p, size = once(a.builds, a.deploys, a.jobs)
        totals.append(total)
        for k, v in p.items():
            parts.setdefault(k, []).append(v)
    print(f"{a.builds} builds, {a.deploys} deploys, {a.jobs} jobs, {a.repeat} runs; output {size} characters")
    for k, v in parts.items():
        print(f"  {k:<14} median {statistics.median(v):.3f} s")
    print(f"  {'total':<14} median {statistics.median(totals):.3f} s, max {max(totals):.3f} s "
          f"(target < 2 s: {'met' if max(totals) < 2 else 'NOT met'})")


if __name__ == "__main__":
    main()
