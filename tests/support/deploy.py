"""Helpers for deploy tests: the test application images, spec files for a deployment
under test, and the teardown that removes exactly what a deployment created."""

from __future__ import annotations

import contextlib
import socket
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "LABEL",
    "PREFIX",
    "AppImages",
    "Run",
    "Target",
    "build_app_images",
    "free_port",
    "remove_deployment",
    "under_load",
    "write_spec",
]

PREFIX = "jbt-deploy"
LABEL = {"io.jenkinsbridge.test": "deploy"}
TESTAPP = Path(__file__).resolve().parent / "testapp"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class AppImages:
    v1: str
    v2: str
    broken: str

    def all(self) -> list[str]:
        return [self.v1, self.v2, self.broken]


def build_app_images(client: Any, base_image: str) -> AppImages:
    """v1 and v2 answer their version; broken answers 500 on /healthz."""
    repo = f"{PREFIX}-app-{uuid.uuid4().hex[:6]}"
    out = {}
    for name, args in (("v1", {}), ("v2", {}), ("broken", {"APP_HEALTHY": "0"})):
        tag = f"{repo}:{name}"
        client.images.build(path=str(TESTAPP), tag=tag, rm=True, labels=LABEL,
                            buildargs={"BASE_IMAGE": base_image, "APP_VERSION": name, **args})
        out[name] = tag
    return AppImages(**out)


@dataclass
class Target:
    """One deployment under test: its spec file, env, published port and name."""

    spec: Path
    env: str
    port: int
    base: str
    job: str

    def args(self, *words: str) -> list[str]:
        return ["deploy", *words, str(self.spec), "--env", self.env]


def write_spec(tmp: Path, *, target: str, strategy: str, base_image: str, **deploy: Any) -> Target:
    job = f"{PREFIX}-{uuid.uuid4().hex[:6]}"
    env = "t"
    port = free_port()
    d: dict[str, Any] = {
        "env": env, "target": target, "strategy": strategy, "replicas": 2, "port": 8080,
        "publish": port, "bind": "127.0.0.1", "router_base_image": base_image,
        "health": {"path": "/healthz", "timeout": 20, "interval": 2},
        "rolling": {"batch": 1, "delay": 1}, "drain": 5,
        "blue_green": {"steps": [10, 50, 100], "step_delay": 2},
        "labels": dict(LABEL),
    }
    d.update(deploy)
    doc = {"version": 1, "jobs": [{
        "name": job, "language": "python", "source": {"url": "https://git.example.com/acme/app.git"},
        "image": {"registry": "127.0.0.1:5000", "repository": "acme/app"}, "deploy": [d]}]}
    path = tmp / f"{job}.yaml"
    path.write_text(yaml.safe_dump(doc))
    return Target(path, env, port, f"{job}-{env}", job)


def remove_deployment(client: Any, base: str) -> None:
    """Remove services, containers, networks and volumes labelled for ``base`` only."""
    flt = {"label": [f"io.jenkinsbridge.deploy={base}"]}
    try:
        for svc in client.services.list(filters=flt):
            svc.remove()
    except Exception:
        pass  # not a swarm manager: no services
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        left = client.containers.list(all=True, filters=flt)
        for c in left:
            with contextlib.suppress(Exception):
                c.remove(force=True)
        if not left:
            break
        time.sleep(0.5)
    for net in client.networks.list(filters=flt):
        for _ in range(20):
            try:
                net.remove()
                break
            except Exception:
                time.sleep(0.5)
    for vol in client.volumes.list(filters=flt):
        with contextlib.suppress(Exception):
            vol.remove(force=True)


@dataclass
class Run:
    """A command run under load: its exit code, output and the load samples."""

    code: int
    out: str
    err: str
    start: float
    end: float
    load: Any

    def versions(self, start: float, end: float) -> set[str]:
        return set(self.load.versions_between(start, end))

    def check_no_failures(self, min_rate: float = 100.0) -> None:
        failed = self.load.failures()
        assert not failed, f"{len(failed)} failed requests, first: {failed[:3]}"
        assert self.load.rate_seen() >= min_rate, f"load ran at {self.load.rate_seen():.0f} req/s only"


def under_load(port: int, command: Any, *, settle: float = 1.0) -> Run:
    """Run ``command()`` (returning code, out, err) while the load loop hits ``port``."""
    from tests.support.load import Load

    with Load(port, rate=150, max_seconds=240) as load:
        time.sleep(settle)
        start = time.time()
        code, out, err = command()
        end = time.time()
        time.sleep(settle)
    return Run(code, out, err, start, end, load)
