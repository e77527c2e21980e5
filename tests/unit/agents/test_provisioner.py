from __future__ import annotations

import time
from typing import Any

import pytest

from jenkinsbridge.agents.config import AgentsConfig
from jenkinsbridge.agents.controller import QueueItem, label_from_why
from jenkinsbridge.agents.provisioner import Provisioner
from tests.unit.agents.fakes import FakeBackend, FakeController


def config(**over: Any) -> AgentsConfig:
    data: dict[str, Any] = {
        "instance": "t1", "max_agents": 10, "connect_timeout": 30,
        "templates": [
            {"name": "py", "labels": ["python", "linux"], "image": "agent-python:1", "cap": 3},
            {"name": "go", "labels": ["go", "linux"], "image": "agent-go:1", "cap": 5},
        ],
    }
    data.update(over)
    return AgentsConfig.model_validate(data)


def item(i: int, label: str | None, buildable: bool = True) -> QueueItem:
    return QueueItem(i, label, buildable, time.time() - 1, "", f"job{i}")


def make(cfg: AgentsConfig | None = None) -> tuple[Provisioner, FakeController, FakeBackend]:
    ctl, be = FakeController(), FakeBackend()
    p = Provisioner(cfg or config(), ctl, be, agent_url="http://jenkins:8080")  # type: ignore[arg-type]
    return p, ctl, be


def settle(p: Provisioner) -> None:
    p.drain()


def test_one_agent_per_waiting_item_and_never_more() -> None:
    p, ctl, be = make()
    ctl.items = [item(1, "python"), item(2, "go"), item(3, "python && linux"), item(4, "windows")]
    p.tick()
    settle(p)
    assert sorted(launch.template.name for launch in be.launches) == ["go", "py", "py"]
    p.tick()  # same queue, agents still starting: nothing more
    settle(p)
    assert len(be.launches) == 3
    env = be.launches[0].env
    assert env["JENKINS_AGENT_NAME"] == be.launches[0].node and env["JENKINS_URL"] == "http://jenkins:8080/"
    assert set(be.launches[0].labels()) >= {"io.jenkinsbridge.agent.owner", "io.jenkinsbridge.agent.node"}


def test_caps_per_template_and_total() -> None:
    p, ctl, be = make(config(max_agents=4))
    ctl.items = [item(i, "python") for i in range(10)] + [item(100 + i, "go") for i in range(10)]
    p.tick()
    settle(p)
    names = [launch.template.name for launch in be.launches]
    assert names.count("py") == 3  # the template cap
    assert len(names) == 4  # the total cap


def test_lifecycle_single_use_then_removed() -> None:
    p, ctl, be = make()
    ctl.items = [item(1, "python")]
    p.tick()
    settle(p)
    node = be.launches[0].node
    ctl.connect(node)
    p.tick()
    assert p.agents[node].phase == "online"
    ctl.items = []
    ctl.set_busy(node, True)
    p.tick()
    assert ("stop", node) in ctl.calls  # no second build on this node
    assert p.agents[node].phase == "busy"
    assert p.stats.to_build and p.stats.to_build[0] >= 1.0
    assert p.stats.to_container and p.stats.to_container[0] >= 1.0
    ctl.set_busy(node, False)
    p.tick()
    settle(p)
    assert ("delete", node) in ctl.calls and node in be.removed
    assert not p.agents and not be.running and node not in ctl.nodes_


def test_agent_that_never_connects_is_removed() -> None:
    clock = [1000.0]
    ctl, be = FakeController(), FakeBackend()
    p = Provisioner(config(connect_timeout=5), ctl, be, agent_url="http://j/",  # type: ignore[arg-type]
                    clock=lambda: clock[0])
    ctl.items = [item(1, "go")]
    p.tick()
    settle(p)
    clock[0] += 6
    p.tick()
    settle(p)
    assert be.removed and p.stats.failed == 1
    # the item is still waiting: a new agent is launched for it
    assert len(be.launches) == 2


def test_container_that_dies_frees_its_slot() -> None:
    p, ctl, be = make()
    ctl.items = [item(1, "go")]
    p.tick()
    settle(p)
    node = be.launches[0].node
    be.running[node] = be.running[node].__class__(node, "go", "t1", time.time(), "exited", node)
    p.tick()
    settle(p)
    assert node in be.removed and ("delete", node) in ctl.calls


def test_label_from_why_texts() -> None:
    assert label_from_why("Waiting for next available executor on \u2018python\u2019") == "python"
    assert label_from_why("There are no nodes with the label \u2018go&&linux\u2019") == "go&&linux"
    assert label_from_why("All nodes of label \u2018cpp\u2019 are offline") == "cpp"
    assert label_from_why("Build #3 is already in progress") is None


@pytest.mark.parametrize("expr,labels,ok", [
    ("python", {"python"}, True),
    ("python && linux", {"python"}, False),
    ("python || go", {"go"}, True),
    ("!windows", {"linux"}, True),
    ("(a || b) && !c", {"b", "c"}, False),
    ("a -> b", {"c"}, True),
    ("a <-> b", {"a"}, False),
    ('"odd label"', {"odd label"}, True),
])
def test_label_expressions(expr: str, labels: set[str], ok: bool) -> None:
    from jenkinsbridge.spec.labels import parse_label_expression

    assert parse_label_expression(expr).matches(labels) is ok
