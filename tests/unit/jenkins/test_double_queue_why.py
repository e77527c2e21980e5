"""The double's queue says `why` by Jenkins's rules (core Queue.BuildableItem.getCauseOfBlockage),
and the provisioner finds the label in it once the placeholder nodes exist."""

from __future__ import annotations

from jenkinsbridge.agents.config import AgentTemplate
from jenkinsbridge.agents.controller import NodeState, label_from_why
from jenkinsbridge.agents.placeholders import PlaceholderNodes, placeholder_name
from tests.support.jenkins_double.queue import Scheduler

NODE = b"<slave><name>{n}</name><numExecutors>1</numExecutors><mode>EXCLUSIVE</mode><label>{l}</label></slave>"


def node(sch: Scheduler, name: str, labels: str, online: bool = False) -> None:
    sch.add_node(name, NODE.replace(b"{n}", name.encode()).replace(b"{l}", labels.encode()))
    if online:
        sch.connect(name, sch.secret_for(name))


def test_no_agent_node_at_all_names_nothing() -> None:
    sch = Scheduler()
    item = sch.enqueue("app/build", "python")
    assert sch.why(item) == "Waiting for next available executor"
    assert label_from_why(sch.why(item)) is None


def test_one_matching_node_is_named_not_the_label() -> None:
    sch = Scheduler()
    node(sch, "solo", "python")
    item = sch.enqueue("app/build", "python")
    assert sch.why(item) == "\u2018solo\u2019 is offline"
    node(sch, "other", "go")
    assert label_from_why(sch.why(item)) is None  # still exactly one node with the label
    sch.connect("solo", sch.secret_for("solo"))  # now busy with the first item
    second = sch.enqueue("app/build", "python")
    assert sch.why(second) == "Waiting for next available executor on \u2018solo\u2019"


def test_no_node_with_the_label_or_several() -> None:
    sch = Scheduler()
    node(sch, "g", "go")
    item = sch.enqueue("app/build", "python && linux")
    assert sch.why(item) == "There are no nodes with the label \u2018python&&linux\u2019"
    node(sch, "p1", "python linux")
    node(sch, "p2", "python linux")
    assert sch.why(item) == "All nodes of label \u2018python&&linux\u2019 are offline"
    node(sch, "p3", "python linux", online=True)  # takes the item
    second = sch.enqueue("app/build", "python&&linux")
    assert sch.why(second) == "Waiting for next available executor on \u2018python&&linux\u2019"
    assert label_from_why(sch.why(second)) == "python&&linux"


def test_placeholders_make_every_case_name_the_label() -> None:
    template = AgentTemplate(name="py", labels=["python", "linux"], image="agent:1")
    ph = PlaceholderNodes("own1", [template])
    create, delete = ph.plan({})
    assert create == [placeholder_name("own1", "py", 1), placeholder_name("own1", "py", 2)] and not delete
    sch = Scheduler()
    for name in create:
        node(sch, name, "python linux")
    item = sch.enqueue("app/build", "python")
    assert label_from_why(sch.why(item)) == "python"
    node(sch, "jb-own1-py-1-abc", "python linux jb-own1-py-1-abc", online=True)  # takes it, busy
    second = sch.enqueue("app/build", "linux&&python")
    assert label_from_why(sch.why(second)) == "linux&&python"


def test_placeholders_with_other_labels_are_replaced_and_foreign_nodes_kept() -> None:
    template = AgentTemplate(name="py", labels=["python"], image="agent:1")
    ph = PlaceholderNodes("own1", [template])
    one, two = placeholder_name("own1", "py", 1), placeholder_name("own1", "py", 2)
    nodes = {
        one: NodeState(one, True, False, False, labels=frozenset({"python", one})),
        two: NodeState(two, True, False, False, labels=frozenset({"python", "old", two})),
        placeholder_name("own1", "gone", 1): NodeState("x", True, False, False, labels=frozenset()),
        placeholder_name("own2", "py", 1): NodeState("y", True, False, False, labels=frozenset()),
        "static": NodeState("static", False, False, False, labels=frozenset({"python"})),
    }
    create, delete = ph.plan(nodes)
    assert create == [two]
    assert delete == sorted([two, placeholder_name("own1", "gone", 1)])
