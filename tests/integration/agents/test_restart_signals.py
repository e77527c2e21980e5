"""The provisioner as a real process: killed with SIGKILL mid-build and started again, it
adopts what still serves a build and sweeps the rest within the grace period plus one
sweep; on SIGTERM it stops cleanly and removes its agents. Other owners' things stay."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

from tests.integration.agents.conftest import our_containers, our_nodes, wait_for, write_config
from tests.support.jenkins_double import JenkinsDouble
from tests.support.jenkins_double.queue import QueueItem

LABEL = "jbt-linux && jbt-docker"
FOREIGN_NODE = b"<slave><name>n</name><label>jbt-linux jbt-docker</label><numExecutors>1</numExecutors>" \
               b"<mode>EXCLUSIVE</mode></slave>"


def started_builds(double: JenkinsDouble, items: list[QueueItem]) -> dict[str, QueueItem]:
    """Wait until every item runs on a node that was taken off the queue; node -> item."""
    def ready() -> bool:
        with double.scheduler.lock:
            return all(i.build is not None and double.scheduler.nodes[i.build.node].temporarily_offline
                       for i in items)

    wait_for(ready, 90, "builds running on single-use agents")
    return {i.build.node: i for i in items if i.build is not None}


def test_sigkill_then_restart_adopts_and_sweeps(
    tmp_path: Path, double: JenkinsDouble, agent_image: str, owner: str, docker_client: Any,
    agents_process: Any, foreign: Any,
) -> None:
    grace, sweep = 8.0, 1.0
    cfg = write_config(tmp_path, double, owner, agent_image, grace=grace)
    other_node = "jb-someoneelse-tst-1-abcdef"
    double.scheduler.add_node(other_node, FOREIGN_NODE)

    first = agents_process(cfg, "--reap-every", "30")
    items = [double.enqueue(f"app/build-{i}", LABEL) for i in range(4)]
    by_node = started_builds(double, items)
    first.send(signal.SIGKILL)
    assert first.wait(10) == -signal.SIGKILL
    finished, node_deleted, building, container_lost = list(by_node)

    # while nothing watches: one build ends, one node is deleted (its container is now an
    # orphan), one container disappears (its node is now an orphan), one build goes on
    double.finish(by_node[finished].build)  # type: ignore[arg-type]
    double.scheduler.remove_node(node_deleted)
    docker_client.api.remove_container(container_lost, force=True)
    created = {n: float(c["Labels"]["io.jenkinsbridge.agent.created-at"])
               for n, c in our_containers(docker_client, owner).items()}
    assert set(created) == {finished, node_deleted, building}

    second = agents_process(cfg, "--reap-every", str(sweep))
    orphan_deadline = max(second.started + 5, created[node_deleted] + grace) + sweep + 2
    wait_for(lambda: set(our_containers(docker_client, owner)) == {building}
             and our_nodes(double, owner) == {building},
             orphan_deadline - time.time(), "only the agent with a running build to remain")
    log = second.text()
    reaped = [ln for ln in log.splitlines() if f"decision=reap container={node_deleted}" in ln]
    assert len(reaped) == 1 and float(reaped[0].rsplit("age=", 1)[1].rstrip("s")) >= grace
    assert f"decision=adopt node={building}" in log and f"decision=adopt node={finished}" in log
    assert f"decision=reap node={container_lost}" in log
    assert by_node[building].build.result is None  # type: ignore[union-attr]  # not disturbed
    assert by_node[container_lost].build.result == "ABORTED"  # type: ignore[union-attr]

    double.finish(by_node[building].build)  # type: ignore[arg-type]
    wait_for(lambda: not our_containers(docker_client, owner) and not our_nodes(double, owner), 15,
             "the adopted agent to be removed after its build")
    # and the restarted provisioner serves new builds as usual
    fresh = double.enqueue("app/after-restart", LABEL)
    wait_for(lambda: fresh.build is not None, 60, "a build after the restart")
    double.finish(fresh.build)  # type: ignore[arg-type]
    wait_for(lambda: not our_containers(docker_client, owner), 15, "its agent to be removed")

    foreign.reload()
    assert foreign.status == "running"  # someone else's container: untouched
    assert other_node in double.scheduler.nodes  # someone else's node: untouched
    second.send(signal.SIGTERM)
    assert second.wait(30) == 0


def test_sigterm_stops_cleanly_and_removes_agents(
    tmp_path: Path, double: JenkinsDouble, agent_image: str, owner: str, docker_client: Any,
    agents_process: Any, foreign: Any,
) -> None:
    cfg = write_config(tmp_path, double, owner, agent_image)
    proc = agents_process(cfg)
    items = [double.enqueue(f"app/build-{i}", LABEL) for i in range(2)]
    by_node = started_builds(double, items)
    assert set(our_containers(docker_client, owner)) == set(by_node)
    proc.send(signal.SIGTERM)
    assert proc.wait(30) == 0
    assert not our_containers(docker_client, owner) and not our_nodes(double, owner)
    assert all(i.build is not None and i.build.result == "ABORTED" for i in items)
    log = proc.text()
    assert "stopping" in log and log.count("reason='provisioner stopping'") == 2
    assert "agents: 2 launched, 2 finished, 0 failed" in log
    assert "metric agents_active=0 launched=2" in log
    foreign.reload()
    assert foreign.status == "running"


def test_controller_restart_is_ridden_out(
    tmp_path: Path, double: JenkinsDouble, agent_image: str, owner: str, docker_client: Any,
    agents_process: Any,
) -> None:
    """The controller goes away for 10 s (connection refused) while a build runs: the
    provisioner keeps going, keeps the running agent (no removal while blind), removes it
    once its build ends and serves builds queued after the restart."""
    cfg = write_config(tmp_path, double, owner, agent_image)
    proc = agents_process(cfg)
    item = double.enqueue("app/across-restart", LABEL)
    by_node = started_builds(double, [item])
    (node,) = by_node
    double.restart(10.0).join(timeout=30)
    log = proc.text()
    assert "poll failed" in log and "connection refused" in log.lower()
    assert set(our_containers(docker_client, owner)) == {node} and node in our_nodes(double, owner)
    assert item.build is not None and item.build.result is None  # the build went on
    fresh = double.enqueue("app/after-restart", LABEL)
    wait_for(lambda: fresh.build is not None, 60, "a build queued after the restart")
    double.finish(item.build)
    double.finish(fresh.build)  # type: ignore[arg-type]
    wait_for(lambda: not our_containers(docker_client, owner) and not our_nodes(double, owner), 30,
             "both agents to be removed after their builds")
    proc.send(signal.SIGTERM)
    assert proc.wait(30) == 0
