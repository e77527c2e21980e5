"""The provisioning loop: one fresh container per waiting build, gone when it ends.

Each tick reads the queue and the nodes (two requests), then:
* demand: buildable items whose label a template satisfies, minus agents already
  starting for that template, within the template's cap and the total cap;
* launch: create an exclusive one-executor inbound node, read its secret, start the
  container (in parallel for bursts);
* once a node is busy it is taken off the queue (temporarily offline: its build goes
  on, no other build starts there); once it is idle again, or its container died, or
  it never came online, the node is deleted and the container removed with its volumes.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

from jenkinsbridge.agents.backends import Backend, Launch, RunningAgent
from jenkinsbridge.agents.config import AgentsConfig, AgentTemplate
from jenkinsbridge.agents.controller import AgentController, NodeState, QueueItem
from jenkinsbridge.agents.labels import parse_label_expression
from jenkinsbridge.errors import JenkinsbridgeError

__all__ = ["Agent", "Provisioner", "node_prefix"]

log = logging.getLogger(__name__)


def node_prefix(owner: str) -> str:
    return f"jb-{owner}-"


@dataclass
class Agent:
    node: str
    template: AgentTemplate
    item: int | None
    created_at: float
    item_since: float | None = None
    phase: str = "starting"  # starting -> online -> busy -> done
    busy_at: float | None = None
    quiet_ticks: int = 0

    @property
    def pending(self) -> bool:
        return self.phase in ("starting", "online")


@dataclass
class Stats:
    launched: int = 0
    finished: int = 0
    failed: int = 0
    latencies: list[float] = field(default_factory=list)  # queue entry -> build running


class Provisioner:
    def __init__(self, config: AgentsConfig, controller: AgentController, backend: Backend,
                 *, agent_url: str, clock: Callable[[], float] = time.time) -> None:
        self.config = config
        self.controller = controller
        self.backend = backend
        self.agent_url = agent_url.rstrip("/") + "/"
        self.clock = clock
        self.owner = config.instance_id
        self.agents: dict[str, Agent] = {}
        self.stats = Stats()
        self._seq = itertools.count(1)
        self._pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="jb-agent")
        self._lock = threading.RLock()
        self._unmatched: set[str] = set()

    # --- one tick ---------------------------------------------------------------------
    def tick(self) -> None:
        queue = self.controller.queue()
        nodes = self.controller.nodes()
        running = {a.node: a for a in self.backend.list_ours(self.owner)}
        with self._lock:
            self._advance(nodes, running, {i.id for i in queue})
            self._provision(queue)

    def _advance(self, nodes: dict[str, NodeState], running: dict[str, RunningAgent],
                 queued: set[int]) -> None:
        now = self.clock()
        for agent in list(self.agents.values()):
            state = nodes.get(agent.node)
            container = running.get(agent.node)
            if state is None and agent.phase != "starting":
                self._finish(agent, "node gone")
            elif state is not None and state.busy and agent.phase != "busy":
                agent.phase, agent.busy_at = "busy", now
                if agent.item_since:
                    latency = now - agent.item_since
                    self.stats.latencies.append(latency)
                    log.info("metric queue_to_running_seconds=%.3f node=%s item=%s",
                             latency, agent.node, agent.item)
                self._quietly(partial(self.controller.stop_accepting, agent.node,
                                      "jenkinsbridge: single-use agent, build running"))
            elif agent.phase == "busy" and state is not None and not state.busy:
                self._finish(agent, "build finished")
            elif agent.phase == "starting" and state is not None and not state.offline:
                agent.phase = "online"
            elif agent.phase == "online" and agent.item not in queued:
                # its item left the queue but the node never looked busy: the build ran
                # between two ticks, or went elsewhere; give it two ticks, then recycle
                agent.quiet_ticks += 1
                if agent.quiet_ticks >= 2:
                    self._finish(agent, "item left the queue; node idle")
            elif container is not None and container.state in ("exited", "dead", "failed",
                                                                  "rejected", "complete"):
                self._finish(agent, f"container {container.state}", failed=agent.phase != "busy")
            elif agent.pending and now - agent.created_at > self.config.connect_timeout:
                self._finish(agent, "agent never came online", failed=True)

    def _provision(self, queue: list[QueueItem]) -> None:
        demand: dict[str, list[QueueItem]] = {}
        for item in queue:
            if not item.buildable or item.label is None:
                continue
            template = self._template_for(item.label)
            if template is not None:
                demand.setdefault(template.name, []).append(item)
        active = len(self.agents)
        for template in self.config.templates:
            waiting = sorted(demand.get(template.name, []), key=lambda i: i.in_queue_since)
            mine = [a for a in self.agents.values() if a.template.name == template.name]
            pending = sum(1 for a in mine if a.pending)
            want = len(waiting) - pending
            room = min(template.cap - len(mine), self.config.max_agents - active)
            n = max(0, min(want, room))
            if want > room and want > 0:
                log.info("decision=capped template=%s waiting=%d pending=%d room=%d",
                         template.name, len(waiting), pending, max(room, 0))
            served = {a.item for a in mine}
            unserved = [i for i in waiting if i.id not in served]
            for item in unserved[:n]:
                self._launch(template, item)
                active += 1

    def _template_for(self, label: str) -> AgentTemplate | None:
        try:
            expr = parse_label_expression(label)
        except ValueError:
            return None
        for t in self.config.templates:
            if expr.matches(set(t.labels)):
                return t
        if label not in self._unmatched:
            self._unmatched.add(label)
            log.info("decision=ignore label=%r reason=no template offers it", label)
        return None

    def _launch(self, template: AgentTemplate, item: QueueItem) -> None:
        node = f"{node_prefix(self.owner)}{template.name}-{next(self._seq)}-{secrets.token_hex(3)}"
        agent = Agent(node, template, item.id, self.clock(), item_since=item.in_queue_since)
        self.agents[node] = agent
        self.stats.launched += 1
        log.info("decision=launch node=%s template=%s item=%s label=%r",
                 node, template.name, item.id, item.label)
        self._pool.submit(self._start, agent)

    def _start(self, agent: Agent) -> None:
        t = agent.template
        try:
            self.controller.create_node(
                agent.node, [*t.labels, agent.node], t.remote_fs,
                f"jenkinsbridge single-use agent ({t.name}) for queue item {agent.item}; "
                f"owner {self.owner}; created {agent.created_at:.0f}",
            )
            secret = self.controller.agent_secret(agent.node)
            self.backend.start(Launch(
                node=agent.node, template=t, owner=self.owner, queue_item=agent.item,
                created_at=agent.created_at,
                env={"JENKINS_URL": self.agent_url, "JENKINS_SECRET": secret,
                     "JENKINS_AGENT_NAME": agent.node, "JENKINS_WEB_SOCKET": "true",
                     "JENKINS_AGENT_WORKDIR": t.remote_fs},
            ))
        except JenkinsbridgeError as e:
            log.warning("decision=launch-failed node=%s reason=%s", agent.node, e)
            with self._lock:
                self._finish(agent, f"launch failed: {e}", failed=True)

    def _finish(self, agent: Agent, reason: str, *, failed: bool = False) -> None:
        if self.agents.pop(agent.node, None) is None:
            return
        agent.phase = "done"
        self.stats.finished += 1
        self.stats.failed += int(failed)
        log.info("decision=remove node=%s reason=%r", agent.node, reason)
        self._quietly(lambda: self.controller.delete_node(agent.node))
        self._quietly(lambda: self.backend.remove(agent.node))

    def _quietly(self, action: Callable[[], object]) -> None:
        try:
            action()
        except JenkinsbridgeError as e:
            log.warning("cleanup step failed: %s", e)

    def adopt(self) -> int:
        """Take over agents a previous instance (same owner id) left running.

        An agent whose node still exists continues its life here: a busy one is removed
        when its build ends, an idle one is recycled. Containers without a node are left
        to the reaper (after the grace period)."""
        nodes = self.controller.nodes()
        templates = {t.name: t for t in self.config.templates}
        adopted = 0
        with self._lock:
            for running in self.backend.list_ours(self.owner):
                state = nodes.get(running.node)
                template = templates.get(running.template)
                if state is None or template is None or running.node in self.agents:
                    continue
                agent = Agent(running.node, template, None, running.created_at)
                agent.phase = "busy" if state.busy else ("starting" if state.offline else "online")
                if state.temporarily_offline and not state.busy:
                    agent.phase = "busy"  # its single build already ran: recycle next tick
                self.agents[running.node] = agent
                adopted += 1
                log.info("decision=adopt node=%s phase=%s", running.node, agent.phase)
        return adopted

    # --- lifecycle ----------------------------------------------------------------------
    def run(self, *, stop: threading.Event, max_ticks: int | None = None) -> None:
        ticks = 0
        while not stop.is_set() and (max_ticks is None or ticks < max_ticks):
            started = self.clock()
            try:
                self.tick()
            except JenkinsbridgeError as e:
                log.warning("tick failed: %s", e)
            ticks += 1
            stop.wait(max(0.0, self.config.poll_interval - (self.clock() - started)))

    def shutdown(self, *, remove_agents: bool = True) -> None:
        """Stop launching; remove every agent we started (their builds are aborted)."""
        self._pool.shutdown(wait=True)
        if remove_agents:
            for agent in list(self.agents.values()):
                self._finish(agent, "provisioner stopping")
