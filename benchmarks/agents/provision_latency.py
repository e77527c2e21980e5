"""Queue-to-container latency of `jenkinsbridge agents run`, beside a bare `docker run`.

For each of N builds (one at a time, entering the queue at a random moment of the
provisioner's poll cycle) it measures: the agent container's State.StartedAt minus the
moment the build entered the queue. The floor is the same image started directly on the
same engine with the same options: State.StartedAt minus the moment before the run call
(through the SDK, as the provisioner does, and through the `docker run` command line).

Run from the repository root: python benchmarks/agents/provision_latency.py [-n 50]
It needs the Docker engine and the local base image (scripts/build-base-image).
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import docker  # noqa: E402
import yaml  # noqa: E402

from jenkinsbridge.agents.backends import LABEL_OWNER  # noqa: E402
from tests.support.jenkins_double import JenkinsDouble  # noqa: E402

IMAGE = "jbt-agents-testagent:latest"
BASE_IMAGE = os.environ.get("JB_BASE_IMAGE", "jenkinsbridge/base:bookworm")
LABEL = "jbt-bench"


def started_at(client: Any, ref: str) -> float:
    text = client.api.inspect_container(ref)["State"]["StartedAt"]  # RFC 3339, nanoseconds
    head, _, frac = text.rstrip("Z").partition(".")
    whole = datetime.fromisoformat(head + "+00:00").timestamp()
    return whole + float("0." + (frac or "0"))


def pct(values: list[float], p: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def run_kwargs(owner: str) -> dict[str, Any]:
    """What the provisioner passes for the benchmark template (see write_config)."""
    return {"detach": True, "init": True, "network": "host", "mem_limit": 256 * 1024**2,
            "nano_cpus": int(0.5e9), "security_opt": ["no-new-privileges"],
            "labels": {"io.jenkinsbridge.test": "agents", LABEL_OWNER: owner},
            "environment": {"JENKINS_URL": "http://127.0.0.1:9/", "JENKINS_AGENT_NAME": "floor",
                            "JENKINS_SECRET": "00" * 32}}


def floor_sdk(client: Any, n: int, owner: str) -> list[float]:
    out = []
    for i in range(n):
        before = time.time()
        c = client.containers.run(IMAGE, name=f"jbt-agents-bench-floor-{owner}-{i}", **run_kwargs(owner))
        out.append(started_at(client, c.id) - before)
        c.remove(force=True, v=True)
        time.sleep(random.uniform(0.05, 0.3))
    return out


def floor_burst(client: Any, n: int, owner: str) -> list[float]:
    """``n`` containers started at once from threads: the engine's own cost of a burst."""
    from concurrent.futures import ThreadPoolExecutor

    before = time.time()

    def one(i: int) -> str:
        return str(client.containers.run(IMAGE, name=f"jbt-agents-bench-burst-{owner}-{i}",
                                         **run_kwargs(owner)).id)

    with ThreadPoolExecutor(max_workers=n) as pool:
        ids = list(pool.map(one, range(n)))
    out = [started_at(client, cid) - before for cid in ids]
    for cid in ids:
        client.api.remove_container(cid, force=True, v=True)
    return out


def floor_cli(client: Any, n: int, owner: str) -> list[float]:
    out = []
    docker_cli = shutil.which("docker")
    if docker_cli is None:
        return out
    for i in range(n):
        name = f"jbt-agents-bench-cli-{owner}-{i}"
        cmd = [docker_cli, "run", "-d", "--name", name, "--init", "--network", "host", "--memory", "256m",
               "--cpus", "0.5", "--security-opt", "no-new-privileges", "--label", f"{LABEL_OWNER}={owner}",
               "-e", "JENKINS_URL=http://127.0.0.1:9/", "-e", "JENKINS_AGENT_NAME=floor",
               "-e", "JENKINS_SECRET=" + "00" * 32, IMAGE]
        before = time.time()
        subprocess.run(cmd, check=True, capture_output=True)
        out.append(started_at(client, name) - before)
        client.api.remove_container(name, force=True, v=True)
        time.sleep(random.uniform(0.05, 0.3))
    return out


