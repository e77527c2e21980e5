"""N queued builds give exactly N containers, one build each, all gone afterwards."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from jenkinsbridge.agents.backends import LABEL_OWNER
from jenkinsbridge.agents.config import load_agents_config
from jenkinsbridge.agents.connect import make_backend, make_controller
from jenkinsbridge.agents.nodes import node_prefix
from jenkinsbridge.agents.policy import check_templates
from jenkinsbridge.agents.provisioner import Provisioner
from tests.integration.agents.conftest import Finisher, wait_for, write_config
from tests.support.jenkins_double import JenkinsDouble
from tests.support.swarm import ensure_swarm


def ours(docker_client: Any, owner: str, pool: str) -> list[Any]:
    flt = {"label": f"{LABEL_OWNER}={owner}"}
    if pool == "swarm":
        return list(docker_client.services.list(filters=flt))
    return list(docker_client.api.containers(all=True, filters=flt))


@pytest.mark.parametrize("pool,n", [("engine", 4), ("swarm", 2)])
def test_each_queued_build_gets_its_own_container(
    pool: str, n: int, tmp_path: Path, double: JenkinsDouble, agent_image: str, owner: str,
    docker_client: Any,
) -> None:
    if pool == "swarm":
        ensure_swarm(docker_client)
    config = load_agents_config(write_config(tmp_path, double, owner, agent_image, pool=pool))
    check_templates(config)
    controller, url = make_controller(config)
    prov = Provisioner(config, controller, make_backend(config, docker_client), agent_url=url)
    stop = threading.Event()
    loop = threading.Thread(target=prov.run, kwargs={"stop": stop}, daemon=True)
    peak = [0]
    with Finisher(double, seconds=1.5) as finisher:
        items = [double.enqueue(f"app/build-{i}", "jbt-linux && jbt-docker") for i in range(n)]
        double.enqueue("app/other", "windows")  # no template offers it: never provisioned
        loop.start()
        try:
            def all_started() -> bool:
                peak[0] = max(peak[0], len(ours(docker_client, owner, pool)))
                return all(i.build is not None for i in items)

            wait_for(all_started, 120, f"{n} builds to start on agents")
            wait_for(lambda: all(i.build.result for i in items), 60, "builds to finish")
            wait_for(lambda: not ours(docker_client, owner, pool), 60, "agents to be removed")
            prefix = node_prefix(owner)
            wait_for(lambda: not [x for x in double.scheduler.nodes if x.startswith(prefix)], 30,
                     "nodes to be deleted")
        finally:
            stop.set()
            loop.join(timeout=30)
            prov.shutdown()
    nodes = [i.build.node for i in items]
    assert len(set(nodes)) == n  # one node per build
    assert sorted(finisher.nodes_used) == sorted(nodes)  # each node ran exactly one build
    assert peak[0] <= n  # never more containers than waiting items
    assert prov.stats.launched == n and prov.stats.failed == 0
    assert len(prov.stats.to_container) == n
