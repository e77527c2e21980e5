"""Decisions of the provisioner around caps, the fast path, removal and adoption."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest

from jenkinsbridge.agents.backends import RunningAgent
from jenkinsbridge.agents.config import AgentsConfig
from jenkinsbridge.agents.controller import NodeState, QueueItem
from jenkinsbridge.agents.provisioner import Provisioner
from tests.unit.agents.fakes import FakeBackend, FakeController


def config(**over: Any) -> AgentsConfig:
    data: dict[str, Any] = {
        "instance": "t1", "max_agents": 10,
        "templates": [{"name": "py", "labels": ["python"], "image": "agent-python:1", "cap": 1}],
    }
    data.update(over)
    return AgentsConfig.model_validate(data)


def item(i: int, label: str = "python") -> QueueItem:
    return QueueItem(i, label, True, time.time() - 1, "", f"job{i}")


class SlowBackend(FakeBackend):
    """remove() blocks until released, like a container that takes long to stop."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def remove(self, node: str) -> bool:
        self.release.wait(5)
        return super().remove(node)


class CountingController(FakeController):
    def __init__(self) -> None:
        super().__init__()
        self.node_reads = 0

    def nodes(self) -> dict[str, NodeState]:
        self.node_reads += 1
        return super().nodes()


def run_build(p: Provisioner, ctl: FakeController, node: str) -> None:
    ctl.connect(node)
    ctl.set_busy(node, True)
    p.tick()
    ctl.set_busy(node, False)
    p.tick()


def test_an_agent_being_removed_still_counts_against_the_cap() -> None:
    ctl, be = FakeController(), SlowBackend()
    p = Provisioner(config(), ctl, be, agent_url="http://j/")  # type: ignore[arg-type]
    ctl.items = [item(1)]
    p.tick()
    p.drain()
    first = be.launches[0].node
    ctl.items = [item(2)]
    run_build(p, ctl, first)  # finished: removal starts and blocks
    assert first in p.removing
    p.tick()
    assert len(be.launches) == 1  # cap 1: the container still exists
    be.release.set()
    p.drain()
    assert not p.removing and first in be.removed
    p.tick()
    p.drain()
    assert len(be.launches) == 2 and be.launches[1].queue_item == 2


def test_serve_launches_from_the_queue_alone() -> None:
    ctl, be = CountingController(), FakeBackend()
    p = Provisioner(config(), ctl, be, agent_url="http://j/")  # type: ignore[arg-type]
    p.serve([item(7)])
    p.drain()
    assert ctl.node_reads == 0 and [launch.queue_item for launch in be.launches] == [7]
    p.serve([item(7)])  # the same queue again: already served
    p.drain()
    assert len(be.launches) == 1


def test_item_whose_agent_ran_another_build_gets_a_new_agent() -> None:
    ctl, be = FakeController(), FakeBackend()
    p = Provisioner(config(templates=[{"name": "py", "labels": ["python"], "image": "i:1", "cap": 5}]),
                    ctl, be, agent_url="http://j/")  # type: ignore[arg-type]
    ctl.items = [item(1)]
    p.tick()
    p.drain()
    node = be.launches[0].node
    ctl.connect(node)
    ctl.set_busy(node, True)  # an older item took the node; item 1 still waits
    p.tick()
    p.drain()
    assert len(be.launches) == 2 and be.launches[1].queue_item == 1


def test_adoption_restores_phase_and_item() -> None:
    ctl, be = FakeController(), FakeBackend()
    now = time.time()
    for node, state in [("jb-t1-py-1-aa", NodeState("jb-t1-py-1-aa", True, True, True)),  # building
                        ("jb-t1-py-2-bb", NodeState("jb-t1-py-2-bb", True, True, False)),  # build done
                        ("jb-t1-py-3-cc", NodeState("jb-t1-py-3-cc", False, False, False))]:  # waiting
        ctl.nodes_[node] = state
        be.running[node] = RunningAgent(node, "py", "t1", now - 30, "running", node, item=int(node[9]))
    be.running["jb-t1-py-4-dd"] = RunningAgent("jb-t1-py-4-dd", "py", "t1", now, "running", "x", 4)  # no node
    p = Provisioner(config(templates=[{"name": "py", "labels": ["python"], "image": "i:1", "cap": 5}]),
                    ctl, be, agent_url="http://j/")  # type: ignore[arg-type]
    assert p.adopt() == 3
    assert {n: (a.phase, a.item) for n, a in p.agents.items()} == {
        "jb-t1-py-1-aa": ("busy", 1), "jb-t1-py-2-bb": ("busy", 2), "jb-t1-py-3-cc": ("online", 3)}
    ctl.items = [item(3)]  # the waiting agent's item is still queued: it stays
    p.tick()
    p.drain()
    assert sorted(p.agents) == ["jb-t1-py-1-aa", "jb-t1-py-3-cc"]
    assert be.removed == ["jb-t1-py-2-bb"] and len(be.launches) == 0
    assert "jb-t1-py-4-dd" in be.running  # left to the reaper


