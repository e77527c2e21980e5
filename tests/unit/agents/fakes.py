"""In-memory stand-ins for the provisioner's two sides, recording every call."""

from __future__ import annotations

from dataclasses import dataclass, field

from jenkinsbridge.agents.backends import Launch, RunningAgent
from jenkinsbridge.agents.controller import NodeState, QueueItem


@dataclass
class FakeController:
    items: list[QueueItem] = field(default_factory=list)
    nodes_: dict[str, NodeState] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    descriptions: dict[str, str] = field(default_factory=dict)

    def queue(self) -> list[QueueItem]:
        return list(self.items)

    def nodes(self) -> dict[str, NodeState]:
        return dict(self.nodes_)

    def create_node(self, name: str, labels: list[str], remote_fs: str, description: str) -> None:
        self.calls.append(("create", name))
        self.descriptions[name] = description
        self.nodes_[name] = NodeState(name, offline=True, temporarily_offline=False, busy=False,
                                      labels=frozenset([*labels, name]))

    def agent_secret(self, name: str) -> str:
        return "ab" * 32

    def stop_accepting(self, name: str, message: str) -> None:
        self.calls.append(("stop", name))
        s = self.nodes_[name]
        self.nodes_[name] = NodeState(name, True, True, s.busy, labels=s.labels)

    def node_info(self, name: str) -> dict[str, str]:
        return {"description": self.descriptions.get(name, "")}

    def delete_node(self, name: str) -> bool:
        self.calls.append(("delete", name))
        return self.nodes_.pop(name, None) is not None

    # test-side controls
    def connect(self, name: str) -> None:
        self.nodes_[name] = NodeState(name, False, False, False, labels=self.nodes_[name].labels
                                      if name in self.nodes_ else None)

    def set_busy(self, name: str, busy: bool) -> None:
        s = self.nodes_[name]
        self.nodes_[name] = NodeState(name, s.offline, s.temporarily_offline, busy, labels=s.labels)


@dataclass
class FakeBackend:
    running: dict[str, RunningAgent] = field(default_factory=dict)
    launches: list[Launch] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def start(self, launch: Launch) -> str:
        self.launches.append(launch)
        self.running[launch.node] = RunningAgent(launch.node, launch.template.name, launch.owner,
                                                 launch.created_at, "running", launch.node)
        return launch.node

    def remove(self, node: str) -> bool:
        self.removed.append(node)
        return self.running.pop(node, None) is not None

    def list_ours(self, owner: str) -> list[RunningAgent]:
        return [a for a in self.running.values() if a.owner == owner]
