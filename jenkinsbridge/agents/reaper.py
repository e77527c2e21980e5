"""The reaper: removes what a crashed or killed provisioner left behind, and nothing else.

It touches only containers/services labelled with our owner id and nodes named with our
prefix. After a grace period it removes containers whose node is gone, nodes whose
container is gone, and containers older than ``max_age``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from jenkinsbridge.agents.backends import Backend
from jenkinsbridge.agents.controller import AgentController
from jenkinsbridge.agents.nodes import node_prefix, parse_node_description
from jenkinsbridge.errors import JenkinsApiError, NotFoundError

__all__ = ["ReapReport", "reap"]

log = logging.getLogger(__name__)

@dataclass
class ReapReport:
    containers_removed: list[str] = field(default_factory=list)
    nodes_deleted: list[str] = field(default_factory=list)
    kept: int = 0


def reap(controller: AgentController, backend: Backend, owner: str, *, grace: float,
         max_age: float, active: Iterable[str] = (), clock: Callable[[], float] = time.time,
         ) -> ReapReport:
    """One sweep. ``active``: nodes a live provisioner is managing right now (skipped)."""
    now = clock()
    keep = set(active)
    report = ReapReport()
    prefix = node_prefix(owner)
    nodes = {n: s for n, s in controller.nodes().items() if n.startswith(prefix)}
    containers = {a.node: a for a in backend.list_ours(owner) if a.owner == owner}
    for name, agent in containers.items():
        if name in keep:
            continue
        age = now - agent.created_at
        too_old = age > max_age
        orphan = name not in nodes and age > grace
        stopped = agent.state in ("exited", "dead", "complete", "failed", "rejected") and age > grace
        if too_old or orphan or stopped:
            reason = "older than max_age" if too_old else ("node gone" if orphan else agent.state)
            log.info("decision=reap container=%s reason=%r age=%.0fs", name, reason, age)
            backend.remove(name)
            report.containers_removed.append(name)
            if name in nodes:
                controller.delete_node(name)
                report.nodes_deleted.append(name)
        else:
            report.kept += 1
    for name in nodes:
        if name in keep or name in containers or name in report.nodes_deleted:
            continue
        try:
            created = _node_created(controller, name)
        except NotFoundError:  # deleted meanwhile (by Jenkins, the provisioner, a person)
            log.debug("node %s is gone already", name)
            continue
        except JenkinsApiError as e:  # unreadable now (403, 5xx, unreachable): decide next sweep
            log.warning("decision=keep node=%s reason='cannot read its description: %s'", name, e)
            report.kept += 1
            continue
        if created is None or now - created > grace:
            log.info("decision=reap node=%s reason='container gone'", name)
            controller.delete_node(name)
            report.nodes_deleted.append(name)
    return report


def _node_created(controller: AgentController, name: str) -> float | None:
    """The creation time our description carries; None when it carries none (then: reap).
    Jenkins errors reading the node go to the caller; anything else is a bug and is not
    swallowed here (the sweeper logs it and tries again)."""
    info = controller.node_info(name)
    described = parse_node_description(str(info.get("description") or ""))
    return described.created if described is not None else None
