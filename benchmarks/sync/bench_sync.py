"""Sync 1,000 pipeline jobs to the Jenkins double: jenkinsbridge beside `jenkins-jobs update`.

Scenarios: first sync (everything created), no-op sync, 10% of the jobs changed.
Figures: HTTP requests the double served, and wall time. For jenkinsbridge the wall time
of the whole command (start-up, spec load, render) and of the sync phase alone (hashing,
listing, planning, writing: the report's ``seconds``). Jenkins Job Builder runs from its
own virtualenv (default /tmp/jjb-venv) on equivalent JJB YAML (same Jenkinsfiles), with
its cache and with ``--ignore-cache``.

    python benchmarks/sync/bench_sync.py [--jobs 1000] [--workers 8] [--latency 0]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from jenkinsbridge.render import render_spec  # noqa: E402
from jenkinsbridge.spec import load_specs  # noqa: E402
from tests.support.jenkins_specs import write_spec  # noqa: E402


class Double:
    """The double in its own process, so it does not share a GIL with the client measured."""

    def __init__(self, latency: float) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.support.jenkins_double", "--latency",
                                      str(latency)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.info: dict[str, str] = json.loads(self.proc.stdout.readline())

    def stats(self) -> dict[str, Any]:
        with urllib.request.urlopen(self.info["url"] + "_double/stats", timeout=10) as r:
            return dict(json.loads(r.read()))

    def reset(self) -> None:
        req = urllib.request.Request(self.info["url"] + "_double/reset", method="POST")
        urllib.request.urlopen(req, timeout=10).close()

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def jjb_yaml(spec: Path, out: Path) -> Path:
    """The same pipeline jobs as JJB YAML: name, description, inline Jenkinsfile, no concurrent builds.
    (JJB formats strings with ``{name}`` variables, so braces are doubled.)"""
    rendered = render_spec(load_specs([spec]))
    jobs = [{"job": {"name": j.path, "project-type": "pipeline", "description": j.job.description or "",
                     "concurrent": False, "sandbox": True,
                     "dsl": j.jenkinsfile.replace("{", "{{").replace("}", "}}")}} for j in rendered.jobs]
    out.write_text(yaml.safe_dump(jobs, sort_keys=False, width=1000), encoding="utf-8")
    return out


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])}... failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return wall, proc.stdout


def run_ours(specs: list[Path], workers: int, latency: float) -> list[dict[str, Any]]:
    d = Double(latency)
    env = {**os.environ, "JENKINS_URL": d.info["url"], "JENKINS_USER": d.info["user"],
           "JENKINS_TOKEN": d.info["token"], "PYTHONPATH": str(ROOT)}
    rows = []
    try:
        for spec in specs:
            d.reset()
            wall, out = timed([sys.executable, "-m", "jenkinsbridge.cli.main", "--json", "sync", str(spec),
                               "--workers", str(workers), "--no-progress"], env)
            report = json.loads(out)
            rows.append({"requests": d.stats()["requests"], "wall": wall, "sync_phase": report["seconds"],
                         "summary": report["summary"]})
        rows.append({"items": d.stats()["items"]})
    finally:
        d.stop()
    return rows


def run_jjb(jjb: str, yamls: list[Path], workers: int, latency: float, *, cache: bool,
            tmp: Path) -> list[dict[str, Any]]:
    d = Double(latency)
    ini = tmp / f"jjb-{'cache' if cache else 'nocache'}.ini"
    ini.write_text("[job_builder]\nignore_cache=False\nupdate=jobs\n\n[jenkins]\n"
                   f"url={d.info['url']}\nuser={d.info['user']}\npassword={d.info['token']}\n"
                   "query_plugins_info=False\n", encoding="utf-8")
    cache_dir = tmp / f"xdg-{'cache' if cache else 'nocache'}"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_dir), "HOME": str(tmp)}
    rows = []
    try:
        for y in yamls:
            d.reset()
            cmd = [jjb, "--conf", str(ini)] + ([] if cache else ["--ignore-cache"]) + [
                "update", "--workers", str(workers), str(y)]
            wall, _ = timed(cmd, env)
            rows.append({"requests": d.stats()["requests"], "wall": wall})
        rows.append({"items": d.stats()["items"]})
    finally:
        d.stop()
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--latency", type=float, default=0.0, help="seconds the double adds to each request")
    ap.add_argument("--jjb", default="/tmp/jjb-venv/bin/jenkins-jobs")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="jb-bench-sync-") as t:
        tmp = Path(t)
        first = write_spec(tmp / "first.yaml", args.jobs, folder=None)
        noop = write_spec(tmp / "noop.yaml", args.jobs, folder=None)
        changed = write_spec(tmp / "changed.yaml", args.jobs, folder=None,
                             changed=set(range(0, args.jobs, 10)))
        ours = run_ours([first, noop, changed], args.workers, args.latency)
        have_jjb = Path(args.jjb).exists()
        results: dict[str, Any] = {"jobs": args.jobs, "workers": args.workers, "latency": args.latency,
                                   "jenkinsbridge": ours}
        if have_jjb:
            yamls = [jjb_yaml(s, tmp / f"{s.stem}.jjb.yaml") for s in (first, noop, changed)]
            results["jjb_cache"] = run_jjb(args.jjb, yamls, args.workers, args.latency, cache=True, tmp=tmp)
            results["jjb_nocache"] = run_jjb(args.jjb, yamls, args.workers, args.latency, cache=False, tmp=tmp)
    print(f"{args.jobs} pipeline jobs, {args.workers} workers, double latency {args.latency * 1000:.0f} ms/request")
    print("jenkinsbridge: 'sync s' is the sync phase (hashing, listing, plan, writes); 'cmd s' the whole command")
    print("ratios: jenkins-jobs figure / jenkinsbridge figure (requests; command wall time)")
    head = f"{'scenario':12} | {'jb req':>6} {'sync s':>7} {'cmd s':>6} |"
    if have_jjb:
        head += (f" {'jjb+cache req':>13} {'s':>6} {'x req':>6} {'x time':>6} |"
                 f" {'jjb-cache req':>13} {'s':>6} {'x req':>6} {'x time':>6}")
    print(head)
    for i, name in enumerate(["first sync", "no-op", "10% changed"]):
        o = ours[i]
        line = f"{name:12} | {o['requests']:6d} {o['sync_phase']:7.2f} {o['wall']:6.2f} |"
        if have_jjb:
            for key in ("jjb_cache", "jjb_nocache"):
                r = results[key][i]
                line += (f" {r['requests']:13d} {r['wall']:6.2f} {r['requests'] / max(o['requests'], 1):6.1f}"
                         f" {r['wall'] / o['wall']:6.1f} |")
        print(line.rstrip("|").rstrip())
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
