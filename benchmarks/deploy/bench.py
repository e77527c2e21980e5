"""Rollouts side by side, under a steady load on 127.0.0.1 (150 requests/s):

* jenkinsbridge standard, rolling and blue-green, on compose and on swarm;
* plain `docker-compose up -d` and `docker service update --image` of the same change
  (the app published directly, one replica: what those tools do without a router).

For each: seconds from command start until traffic is fully on the new version, the
switch itself (what jenkinsbridge records), the command's own duration and the failed
requests. Run from the repository root: python -m benchmarks.deploy.bench [--only NAME]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docker

from jenkinsbridge.cli.main import main
from tests.support.deploy import (
    AppImages,
    Run,
    build_app_images,
    free_port,
    remove_deployment,
    under_load,
    write_spec,
)
from tests.support.swarm import ensure_swarm

BASE = "jenkinsbridge/base:bookworm"
LABEL = "io.jenkinsbridge.test=deploy-bench"


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def sh(*cmd: str) -> tuple[int, str, str]:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return done.returncode, done.stdout, done.stderr


def fully_new(run: Run, new: str) -> float | None:
    """Seconds from command start until every later answer is the new version."""
    samples = run.load.snapshot()
    last_other = max((s.t for s in samples if s.version != new), default=run.start)
    if not any(s.version == new for s in samples if s.t > last_other):
        return None
    return max(0.0, last_other - run.start)


def row(name: str, run: Run, new: str, switch: float | None) -> dict[str, Any]:
    return {"case": name, "to_new_s": fully_new(run, new), "switch_s": switch,
            "command_s": round(run.end - run.start, 2), "failed": len(run.load.failures()),
            "requests": len(run.load.snapshot()), "rps": round(run.load.rate_seen()), "exit": run.code}


def ours(client: Any, tmp: Path, images: AppImages, target: str, strategy: str) -> dict[str, Any]:
    t = write_spec(tmp, target=target, strategy=strategy, base_image=BASE,
                   replicas=1 if strategy == "standard" else 2)
    try:
        code, _, err = cli(*t.args(), "--image", images.v1)
        if code:
            raise SystemExit(f"setup failed: {err}")
        run = under_load(t.port, lambda: cli("--json", *t.args(), "--image", images.v2))
        rec = json.loads(run.out) if run.code == 0 else {}
        return row(f"jenkinsbridge {strategy} ({target})", run, "v2", rec.get("switch_seconds"))
    finally:
        remove_deployment(client, t.base)


def plain_compose(client: Any, tmp: Path, images: AppImages) -> dict[str, Any]:
    port, project = free_port(), f"jbt-deploy-bench-{uuid.uuid4().hex[:6]}"
    path = tmp / f"{project}.yml"

    def write(image: str) -> None:
        path.write_text(f'version: "2.4"\nservices:\n  app:\n    image: {image}\n    labels: ["{LABEL}"]\n'
                        f'    ports: ["127.0.0.1:{port}:8080"]\n')

    write(images.v1)
    sh("docker-compose", "-p", project, "-f", str(path), "up", "-d")
    time.sleep(2)
    write(images.v2)
    try:
        run = under_load(port, lambda: sh("docker-compose", "-p", project, "-f", str(path), "up", "-d"))
        return row("docker-compose up -d", run, "v2", None)
    finally:
        sh("docker-compose", "-p", project, "-f", str(path), "down", "-t", "2")


def plain_swarm(client: Any, images: AppImages) -> dict[str, Any]:
    port, name = free_port(), f"jbt-deploy-bench-{uuid.uuid4().hex[:6]}"
    sh("docker", "service", "create", "-d", "--name", name, "--label", LABEL, "--container-label", LABEL,
       "--publish", f"mode=host,target=8080,published={port}", "--health-cmd",
       "bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080'", "--health-interval", "2s", images.v1)
    deadline = time.monotonic() + 60
    while sh("curl", "-s", "-m", "1", f"http://127.0.0.1:{port}/")[1].strip() != "v1":
        if time.monotonic() > deadline:
            raise SystemExit("plain swarm service did not start")
        time.sleep(0.5)
    try:
        run = under_load(port, lambda: sh("docker", "service", "update", "--image", images.v2, name))
        time.sleep(3)
        return row("docker service update --image", run, "v2", None)
    finally:
        sh("docker", "service", "rm", name)


CASES: dict[str, Callable[[Any, Path, AppImages], dict[str, Any]]] = {
    "compose-plain": plain_compose,
    "compose-standard": lambda c, t, i: ours(c, t, i, "compose", "standard"),
    "compose-rolling": lambda c, t, i: ours(c, t, i, "compose", "rolling"),
    "compose-blue-green": lambda c, t, i: ours(c, t, i, "compose", "blue-green"),
    "swarm-plain": lambda c, t, i: plain_swarm(c, i),
    "swarm-standard": lambda c, t, i: ours(c, t, i, "swarm", "standard"),
    "swarm-rolling": lambda c, t, i: ours(c, t, i, "swarm", "rolling"),
    "swarm-blue-green": lambda c, t, i: ours(c, t, i, "swarm", "blue-green"),
}


def fmt(v: Any) -> str:
    return "-" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))


def report(rows: list[dict[str, Any]]) -> str:
    cols = ["case", "to_new_s", "switch_s", "command_s", "failed", "requests", "rps", "exit"]
    lines = [" | ".join(cols), " | ".join("---" for _ in cols)]
    lines += [" | ".join(fmt(r[c]) for c in cols) for r in rows]
    by = {r["case"]: r for r in rows}
    for target, plain in (("compose", "docker-compose up -d"), ("swarm", "docker service update --image")):
        base = by.get(plain)
        for strategy in ("rolling", "blue-green"):
            mine = by.get(f"jenkinsbridge {strategy} ({target})")
            if base and mine and base["to_new_s"] and mine["to_new_s"]:
                lines.append(f"{target} {strategy}: {mine['to_new_s'] / base['to_new_s']:.1f}x the time of "
                             f"`{plain}` to full traffic on v2; failed requests {mine['failed']} vs {base['failed']}")
    return "\n".join(lines)


def run_bench(only: list[str] | None) -> list[dict[str, Any]]:
    client = docker.from_env(timeout=300)
    ensure_swarm(client)
    images = build_app_images(client, BASE)
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="jbt-deploy-bench-") as tmp:
            for name, case in CASES.items():
                if only and name not in only:
                    continue
                print(f"... {name}", file=sys.stderr, flush=True)
                rows.append(case(client, Path(tmp), images))
    finally:
        for tag in images.all():
            with contextlib.suppress(Exception):
                client.images.remove(tag, force=True)
    return rows


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", choices=sorted(CASES))
    args = ap.parse_args()
    print(report(run_bench(args.only)))
