"""Fixtures for the provisioner's real tests: the Jenkins double, a test agent image
that speaks the inbound agent's WebSocket handshake, and cleanup by owner label."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from jenkinsbridge.agents.backends import LABEL_CREATED, LABEL_NODE, LABEL_OWNER, LABEL_TEMPLATE
from jenkinsbridge.agents.nodes import node_prefix
from tests.support.jenkins_double import JenkinsDouble
from tests.support.runner import IMAGE_PREFIX

AGENT_DIR = Path(__file__).resolve().parents[2] / "support" / "testagent"
AGENT_IMAGE = f"{IMAGE_PREFIX}/agents-testagent:latest"  # per session with JBT_RUNNER_ID


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


def cli_command() -> list[str]:
    """The installed `jenkinsbridge` entry point (next to this Python when in a venv)."""
    script = Path(sys.executable).parent / "jenkinsbridge"
    if script.exists():
        return [str(script)]
    found = shutil.which("jenkinsbridge")
    return [found] if found else [sys.executable, "-m", "jenkinsbridge.cli.main"]


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*cli_command(), *args], capture_output=True, text=True, timeout=timeout)


class AgentsProcess:
    """`jenkinsbridge -v agents run CONFIG` as a child process, its output in a file."""

    def __init__(self, config: Path, log: Path, *extra: str) -> None:
        self.log = log
        self._out = log.open("w", encoding="utf-8")
        self.proc = subprocess.Popen([*cli_command(), "-v", "agents", "run", str(config), *extra],
                                     stdout=self._out, stderr=subprocess.STDOUT)
        self.started = time.time()

    def send(self, sig: int) -> None:
        os.kill(self.proc.pid, sig)

    def wait(self, timeout: float) -> int:
        rc = self.proc.wait(timeout=timeout)
        self._out.flush()
        return rc

    def text(self) -> str:
        self._out.flush()
        return self.log.read_text(encoding="utf-8")

    def close(self) -> None:
        """Kill the child if it still runs (a failed test); never anything else."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        self._out.close()


@pytest.fixture
def agents_process(tmp_path: Path) -> Iterator[Callable[..., AgentsProcess]]:
    started: list[AgentsProcess] = []

    def start(config: Path, *extra: str) -> AgentsProcess:
        p = AgentsProcess(config, tmp_path / f"agents-run-{len(started)}.log", *extra)
        started.append(p)
        return p

    yield start
    for p in started:
        p.close()


def our_containers(client: Any, owner: str) -> dict[str, dict[str, Any]]:
    """Node name -> container summary, for every container with our owner label."""
    cs = client.api.containers(all=True, filters={"label": f"{LABEL_OWNER}={owner}"})
    return {c["Labels"][LABEL_NODE]: c for c in cs}


def our_nodes(jd: JenkinsDouble, owner: str) -> set[str]:
    with jd.scheduler.lock:
        return {n for n in jd.scheduler.nodes if n.startswith(node_prefix(owner))}


@pytest.fixture
def foreign(docker_client: Any, agent_image: str, owner: str) -> Iterator[Any]:
    """Someone else's agent container: another owner id, but a node name with our prefix
    and an old creation time, so only the owner label tells it apart. Removed at the end."""
    other = f"other{secrets.token_hex(3)}"
    name = f"jbt-agents-foreign-{secrets.token_hex(3)}"
    try:
        c = docker_client.containers.run(
            agent_image, entrypoint=["sleep", "600"], detach=True, network_mode="none", name=name,
            labels={"io.jenkinsbridge.test": "agents", LABEL_OWNER: other, LABEL_TEMPLATE: "tst",
                    LABEL_NODE: f"{node_prefix(owner)}tst-999-ffffff", LABEL_CREATED: "1000.000"},
        )
        yield c
    finally:  # also when it was created but failed to start
        for leftover in docker_client.containers.list(all=True, filters={"name": f"^/{name}$"}):
            leftover.remove(force=True, v=True)