def write_config(path: Path, jd: JenkinsDouble, owner: str, extra: dict[str, Any]) -> None:
    data: dict[str, Any] = {
        "version": 1, "instance": owner, "grace": 30, "max_agents": 60,
        "jenkins": {"url": jd.url, "user": jd.user, "token_env": "JBT_BENCH_TOKEN"},
        "templates": [{"name": "bench", "labels": [LABEL], "image": IMAGE, "pull": "missing", "cap": 60,
                       "memory": "256m", "cpus": 0.5, "network": "host", "allow_unsafe": True}],
        **extra,
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")


def entry_point() -> list[str]:
    script = Path(sys.executable).parent / "jenkinsbridge"
    if script.exists():
        return [str(script)]
    found = shutil.which("jenkinsbridge")
    return [found] if found else [sys.executable, "-m", "jenkinsbridge.cli.main"]


def provisioner(client: Any, n: int, burst: int, owner: str, extra: dict[str, Any],
                workdir: Path) -> tuple[list[float], list[float], str]:
    """Sequential builds (latency of one build at a time), then one burst of ``burst``."""
    seq: list[float] = []
    bursts: list[float] = []
    with JenkinsDouble() as jd:
        os.environ["JBT_BENCH_TOKEN"] = jd.token
        cfg = workdir / f"agents-{owner}.yaml"
        write_config(cfg, jd, owner, extra)
        log = (workdir / f"provisioner-{owner}.log").open("w")
        proc = subprocess.Popen([*entry_point(), "-v", "agents", "run", str(cfg)], stdout=log, stderr=log)
        try:
            time.sleep(2.0)  # start-up (imports, the first sweep)
            for i in range(n):
                time.sleep(random.uniform(0.0, 1.0))  # any moment of the poll cycle
                item = jd.enqueue(f"bench/seq-{i}", LABEL)
                if not jd.wait_for(lambda it=item: it.build is not None, 60):
                    raise SystemExit(f"build {i} did not start; see {log.name}")
                assert item.build is not None
                seq.append(started_at(client, item.build.node) - item.since)
                jd.finish(item.build)
                wait_gone(client, owner)
            items = [jd.enqueue(f"bench/burst-{i}", LABEL) for i in range(burst)]
            if not jd.wait_for(lambda: all(it.build is not None for it in items), 120):
                raise SystemExit(f"burst did not start; see {log.name}")
            for it in items:
                assert it.build is not None
                bursts.append(started_at(client, it.build.node) - it.since)
            for it in items:
                assert it.build is not None
                jd.finish(it.build)
            wait_gone(client, owner)
        finally:
            proc.terminate()
            proc.wait(timeout=60)
            log.close()
    metrics = [ln.strip() for ln in Path(log.name).read_text().splitlines() if "metric " in ln]
    return seq, bursts, metrics[-1] if metrics else "(no metric line)"


def wait_gone(client: Any, owner: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not client.api.containers(all=True, filters={"label": f"{LABEL_OWNER}={owner}"}):
            return
        time.sleep(0.05)
    raise SystemExit("agent containers were not removed")


def build_image(client: Any) -> None:
    client.images.build(path=str(ROOT / "tests" / "support" / "testagent"), tag=IMAGE,
                        buildargs={"BASE_IMAGE": BASE_IMAGE}, rm=True,
                        labels={"io.jenkinsbridge.test": "agents"})


def cleanup(client: Any, owners: list[str]) -> None:
    for owner in owners:
        for c in client.api.containers(all=True, filters={"label": f"{LABEL_OWNER}={owner}"}):
            client.api.remove_container(c["Id"], force=True, v=True)


def line(name: str, values: list[float], floor: float | None = None) -> str:
    p50, p95 = pct(values, 50), pct(values, 95)
    text = f"{name:<34} n={len(values):<3} p50 {p50:6.3f}s  p95 {p95:6.3f}s  max {max(values):6.3f}s"
    if floor is not None:
        text += f"  p50-floor {p50 - floor:+.3f}s  ratio {p50 / floor:4.2f}x"
    return text


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=50, help="builds per measurement (default 50)")
    ap.add_argument("--burst", type=int, default=10, help="builds queued at once afterwards (default 10)")
    ap.add_argument("--config", action="append", default=[], metavar="KEY=VALUE",
                    help="extra agents.yaml setting for the provisioner run (e.g. queue_poll=0.5)")
    args = ap.parse_args()
    extra = {k: yaml.safe_load(v) for k, v in (kv.split("=", 1) for kv in args.config)}
    client = docker.from_env(timeout=120)
    build_image(client)
    owner = f"jbtb{secrets.token_hex(3)}"
    owners = [owner, owner + "f", owner + "c"]
    try:
        with tempfile.TemporaryDirectory(prefix="jbt-agents-bench-") as tmp:
            sdk = floor_sdk(client, args.n, owners[1])
            cli = floor_cli(client, args.n, owners[2])
            burst_floor = floor_burst(client, args.burst, owners[1])
            seq, burst, metric = provisioner(client, args.n, args.burst, owner, extra, Path(tmp))
    finally:
        cleanup(client, owners)
    floor = pct(sdk, 50)
    print(f"engine {client.version().get('Version')}, image {IMAGE}, {os.cpu_count()} CPUs"
          + (f", config {extra}" if extra else ""))
    print(line("floor: docker SDK containers.run", sdk))
    if cli:
        print(line("floor: docker run (CLI)", cli))
    print(line("agents run: queue -> StartedAt", seq, floor))
    print(line(f"floor: {args.burst} SDK runs at once", burst_floor))
    print(line(f"agents run: burst of {args.burst}", burst, pct(burst_floor, 50)))
    p50_ok = pct(seq, 50) - floor <= 0.5
    p95_ok = pct(seq, 95) < 2.0
    print(f"target p50 within 0.5 s of the floor: {'met' if p50_ok else 'MISSED'}; "
          f"p95 under 2 s: {'met' if p95_ok else 'MISSED'}")
    print(f"last provisioner metric line: {metric}")
    return 0 if p50_ok and p95_ok else 1


if __name__ == "__main__":
    sys.exit(main())