def test_capped_is_logged_once_per_change(caplog: pytest.LogCaptureFixture) -> None:
    ctl, be = FakeController(), FakeBackend()
    p = Provisioner(config(), ctl, be, agent_url="http://j/")  # type: ignore[arg-type]
    ctl.items = [item(1), item(2), item(3)]
    with caplog.at_level(logging.INFO, logger="jenkinsbridge.agents.provisioner"):
        for _ in range(5):
            p.serve(ctl.items)
        p.drain()
    decisions = [r.getMessage() for r in caplog.records if "decision=" in r.getMessage()]
    capped = [d for d in decisions if "decision=capped" in d]
    # before the launch (room 1) and after it (room 0); the three reads after that: silent
    assert [c.split("pending=")[1] for c in capped] == ["0 room=1", "1 room=0"]
    assert sum("decision=launch " in d for d in decisions) == 1
    assert any("metric queue_to_container_seconds=" in r.getMessage() for r in caplog.records)


def test_shutdown_removes_every_agent() -> None:
    ctl, be = FakeController(), FakeBackend()
    p = Provisioner(config(max_agents=3, templates=[{"name": "py", "labels": ["python"], "image": "i:1",
                                                    "cap": 3}]), ctl, be, agent_url="http://j/")  # type: ignore[arg-type]
    p.serve([item(1), item(2), item(3), item(4)])
    p.shutdown()
    assert len(be.launches) == 3 and not be.running and not ctl.nodes_ and not p.agents
    p.serve([item(5)])  # closed: no more launches
    assert len(be.launches) == 3


class StartsBuildsWhileWeRead(FakeController):
    """Jenkins starts the waiting builds between our queue read and our nodes read."""

    def __init__(self) -> None:
        super().__init__()
        self.start_on_next_read = False

    def nodes(self) -> dict[str, NodeState]:
        if self.start_on_next_read:
            self.start_on_next_read = False
            for name in list(self.nodes_):
                self.connect(name)
                self.set_busy(name, True)
            self.items = []
        return super().nodes()


def test_builds_started_between_reads_are_not_served_twice() -> None:
    ctl, be = StartsBuildsWhileWeRead(), FakeBackend()
    p = Provisioner(config(templates=[{"name": "py", "labels": ["python"], "image": "i:1", "cap": 5}]),
                    ctl, be, agent_url="http://j/")  # type: ignore[arg-type]
    ctl.items = [item(1), item(2)]
    p.serve(ctl.items)
    p.drain()
    assert len(be.launches) == 2
    ctl.start_on_next_read = True
    p.tick()  # queue read (1 and 2 waiting), then nodes (both busy, the queue now empty)
    p.drain()
    assert len(be.launches) == 2
    assert {a.phase for a in p.agents.values()} == {"busy"}


def test_placeholders_are_kept_and_a_refusal_is_said_once(caplog: pytest.LogCaptureFixture) -> None:
    from jenkinsbridge.agents.placeholders import placeholder_name
    from jenkinsbridge.errors import PermissionDeniedError

    ctl, be = FakeController(), FakeBackend()
    p = Provisioner(config(), ctl, be, agent_url="http://j/")
    p.reconcile([])
    names = {placeholder_name("t1", "py", 1), placeholder_name("t1", "py", 2)}
    assert names <= set(ctl.nodes_) and not be.launches
    p.reconcile([])
    assert [c for c in ctl.calls if c[0] == "create"] == [("create", n) for n in sorted(names)]  # once

    class Refusing(FakeController):
        def create_node(self, name: str, labels: list[str], remote_fs: str, description: str) -> None:
            raise PermissionDeniedError("create node: 403 Forbidden: missing permission Agent/Create")

    q = Provisioner(config(), Refusing(), FakeBackend(), agent_url="http://j/")
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            q.reconcile([])
    assert sum("label placeholders not in place" in r.message for r in caplog.records) == 1
