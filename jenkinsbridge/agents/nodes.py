"""The contract between the provisioner and the reaper on the Jenkins nodes we create:
their names (an owner prefix the reaper sweeps and placeholder nodes do not carry) and
their description, which carries the owner and the creation time the reaper needs to
tell a node that is starting from one that was left behind. Written and read only here."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["NodeDescription", "describe_node", "node_name", "node_prefix", "parse_node_description",
           "placeholder_prefix"]

_CREATED = re.compile(r"\bcreated (\d+)")
_OWNER = re.compile(r"\bowner ([^;\s]+)")


def node_prefix(owner: str) -> str:
    """Every single-use agent node of ``owner`` starts with this."""
    return f"jb-{owner}-"


def placeholder_prefix(owner: str) -> str:
    """Placeholder nodes of ``owner``: deliberately not under :func:`node_prefix`."""
    return f"jb-{owner}.labels-"


def node_name(owner: str, template: str, seq: int, token: str) -> str:
    return f"{node_prefix(owner)}{template}-{seq}-{token}"


@dataclass(frozen=True)
class NodeDescription:
    owner: str | None
    created: float


def describe_node(*, template: str, item: int | str | None, owner: str, created: float) -> str:
    return (f"jenkinsbridge single-use agent ({template}) for queue item {item}; "
            f"owner {owner}; created {created:.0f}")


def parse_node_description(text: str | None) -> NodeDescription | None:
    """What :func:`describe_node` wrote; None when the text carries no creation time."""
    m = _CREATED.search(text or "")
    if m is None:
        return None
    owner = _OWNER.search(text or "")
    return NodeDescription(owner=owner.group(1) if owner else None, created=float(m.group(1)))
