"""`jenkinsbridge agents run|status|reap` as users call them: unsafe templates refused
with exit code 2 and one line; status while builds wait; reap removes leftovers."""

from __future__ import annotations

import json
import secrets
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from jenkinsbridge.agents.backends import LABEL_OWNER, Launch
from jenkinsbridge.agents.config import load_agents_config
from jenkinsbridge.agents.connect import make_backend, make_controller
from jenkinsbridge.agents.controller import AgentController
from jenkinsbridge.agents.nodes import node_prefix
from jenkinsbridge.agents.provisioner import Provisioner
from tests.integration.agents.conftest import our_containers, our_nodes, run_cli, wait_for, write_config
from tests.support.jenkins_double import JenkinsDouble


@pytest.mark.parametrize("unsafe,needles", [
    ({"privileged": True}, ["privileged mode"]),
    ({"mounts": [{"source": "/etc", "target": "/host-etc"}]}, ["host path /etc outside allowed_host_paths"]),
    ({"mounts": [{"source": "/var/run/docker.sock", "target": "/var/run/docker.sock", "read_only": False}]},
     ["the Docker socket"]),
])
def test_unsafe_template_is_refused(unsafe: dict[str, Any], needles: list[str], tmp_path: Path,
                                    double: JenkinsDouble, agent_image: str, owner: str,
                                    docker_client: Any) -> None:
    template = {"name": "risky", "labels": ["jbt-linux"], "image": agent_image, "pull": "never", **unsafe}
    cfg = write_config(tmp_path, double, owner, agent_image, allowed_host_paths=["/srv/jb-cache"],
                       templates=[template])
    double.enqueue("app/build", "jbt-linux")
    done = run_cli("agents", "run", str(cfg), "--max-ticks", "3")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "'risky'" in lines[0] and "allow_unsafe: true" in lines[0]
    assert all(n in lines[0] for n in needles)
    assert done.stdout == ""
    # nothing half-done: no node, no container, no request beyond none at all
    assert not our_nodes(double, owner) and not our_containers(docker_client, owner)
    assert double.count() == 0


def test_allowed_bind_passes_the_policy(tmp_path: Path, double: JenkinsDouble, agent_image: str,
                                        owner: str) -> None:
    template = {"name": "ok", "labels": ["jbt-linux"], "image": agent_image, "pull": "never",
                "mounts": [{"source": "/srv/jb-cache/m2", "target": "/m2"}]}
    cfg = write_config(tmp_path, double, owner, agent_image, allowed_host_paths=["/srv/jb-cache"],
                       templates=[template])
    done = run_cli("agents", "run", str(cfg), "--max-ticks", "1", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["launched"] == 0


def test_status_shows_templates_agents_and_queue_waits(
    tmp_path: Path, double: JenkinsDouble, agent_image: str, owner: str, docker_client: Any,
) -> None:
    config = load_agents_config(write_config(tmp_path, double, owner, agent_image, max_agents=1))
    controller, url = make_controller(config)
    prov = Provisioner(config, controller, make_backend(config, docker_client), agent_url=url)
    stop = threading.Event()
    loop = threading.Thread(target=prov.run, kwargs={"stop": stop}, daemon=True)
    items = [double.enqueue(f"app/build-{i}", "jbt-linux") for i in range(3)]
    double.enqueue("app/windows", "windows")
    loop.start()
    try:
        wait_for(lambda: sum(i.build is not None for i in items) == 1, 60, "the first build to run")
        time.sleep(0.5)
        done = run_cli("agents", "status", str(tmp_path / "agents.yaml"), "--json")
        text = run_cli("agents", "status", str(tmp_path / "agents.yaml"))
    finally:
        stop.set()
        loop.join(timeout=30)
        prov.shutdown()
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["owner"] == owner and data["max_agents"] == 1
    assert [(t["name"], t["running"], t["cap"]) for t in data["templates"]] == [("tst", 1, 10)]
    running = next(i for i in items if i.build is not None)
    assert [(a["node"], a["busy"], a["item"]) for a in data["agents"]] == [(running.build.node, True, running.id)]  # type: ignore[union-attr]
    waiting = {q["task"]: q for q in data["queue"]}
    assert set(waiting) == {i.job for i in items if i.build is None} | {"app/windows"}
    assert all(q["wait_s"] >= 0.5 for q in waiting.values())
    assert waiting["app/windows"]["template"] is None
    assert {q["template"] for t, q in waiting.items() if t != "app/windows"} == {"tst"}
    assert text.returncode == 0 and "TEMPLATE" in text.stdout and running.build.node in text.stdout  # type: ignore[union-attr]


def test_reap_removes_leftovers_and_only_ours(
    tmp_path: Path, double: JenkinsDouble, agent_image: str, owner: str, docker_client: Any, foreign: Any,
) -> None:
    cfg = write_config(tmp_path, double, owner, agent_image, grace=30)
    config = load_agents_config(cfg)
    template = config.templates[0]
    controller = AgentController.connect(double.url, double.user, double.token)
    now = time.time()

    def leftover(name: str, age: float) -> str:
        node = f"{node_prefix(owner)}tst-{name}-{secrets.token_hex(3)}"
        labels = Launch(node=node, template=template, env={}, owner=owner, queue_item=7,
                        created_at=now - age).labels()
        docker_client.containers.run(agent_image, entrypoint=["sleep", "600"], detach=True, name=node,
                                     labels={**labels, "io.jenkinsbridge.test": "agents"}, network_mode="none")
        return node

    old_orphan = leftover("old", 120)  # its node is gone: a killed provisioner's leftover
    young = leftover("young", 0)  # may still be starting: kept during the grace period
    lost = f"{node_prefix(owner)}tst-lost-{secrets.token_hex(3)}"
    controller.create_node(lost, ["jbt-linux"], "/home/jenkins/agent", f"owner {owner}; created {now - 120:.0f}")
    done = run_cli("agents", "reap", str(cfg), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["containers_removed"] == [old_orphan] and report["nodes_deleted"] == [lost]
    assert report["kept"] == 1
    assert set(our_containers(docker_client, owner)) == {young} and not our_nodes(double, owner)
    done = run_cli("agents", "reap", str(cfg), "--grace", "0")
    assert done.returncode == 0 and "reaped 1 container(s) and 0 node(s); 0 kept" in done.stdout
    assert not our_containers(docker_client, owner)
    foreign.reload()
    assert foreign.status == "running"
    assert docker_client.api.containers(filters={"label": f"{LABEL_OWNER}={foreign.labels[LABEL_OWNER]}"})
