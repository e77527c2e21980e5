"""Label discovery with only what Jenkins exports: a first build on a controller with no
agent node at all gets its agent at once, and so does a build whose label's only node is
busy (where Jenkins's `why` would name that node, not the label)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from jenkinsbridge.agents.config import load_agents_config
from jenkinsbridge.agents.connect import make_backend, make_controller
from jenkinsbridge.agents.nodes import placeholder_prefix
from jenkinsbridge.agents.provisioner import Provisioner
from tests.integration.agents.conftest import Finisher, our_containers, our_nodes, wait_for, write_config
from tests.support.jenkins_double import JenkinsDouble

STATIC = b"""<slave><name>static-1</name><numExecutors>1</numExecutors><mode>EXCLUSIVE</mode>
<label>jbt-linux jbt-docker</label></slave>"""


def _run(prov: Provisioner) -> tuple[threading.Event, threading.Thread]:
    stop = threading.Event()
    loop = threading.Thread(target=prov.run, kwargs={"stop": stop}, daemon=True)
    loop.start()
    return stop, loop


def test_first_build_on_a_controller_without_agent_nodes(
    tmp_path: Path, double: JenkinsDouble, agent_image: str, owner: str, docker_client: Any,
) -> None:
    item = double.enqueue("app/first", "jbt-linux && jbt-docker")
    with double.scheduler.lock:
        assert not double.scheduler.nodes
    assert double.scheduler.why(item) == "Waiting for next available executor"  # names no label
    config = load_agents_config(write_config(tmp_path, double, owner, agent_image))
    controller, url = make_controller(config)
    prov = Provisioner(config, controller, make_backend(config, docker_client), agent_url=url)
    started = time.time()
    stop, loop = _run(prov)
    try:
        wait_for(lambda: bool(our_nodes(double, owner)), 2.0, "an agent node for the first build")
        decided = time.time() - started
        wait_for(lambda: bool(our_containers(docker_client, owner)), 10, "its container")
        with Finisher(double, seconds=0.2):
            wait_for(lambda: item.build is not None and item.build.result == "SUCCESS", 60, "the build")
    finally:
        stop.set()
        loop.join(timeout=30)
        prov.shutdown()
    assert decided < 2.0
    assert item.build is not None and item.build.node.startswith(f"jb-{owner}-")
    with double.scheduler.lock:
        placeholders = {n: v for n, v in double.scheduler.nodes.items()
                        if n.startswith(placeholder_prefix(owner))}
    # two offline placeholders carry the template's labels and stay after the provisioner stops
    assert len(placeholders) == 2 and all(not v.online and not v.busy for v in placeholders.values())
    assert all({"jbt-linux", "jbt-docker"} <= v.labels for v in placeholders.values())


def test_build_whose_only_node_is_busy_gets_its_own(
    tmp_path: Path, double: JenkinsDouble, agent_image: str, owner: str, docker_client: Any,
) -> None:
    double.scheduler.add_node("static-1", STATIC)
    double.connect_agent("static-1", double.scheduler.secret_for("static-1"))
    first = double.enqueue("app/on-static", "jbt-linux")
    assert first.build is not None and first.build.node == "static-1"
    second = double.enqueue("app/second", "jbt-linux")
    assert double.scheduler.why(second) == "Waiting for next available executor on \u2018static-1\u2019"
    config = load_agents_config(write_config(tmp_path, double, owner, agent_image))
    controller, url = make_controller(config)
    prov = Provisioner(config, controller, make_backend(config, docker_client), agent_url=url)
    stop, loop = _run(prov)
    try:
        wait_for(lambda: second.build is not None, 30, "the second build to start on its own agent")
    finally:
        stop.set()
        loop.join(timeout=30)
        prov.shutdown()
    assert second.build is not None and second.build.node.startswith(f"jb-{owner}-")
    assert first.build.result is None  # the static node's build was left alone
