"""Fixtures for the provisioner's real tests: the Jenkins double, a test agent image
that speaks the inbound agent's WebSocket handshake, and cleanup by owner label."""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from jenkinsbridge.agents.backends import LABEL_OWNER
from tests.support.jenkins_double import JenkinsDouble

AGENT_DIR = Path(__file__).resolve().parents[2] / "support" / "testagent"
AGENT_IMAGE = "jbt-agents-testagent:latest"


@pytest.fixture(scope="session")
def agent_image(docker_client: Any, base_image: str) -> str:
    docker_client.images.build(path=str(AGENT_DIR), tag=AGENT_IMAGE, buildargs={"BASE_IMAGE": base_image},
                               rm=True, labels={"io.jenkinsbridge.test": "agents"})
    return AGENT_IMAGE


@pytest.fixture
def double() -> Iterator[JenkinsDouble]:
    with JenkinsDouble() as jd:
        yield jd


class Finisher:
    """Completes each running build after ``seconds``, like a short build would."""

    def __init__(self, jd: JenkinsDouble, seconds: float) -> None:
        self.jd, self.seconds = jd, seconds
        self.stop = threading.Event()
        self.paused = threading.Event()
        self.nodes_used: list[str] = []
        self._seen: dict[int, float] = {}
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.wait(0.05):
            if self.paused.is_set():
                continue
            now = time.time()
            for build in self.jd.running():
                first = self._seen.setdefault(id(build), now)
                if now - first >= self.seconds:
                    self.nodes_used.append(build.node)
                    self.jd.finish(build)

    def __enter__(self) -> Finisher:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=5)


@pytest.fixture
def owner(docker_client: Any) -> Iterator[str]:
    """A fresh owner id; every container and service with it is removed at teardown."""
    owner = f"jbt{secrets.token_hex(3)}"
    yield owner
    for c in docker_client.containers.list(all=True, filters={"label": f"{LABEL_OWNER}={owner}"}):
        c.remove(force=True, v=True)
    try:
        for s in docker_client.services.list(filters={"label": f"{LABEL_OWNER}={owner}"}):
            s.remove()
    except Exception:  # not a swarm manager: no services to clean
        pass


def write_config(tmp_path: Path, jd: JenkinsDouble, owner: str, image: str, *, pool: str = "engine",
                 **over: Any) -> Path:
    os.environ["JBT_AGENTS_TOKEN"] = jd.token
    data: dict[str, Any] = {
        "version": 1, "instance": owner, "poll_interval": 0.2, "max_agents": 10,
        "connect_timeout": 60, "grace": 2, "max_age": 600,
        "jenkins": {"url": jd.url, "user": jd.user, "token_env": "JBT_AGENTS_TOKEN"},
        "pool": {"type": pool},
        "templates": [{
            "name": "tst", "labels": ["jbt-linux", "jbt-docker"], "image": image, "pull": "never",
            "cap": 10, "memory": "256m", "cpus": 0.5,
            # the double listens on 127.0.0.1 of this machine: the test agent shares the
            # host network to reach it, which the policy allows only explicitly
            "network": "host", "allow_unsafe": True,
        }],
    }
    data.update(over)
    path = tmp_path / "agents.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def wait_for(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
