"""The agent images' entrypoint: fetches agent.jar from JENKINS_URL/jnlpJars/agent.jar
and starts it as an inbound WebSocket agent, ending when agent.jar ends.

A stand-in agent.jar (prints its arguments and the user, then exits as a released agent
does) is served from 127.0.0.1; the container shares the host's network to reach it.
The real remoting handshake with a controller is not part of this test."""

from __future__ import annotations

import os
import subprocess
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.support.runner import AREA_LABEL, NAME_PREFIX, AgentImages

FAKE_AGENT = """\
public class FakeAgent {
    public static void main(String[] args) {
        System.out.println("ARGS:" + String.join("|", args));
        System.out.println("USER:" + System.getProperty("user.name"));
        System.exit(0);
    }
}
"""


@pytest.fixture
def agent_jar(tmp_path: Path) -> bytes:
    java_home = Path(os.environ.get("JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64"))
    (tmp_path / "FakeAgent.java").write_text(FAKE_AGENT)
    subprocess.run([str(java_home / "bin" / "javac"), "--release", "17", "FakeAgent.java"],
                   cwd=tmp_path, check=True)
    subprocess.run([str(java_home / "bin" / "jar"), "--create", "--file", "agent.jar",
                    "--main-class", "FakeAgent", "FakeAgent.class"], cwd=tmp_path, check=True)
    return (tmp_path / "agent.jar").read_bytes()


@pytest.fixture
def controller(agent_jar: bytes) -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            if self.path != "/jnlpJars/agent.jar":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/java-archive")
            self.send_header("Content-Length", str(len(agent_jar)))
            self.end_headers()
            self.wfile.write(agent_jar)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", seen
    finally:
        server.shutdown()
        server.server_close()


def _run_agent(client: Any, image: str, env: dict[str, str]) -> tuple[int, str]:
    name = f"{NAME_PREFIX}agent-{uuid.uuid4().hex[:8]}"
    key, value = AREA_LABEL.split("=")
    container = client.containers.run(image, environment=env, network_mode="host", name=name,
                                      labels={key: value}, detach=True)
    try:
        status = container.wait(timeout=120)["StatusCode"]
        return int(status), container.logs().decode("utf-8", "replace")
    finally:
        container.remove(force=True)


def test_entrypoint_fetches_agent_jar_and_connects_over_websocket(
        agent_images: AgentImages, docker_client: Any, controller: tuple[str, list[str]]) -> None:
    image = agent_images.get("python")
    url, seen = controller
    status, logs = _run_agent(docker_client, image, {
        "JENKINS_URL": url.rstrip("/"), "JENKINS_SECRET": "0123abcd", "JENKINS_AGENT_NAME": "build-42"})
    assert status == 0, logs
    assert seen == ["/jnlpJars/agent.jar"]
    assert f"ARGS:-url|{url}|-secret|0123abcd|-name|build-42|-webSocket|-workDir|/home/jenkins/agent|" \
           "-noReconnect" in logs
    assert "USER:jenkins" in logs


def test_entrypoint_names_what_is_missing(agent_images: AgentImages, docker_client: Any) -> None:
    image = agent_images.get("python")
    status, logs = _run_agent(docker_client, image, {"JENKINS_URL": "http://127.0.0.1:9/"})
    assert status == 2
    assert "set JENKINS_SECRET JENKINS_AGENT_NAME" in logs


def _exec(client: Any, image: str, *cmd: str) -> tuple[int, str]:
    name = f"{NAME_PREFIX}tools-{uuid.uuid4().hex[:8]}"
    key, value = AREA_LABEL.split("=")
    container = client.containers.run(image, list(cmd), name=name, labels={key: value}, detach=True,
                                      network_disabled=True)
    try:
        status = container.wait(timeout=120)["StatusCode"]
        return int(status), container.logs().decode("utf-8", "replace")
    finally:
        container.remove(force=True)


def test_tools_image_carries_docker_cli_and_jenkinsbridge(agent_images: AgentImages, docker_client: Any) -> None:
    """The agent of the Image and Deploy stages: the docker CLI and jenkinsbridge, as the
    jenkins user, with no engine of its own (DOCKER_HOST comes from the deploy)."""
    image = agent_images.get("tools")
    status, logs = _exec(docker_client, image, "sh", "-c",
                         "docker --version && jenkinsbridge --help | head -n1 && id -un "
                         "&& docker version --format x 2>&1 | tail -n1; test ! -S /var/run/docker.sock")
    assert status == 0, logs
    lines = logs.splitlines()
    assert lines[0].startswith("Docker version "), logs
    assert "jenkinsbridge" in lines[1] and lines[2] == "jenkins", logs
    assert "Cannot connect to the Docker daemon" in logs  # no engine inside; it talks to a remote one
    labels = docker_client.images.get(image).labels
    assert labels["io.jenkinsbridge.language"] == "tools"
