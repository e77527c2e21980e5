"""The dependency cache across fresh agent containers: run the node sample twice with
`jenkinsbridge run`, each time in a fresh copy of the tree and a fresh container, sharing
one new named cache volume; report per run the install stage's wall time and npm's own
count of registry fetches (`npm_config_loglevel=http`: one `npm http fetch` line per
request, marked `cache miss`, `cache updated`, `cache revalidated`, `cache hit` or `cache stale`).

    python benchmarks/cache/measure.py [--prefer-offline] [--image IMAGE] [--network NAME] [--json] [--keep]

The volume (jb-cachebench-<random>) is removed at the end. Exit code 0 when both runs
passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "samples" / "node"
# the env-file's values are masked in the run's output like credentials, so `http` may show as ****
FETCH = re.compile(r"npm \S+ fetch \S+ \d+ \S+ [\d.]+m?s \(([^)]*)\)")


def count_fetches(log: str) -> dict[str, int]:
    """npm's request lines by their cache mark (`cache miss`: 3, ...)."""
    kinds: dict[str, int] = {}
    for m in FETCH.finditer(log):
        kinds[m.group(1)] = kinds.get(m.group(1), 0) + 1
    return kinds


def network_fetches(kinds: dict[str, int]) -> int:
    """make-fetch-happen: miss, updated (fetched again) and revalidated went to the registry;
    hit and stale (prefer-offline) were served from the cache."""
    return sum(kinds.get(k, 0) for k in ("cache miss", "cache updated", "cache revalidated"))


def one_run(image: str, volume: str, network: str | None, work: Path, n: int,
            prefer_offline: bool) -> dict[str, Any]:
    tree = work / f"run{n}"
    shutil.copytree(SAMPLE, tree)
    env = work / "env"
    env.write_text("npm_config_loglevel=http\n" + ("npm_config_prefer_offline=true\n" if prefer_offline else ""))
    cmd = [sys.executable, "-m", "jenkinsbridge.cli.main", "run", "--json", "--image-override", image,
           "--cache-volume", volume, "--env-file", str(env), str(tree / "jenkinsbridge.yaml")]
    if network:
        cmd[4:4] = ["--network", network]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    report = json.loads(proc.stdout) if proc.stdout.strip() else {}
    stages = {s["stage"]: s for s in report.get("stages", [])}
    kinds = count_fetches(proc.stderr)
    (work / f"run{n}.log").write_text(proc.stderr)
    return {"run": n, "exit": proc.returncode, "install_s": stages.get("install", {}).get("duration"),
            "stages": {k: v.get("result") for k, v in stages.items()}, "fetches": kinds,
            "network_fetches": network_fetches(kinds)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--image", default="jbt-realprojects/agent-node:latest", help="the node agent image")
    ap.add_argument("--network", help="Docker network for the runs (default: the engine's)")
    ap.add_argument("--prefer-offline", action="store_true",
                    help="npm_config_prefer_offline=true: take what the cache holds without asking the registry "
                         "(for a registry or mirror whose responses carry no caching headers)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the trees and run logs (path on stderr)")
    args = ap.parse_args(argv)
    volume = f"jb-cachebench-{uuid.uuid4().hex[:8]}"
    work = Path(tempfile.mkdtemp(prefix="jb-cachebench-"))
    if args.keep:
        print(f"trees and logs: {work}", file=sys.stderr)
    try:
        runs = [one_run(args.image, volume, args.network, work, n, args.prefer_offline) for n in (1, 2)]
    finally:
        subprocess.run(["docker", "volume", "rm", "-f", volume], capture_output=True)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        json.dump({"volume": volume, "prefer_offline": args.prefer_offline, "runs": runs}, sys.stdout, indent=2)
        print()
    else:
        for r in runs:
            print(f"run {r['run']}: exit {r['exit']}, install {r['install_s']} s, "
                  f"{r['network_fetches']} requests to the registry, npm's marks {r['fetches']}, stages {r['stages']}")
    return 0 if all(r["exit"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
