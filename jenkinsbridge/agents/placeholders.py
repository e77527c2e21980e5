"""Label placeholders: permanent offline nodes that make Jenkins name the label a build wants.

Jenkins exports no queue item's label. The only place a client can read it is ``why``,
and Jenkins names the label there only when the controller has at least one agent node
and the label matches zero or two and more nodes (core ``Queue.BuildableItem
.getCauseOfBlockage``): with no agent node ``why`` is just "Waiting for next available
executor", and with exactly one matching node it names that node. A fresh controller
(no agents, the built-in node with 0 executors) is exactly the first case.

So for every template the provisioner keeps two nodes that carry exactly the template's
labels and never come online (inbound launcher, nobody connects; mode EXCLUSIVE). Every
label expression a template satisfies then matches at least these two nodes, and ``why``
reads "All nodes of label 'L' are offline" or "Waiting for next available executor on
'L'", whatever else is running. They hold no executor that ever runs anything; in the
node list an admin sees them as offline nodes named ``jb-<owner>.labels-<template>-1``
and ``-2`` with a description that says what they are. Creating and deleting them needs
Agent/Create and Agent/Delete, which provisioning needs anyway.

Their names do not start with :func:`node_prefix` so the reaper never takes them for a
leftover agent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol

from jenkinsbridge.agents.config import AgentTemplate
from jenkinsbridge.agents.controller import NodeState
from jenkinsbridge.agents.nodes import placeholder_prefix

__all__ = ["COPIES", "PlaceholderNodes", "placeholder_name"]

log = logging.getLogger(__name__)

COPIES = 2  # two matching nodes: Jenkins then names the label, never a node
PLACEHOLDER_FS = "/nonexistent/jenkinsbridge-placeholder"


class _Nodes(Protocol):
    def create_node(self, name: str, labels: list[str], remote_fs: str, description: str) -> None: ...

    def delete_node(self, name: str) -> bool: ...


def placeholder_name(owner: str, template: str, copy: int) -> str:
    return f"{placeholder_prefix(owner)}{template}-{copy}"


class PlaceholderNodes:
    """Keeps the placeholder nodes of one owner in line with its templates."""

    def __init__(self, owner: str, templates: Iterable[AgentTemplate]) -> None:
        self.owner = owner
        self.wanted: dict[str, set[str]] = {}
        for t in templates:
            for copy in range(1, COPIES + 1):
                name = placeholder_name(owner, t.name, copy)
                self.wanted[name] = {*t.labels, name}
        self._template_of = {placeholder_name(owner, t.name, c): t.name
                             for t in templates for c in range(1, COPIES + 1)}

    def plan(self, nodes: dict[str, NodeState]) -> tuple[list[str], list[str]]:
        """(nodes to create, nodes to delete) so that exactly the wanted ones exist with
        exactly their labels; a node whose labels differ is deleted and created again."""
        prefix = placeholder_prefix(self.owner)
        ours = {n: s for n, s in nodes.items() if n.startswith(prefix)}
        stale = [n for n, s in ours.items()
                 if n not in self.wanted or (s.labels is not None and set(s.labels) != self.wanted[n])]
        create = [n for n in self.wanted if n not in ours or n in stale]
        return sorted(create), sorted(stale)

    def ensure(self, controller: _Nodes, nodes: dict[str, NodeState]) -> int:
        """Create what is missing, replace what is stale; the number of writes made."""
        create, delete = self.plan(nodes)
        for name in delete:
            log.info("decision=placeholder-replace node=%s", name)
            controller.delete_node(name)
        for name in create:
            labels = sorted(self.wanted[name] - {name})
            log.info("decision=placeholder-create node=%s labels=%r", name, " ".join(labels))
            controller.create_node(
                name, labels, PLACEHOLDER_FS,
                f"jenkinsbridge label placeholder for template {self._template_of[name]} "
                f"(owner {self.owner}): never online, runs nothing; it makes Jenkins name the "
                "label a waiting build needs",
            )
        return len(create) + len(delete)
