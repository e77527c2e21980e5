"""The provisioning loop: one fresh container per waiting build, gone when it ends.

Two rhythms:
* every ``queue_poll`` seconds the queue is read (one request) and waiting items that
  no agent serves yet get one at once: demand is buildable items whose label a template
  satisfies, minus agents still starting for that template, within the template's cap
  and the total cap (agents being removed still count);
* every ``poll_interval`` seconds, and at once when items left the queue (builds
  started), the nodes and our containers are read (after the queue, see
  :meth:`Provisioner.reconcile`) and each agent advances: once its
  node is busy it is taken off the queue (temporarily offline: its build goes on, no
  other build starts there); once it is idle again, or its container died, or it never
  came online, the node is deleted and the container removed with its volumes.

Launches (create node, read its secret, start the container) and removals run in
thread pools, so a burst is served in parallel and a slow removal delays no launch.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from jenkinsbridge.agents.backends import Backend, Launch, RunningAgent
from jenkinsbridge.agents.config import AgentsConfig, AgentTemplate
from jenkinsbridge.agents.controller import AgentController, NodeState, QueueItem
from jenkinsbridge.agents.metrics import QUEUE_TO_BUILD, Stats
from jenkinsbridge.agents.nodes import describe_node, node_name
from jenkinsbridge.agents.placeholders import PlaceholderNodes
from jenkinsbridge.errors import JenkinsbridgeError
from jenkinsbridge.spec.labels import parse_label_expression

__all__ = ["Agent", "Provisioner"]

log = logging.getLogger(__name__)

_DEAD = ("exited", "dead", "failed", "rejected", "complete", "shutdown", "orphaned")


@dataclass
class Agent:
    node: str
    template: AgentTemplate
    item: int | None
    created_at: float
    item_since: float | None = None
    phase: str = "starting"  # starting -> online -> busy -> done
    busy_at: float | None = None

    @property
    def pending(self) -> bool:
        """Started for a waiting item and not running a build yet."""
        return self.phase in ("starting", "online")


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
        self.removing: dict[str, Agent] = {}
        self.stats = Stats()
        self._seq = itertools.count(1)
        self._launches = ThreadPoolExecutor(max_workers=8, thread_name_prefix="jb-launch")
        self._removals = ThreadPoolExecutor(max_workers=4, thread_name_prefix="jb-remove")
        self._inflight: set[Future[None]] = set()
        self._lock = threading.RLock()
        self._closing = False
        self._unmatched: set[str] = set()
        self._capped: dict[str, tuple[int, int]] = {}
        self.placeholders = PlaceholderNodes(self.owner, config.templates)
        self._placeholder_problem: str | None = None

    # --- the two rhythms ----------------------------------------------------------------
    def tick(self) -> None:
        """A full pass: advance every agent, then provision from a fresh read of the queue."""
        self.reconcile(self.controller.queue())
        self.serve(self.controller.queue())

    def reconcile(self, queue: list[QueueItem]) -> None:
        """Advance every agent from the nodes and containers, read after ``queue``.

        The order matters both ways: an item that left ``queue`` has its build visible on
        the nodes read afterwards (so an idle node whose item is gone really ran nothing
        now), and provisioning uses only a queue read after the nodes (so an item that
        started meanwhile is not served twice)."""
        nodes = self.controller.nodes()
        if not self._closing:
            try:
                self.placeholders.ensure(self.controller, nodes)
                self._placeholder_problem = None
            except JenkinsbridgeError as e:  # said once, not every pass
                if str(e) != self._placeholder_problem:
                    self._placeholder_problem = str(e)
                    log.warning("label placeholders not in place (builds on a controller without "
                                "agent nodes will not be seen): %s", e)
        running = {a.node: a for a in self.backend.list_ours(self.owner)}
        with self._lock:
            self._advance(nodes, running, {i.id for i in queue})

    def serve(self, queue: list[QueueItem]) -> None:
        """The fast path: launch agents for new waiting items from a fresh queue read."""
        with self._lock:
            self._provision(queue)

    def active_nodes(self) -> list[str]:
        """Nodes this provisioner manages right now (starting, running or being removed)."""
        with self._lock:
            return [*self.agents, *self.removing]

    # --- advancing agents ---------------------------------------------------------------
    def _advance(self, nodes: dict[str, NodeState], running: dict[str, RunningAgent],
                 queued: set[int]) -> None:
        now = self.clock()
        for agent in list(self.agents.values()):
            state = nodes.get(agent.node)
            container = running.get(agent.node)
            if state is None and agent.phase != "starting":
                self._finish(agent, "node gone")
            elif state is not None and state.busy and agent.phase != "busy":
                self._build_started(agent, state, now)
            elif agent.phase == "busy" and state is not None and not state.busy:
                self._finish(agent, "build finished")
            elif agent.phase == "starting" and state is not None and not state.offline:
                agent.phase = "online"
                log.debug("decision=online node=%s", agent.node)
            elif agent.phase == "online" and agent.item not in queued:
                # its item left the queue while the node stayed idle: the build ran between
                # two reads, or went to another node, or was cancelled; single use: recycle
                self._finish(agent, "item left the queue; node idle")
            elif container is not None and container.state in _DEAD:
                self._finish(agent, f"container {container.state}", failed=agent.phase != "busy")
            elif agent.pending and now - agent.created_at > self.config.connect_timeout:
                self._finish(agent, "agent never came online", failed=True)

    def _build_started(self, agent: Agent, state: NodeState, now: float) -> None:
        agent.phase, agent.busy_at = "busy", now
        if agent.item_since is not None:
            began = state.build_started or now
            latency = max(0.0, began - agent.item_since)
            self.stats.build_started(latency)
            log.info(QUEUE_TO_BUILD, latency, agent.node, agent.item)
        log.info("decision=single-use node=%s reason='build running; node takes no other work'",
                 agent.node)
        self._quietly(lambda: self.controller.stop_accepting(
            agent.node, "jenkinsbridge: single-use agent, build running"))

    # --- provisioning ---------------------------------------------------------------------
    def _provision(self, queue: list[QueueItem]) -> None:
        if self._closing:
            return
        demand: dict[str, list[QueueItem]] = {}
        for item in queue:
            if not item.buildable or item.label is None:
                continue
            template = self._template_for(item.label)
            if template is not None:
                demand.setdefault(template.name, []).append(item)
        active = len(self.agents) + len(self.removing)
        for template in self.config.templates:
            waiting = sorted(demand.get(template.name, []), key=lambda i: i.in_queue_since)
            mine = [a for a in self.agents.values() if a.template.name == template.name]
            removing = sum(1 for a in self.removing.values() if a.template.name == template.name)
            pending = [a for a in mine if a.pending]
            want = len(waiting) - len(pending)
            room = min(template.cap - len(mine) - removing, self.config.max_agents - active)
            n = max(0, min(want, room))
            self._log_capped(template.name, len(waiting), len(pending), room, capped=want > room)
            served = {a.item for a in pending}
            for item in [i for i in waiting if i.id not in served][:n]:
                self._launch(template, item)
                active += 1

    def _log_capped(self, name: str, waiting: int, pending: int, room: int, *, capped: bool) -> None:
        """One line when a template hits its cap (again), not one per queue read."""
        if not capped:
            self._capped.pop(name, None)
            return
        key = (waiting, max(room, 0))
        if self._capped.get(name) != key:
            self._capped[name] = key
            log.info("decision=capped template=%s waiting=%d pending=%d room=%d",
                     name, waiting, pending, max(room, 0))

    def _template_for(self, label: str) -> AgentTemplate | None:
        try:
            expr = parse_label_expression(label)
        except ValueError:
            expr = None
        if expr is not None:
            for t in self.config.templates:
                if expr.matches(set(t.labels)):
                    return t
        if label not in self._unmatched:
            self._unmatched.add(label)
            log.info("decision=ignore label=%r reason='no template offers it'", label)
        return None

    def _launch(self, template: AgentTemplate, item: QueueItem) -> None:
        node = node_name(self.owner, template.name, next(self._seq), secrets.token_hex(3))
        agent = Agent(node, template, item.id, self.clock(), item_since=item.in_queue_since)
        self.agents[node] = agent
        self.stats.launched += 1
        log.info("decision=launch node=%s template=%s item=%s label=%r waited=%.3f",
                 node, template.name, item.id, item.label, agent.created_at - item.in_queue_since)
        self._submit(self._launches, self._start, agent)

    def _start(self, agent: Agent) -> None:
        t = agent.template
        try:
            self.controller.create_node(
                agent.node, [*t.labels, agent.node], t.remote_fs,
                describe_node(template=t.name, item=agent.item, owner=self.owner, created=agent.created_at),
            )
            secret = self.controller.agent_secret(agent.node)
            self.backend.start(Launch(
                node=agent.node, template=t, owner=self.owner, queue_item=agent.item,
                created_at=agent.created_at,
                env={"JENKINS_URL": self.agent_url, "JENKINS_SECRET": secret,
                     "JENKINS_AGENT_NAME": agent.node, "JENKINS_WEB_SOCKET": "true",
                     "JENKINS_AGENT_WORKDIR": t.remote_fs},
            ))
        except Exception as e:  # the worker's boundary: any failure frees the slot
            log.warning("decision=launch-failed node=%s reason=%r", agent.node, str(e))
            with self._lock:
                self._finish(agent, f"launch failed: {e}", failed=True)
            return
        if agent.item_since is not None:
            latency = max(0.0, self.clock() - agent.item_since)
            self.stats.container_started(latency)
            log.info("metric queue_to_container_seconds=%.3f node=%s item=%s setup=%.3f",
                     latency, agent.node, agent.item, self.clock() - agent.created_at)

    # --- removal ----------------------------------------------------------------------------
    def _finish(self, agent: Agent, reason: str, *, failed: bool = False) -> None:
        """Forget the agent and remove its node and container in the background; until that
        is done it still counts against the caps."""
        if self.agents.pop(agent.node, None) is None:
            return
        agent.phase = "done"
        self.removing[agent.node] = agent
        self.stats.finished += 1
        self.stats.failed += int(failed)
        log.info("decision=remove node=%s template=%s reason=%r", agent.node, agent.template.name, reason)
        self._submit(self._removals, self._remove, agent)

    def _remove(self, agent: Agent) -> None:
        try:
            self._quietly(lambda: self.controller.delete_node(agent.node))
            self._quietly(lambda: self.backend.remove(agent.node))
        finally:
            with self._lock:
                self.removing.pop(agent.node, None)

    def _quietly(self, action: Callable[[], object]) -> None:
        try:
            action()
        except JenkinsbridgeError as e:
            log.warning("cleanup step failed: %s", e)

    def _submit(self, pool: ThreadPoolExecutor, fn: Callable[[Agent], None], agent: Agent) -> None:
        future = pool.submit(fn, agent)
        with self._lock:
            self._inflight.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future[None]) -> None:
        with self._lock:
            self._inflight.discard(future)
        if (e := future.exception()) is not None:
            log.error("agent worker failed: %s", e, exc_info=e)

    def drain(self) -> None:
        """Wait until every launch and removal started so far (and what they start) is done."""
        while True:
            with self._lock:
                pending = set(self._inflight)
            if not pending:
                return
            done, _ = wait(pending)
            with self._lock:
                self._inflight -= done

    # --- after a restart --------------------------------------------------------------------
    def adopt(self) -> int:
        """Take over agents a previous instance (same owner id) left running.

        An agent whose node still exists continues its life here: a busy one is removed
        when its build ends, one whose build already ran is removed next pass, one still
        starting or waiting serves its queue item. Containers without a node, and nodes
        without a container, are left to the reaper (after the grace period)."""
        nodes = self.controller.nodes()
        templates = {t.name: t for t in self.config.templates}
        adopted = 0
        with self._lock:
            for running in self.backend.list_ours(self.owner):
                state = nodes.get(running.node)
                template = templates.get(running.template)
                if state is None or template is None or running.node in self.agents:
                    continue
                agent = Agent(running.node, template, running.item, running.created_at)
                agent.phase = "busy" if state.busy else ("starting" if state.offline else "online")
                if state.temporarily_offline and not state.busy:
                    agent.phase = "busy"  # its single build already ran: recycled next pass
                self.agents[running.node] = agent
                adopted += 1
                log.info("decision=adopt node=%s template=%s phase=%s item=%s",
                         running.node, template.name, agent.phase, running.item)
        return adopted

    # --- lifecycle ----------------------------------------------------------------------------
    def run(self, *, stop: threading.Event, max_ticks: int | None = None,
            metrics_every: float = 60.0) -> None:
        """Poll until ``stop`` is set (or ``max_ticks`` full passes were made)."""
        cfg = self.config
        ticks = 0
        next_full = next_metrics = self.clock()
        last_ids: set[int] | None = None
        while not stop.is_set() and (max_ticks is None or ticks < max_ticks):
            started = self.clock()
            try:
                queue = self.controller.queue()
                ids = {i.id for i in queue}
                self.serve(queue)
                left = last_ids is not None and bool(last_ids - ids)
                if started >= next_full or left:
                    self.reconcile(queue)  # freed slots are filled on the next queue read
                    next_full = started + cfg.poll_interval
                    ticks += 1
                last_ids = ids
            except JenkinsbridgeError as e:
                log.warning("poll failed: %s", e)
            if started >= next_metrics:
                if self.stats.launched:
                    log.info(self.stats.line(len(self.agents)))
                next_metrics = started + metrics_every
            step = min(cfg.queue_poll, cfg.poll_interval)
            stop.wait(max(0.0, step - (self.clock() - started)))

    def shutdown(self, *, remove_agents: bool = True) -> None:
        """Stop launching; remove every agent we started (their builds are aborted)."""
        with self._lock:
            self._closing = True
        self.drain()
        if remove_agents:
            with self._lock:
                for agent in list(self.agents.values()):
                    self._finish(agent, "provisioner stopping")
            self.drain()
        self._launches.shutdown(wait=True)
        self._removals.shutdown(wait=True)
        log.info(self.stats.line(len(self.agents)))
