"""The build queue, nodes (computers) and builds of the double.

A queued build waits for an online node whose labels satisfy its label expression and
that has a free executor; then it leaves the queue (``executable`` set) and runs until
the test finishes it. Nodes are JNLP (inbound) agents created with
``computer/doCreateItem`` and come online when an agent connects with the node's secret
(:meth:`Scheduler.connect`).

What a client may read of a waiting item follows Jenkins exactly, because that is where a
provisioner has to find the label an item waits for:

* the item's assigned label is not exported (jenkinsci/jenkins
  core/src/main/java/hudson/model/Queue.java: ``Item.getAssignedLabel`` carries no
  ``@Exported``), so the exported item has no ``assignedLabel`` and ``tree=`` naming it
  returns nothing;
* ``why`` is computed live on every read (Queue.java ``Item.getWhy`` calls
  ``getCauseOfBlockage``) by the rules of ``BuildableItem.getCauseOfBlockage``: with no
  agent node at all (``Jenkins.getNodes()`` is empty; the built-in node is not in it) the
  label is dropped and ``why`` is "Waiting for next available executor"; when the label
  matches exactly one node ``why`` names the node (``CauseOfBlockage.BecauseNodeIsOffline``
  / ``BecauseNodeIsBusy``); otherwise it names the label (``BecauseLabelIsOffline`` /
  ``BecauseLabelIsBusy``), texts from core/src/main/resources/hudson/model/Messages.properties
  (``Queue.NodeOffline``, ``Queue.AllNodesOffline``, ``Queue.LabelHasNoNodes``,
  ``Queue.WaitingForNextAvailableExecutor``, ``Queue.WaitingForNextAvailableExecutorOn``);
* the waiting task of a pipeline is the ``node`` step's placeholder, which exports only
  ``name``, ``fullDisplayName`` and ``url`` (the run's), (jenkinsci/workflow-durable-task-step-plugin
  src/main/java/org/jenkinsci/plugins/workflow/support/steps/ExecutorStepExecution.java,
  ``PlaceholderTask``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Build", "Node", "QueueItem", "Scheduler", "label_matches"]

_TOKEN = re.compile(r"\s*(&&|\|\||!|\(|\)|[^\s&|!()]+)")


def label_matches(expr: str | None, labels: set[str]) -> bool:
    """Evaluate a Jenkins label expression (``a && (b || !c)``) against a node's labels."""
    if not expr or not expr.strip():
        return True
    tokens = _TOKEN.findall(expr)
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def atom() -> bool:
        nonlocal pos
        tok = peek()
        if tok is None:
            raise ValueError(f"bad label expression {expr!r}")
        pos += 1
        if tok == "!":
            return not atom()
        if tok == "(":
            v = disj()
            if peek() != ")":
                raise ValueError(f"bad label expression {expr!r}")
            pos += 1
            return v
        return tok.strip("'\"") in labels

    def conj() -> bool:
        nonlocal pos
        v = atom()
        while peek() == "&&":
            pos += 1
            v = atom() and v
        return v

    def disj() -> bool:
        nonlocal pos
        v = conj()
        while peek() == "||":
            pos += 1
            v = conj() or v
        return v

    result = disj()
    if pos != len(tokens):
        raise ValueError(f"bad label expression {expr!r}")
    return result


def label_name(expr: str) -> str:
    """The name Jenkins gives a label expression (what ``why`` shows): operators joined
    without spaces, parentheses kept as written (jenkinsci/jenkins core/src/main/java/
    hudson/model/labels/LabelExpression.java, ``Binary.combine``: paren(op, lhs) + op.str +
    paren(op, rhs); ``Paren``: '(' + expression + ')'; ``Not``: '!' + operand)."""
    return "".join(_TOKEN.findall(expr))


@dataclass(eq=False)
class Build:
    job: str
    number: int
    node: str
    queue_id: int
    started: float = field(default_factory=time.time)
    result: str | None = None  # None while building

    def exported(self, base: str) -> dict[str, Any]:
        return {"_class": "org.jenkinsci.plugins.workflow.job.WorkflowRun", "number": self.number,
                "url": f"{base}{_job_url(self.job)}{self.number}/", "building": self.result is None,
                "result": self.result, "builtOn": self.node, "queueId": self.queue_id,
                "timestamp": int(self.started * 1000), "fullDisplayName": f"{self.job} #{self.number}"}


def _job_url(path: str) -> str:
    return "".join(f"job/{p}/" for p in path.split("/"))


@dataclass(eq=False)
class QueueItem:
    id: int
    job: str
    label: str | None
    since: float = field(default_factory=time.time)
    build: Build | None = None
    cancelled: bool = False
    number: int = 0  # the run the pipeline started for it (its placeholder waits for a node)
    why: str = ""

    @property
    def left(self) -> bool:
        return self.build is not None or self.cancelled

    def exported(self, base: str, why: str = "") -> dict[str, Any]:
        # ExecutorStepExecution.PlaceholderTask: getName()/getFullDisplayName() are
        # "part of <run's full display name>", getUrl() is the run's URL
        run_name = " \u00bb ".join(self.job.split("/"))
        shown = f"part of {run_name} #{self.number}"
        task = {"_class": "org.jenkinsci.plugins.workflow.support.steps.ExecutorStepExecution$PlaceholderTask",
                "name": shown, "fullDisplayName": shown, "url": f"{base}{_job_url(self.job)}{self.number}/"}
        common: dict[str, Any] = {"actions": [], "id": self.id, "inQueueSince": int(self.since * 1000),
                                  "params": "", "task": task, "url": f"queue/item/{self.id}/"}
        if self.left:
            executable = None
            if self.build is not None:
                executable = {"_class": "org.jenkinsci.plugins.workflow.job.WorkflowRun",
                              "number": self.build.number, "url": f"{base}{_job_url(self.job)}{self.build.number}/"}
            return {"_class": "hudson.model.Queue$LeftItem", **common, "blocked": False, "buildable": False,
                    "stuck": False, "why": None, "cancelled": self.cancelled, "executable": executable}
        return {"_class": "hudson.model.Queue$BuildableItem", **common, "blocked": False, "buildable": True,
                "stuck": False, "why": why or self.why, "buildableStartMilliseconds": int(self.since * 1000),
                "pending": False}


@dataclass(eq=False)
class Node:
    name: str
    xml: bytes
    secret: str
    connected: bool = False
    temporarily_offline: bool = False
    busy: dict[int, Build] = field(default_factory=dict)  # executor number -> build

    @property
    def root(self) -> ET.Element:
        return ET.fromstring(self.xml)

    def _text(self, tag: str, default: str = "") -> str:
        el = self.root.find(tag)
        return (el.text or default) if el is not None else default

    @property
    def labels(self) -> set[str]:
        return set(self._text("label").split()) | {self.name}

    @property
    def executors(self) -> int:
        return int(self._text("numExecutors", "1") or 1)

    @property
    def exclusive(self) -> bool:
        return self._text("mode", "NORMAL") == "EXCLUSIVE"

    @property
    def online(self) -> bool:
        return self.connected and not self.temporarily_offline

    def exported(self) -> dict[str, Any]:
        return {
            "_class": "hudson.slaves.SlaveComputer", "displayName": self.name,
            "description": self._text("nodeDescription") or self._text("description"),
            "assignedLabels": [{"name": n} for n in sorted(self.labels)],
            "numExecutors": self.executors, "idle": not self.busy, "jnlpAgent": True,
            "launchSupported": False, "manualLaunchAllowed": True, "offline": not self.online,
            "offlineCause": None if self.online else {"_class": "hudson.slaves.OfflineCause$LaunchFailed"},
            "temporarilyOffline": self.temporarily_offline,
            "executors": [{"currentExecutable": b.exported("") if (b := self.busy.get(i)) else None,
                           "idle": i not in self.busy, "number": i} for i in range(self.executors)],
        }


class Scheduler:
    """Queue, nodes and builds, behind one lock."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.items: dict[int, QueueItem] = {}
        self.nodes: dict[str, Node] = {}
        self.builds: list[Build] = []
        self._next_id = 1
        self._key = hashlib.sha256(str(time.time()).encode()).digest()
        self.changed = threading.Condition(self.lock)
        self.build_numbers: dict[str, int] = {}

    def secret_for(self, name: str) -> str:
        return hmac.new(self._key, name.encode(), hashlib.sha256).hexdigest()

    # -- queue
    def enqueue(self, job: str, label: str | None) -> QueueItem:
        with self.lock:
            number = self.build_numbers.get(job, 1)
            self.build_numbers[job] = number + 1
            item = QueueItem(id=self._next_id, job=job, label=label, number=number)
            self._next_id += 1
            self.items[item.id] = item
            self._dispatch()
            return item

    def cancel(self, item_id: int) -> bool:
        with self.lock:
            item = self.items.get(item_id)
            if item is None or item.left:
                return False
            item.cancelled = True
            self.changed.notify_all()
            return True

    def waiting(self) -> list[QueueItem]:
        with self.lock:
            return [i for i in self.items.values() if not i.left]

    # -- nodes
    def add_node(self, name: str, xml: bytes) -> Node:
        with self.lock:
            node = Node(name=name, xml=xml, secret=self.secret_for(name))
            self.nodes[name] = node
            self._dispatch()
            return node

    def remove_node(self, name: str) -> None:
        with self.lock:
            node = self.nodes.pop(name)
            for b in node.busy.values():
                if b.result is None:
                    b.result = "ABORTED"
            self.changed.notify_all()

    def connect(self, name: str, secret: str) -> bool:
        """An agent connected with ``secret``: the node comes online and takes work."""
        with self.lock:
            node = self.nodes.get(name)
            if node is None or not hmac.compare_digest(node.secret, secret):
                return False
            node.connected = True
            self._dispatch()
            return True

    def disconnect(self, name: str) -> None:
        with self.lock:
            node = self.nodes.get(name)
            if node is not None:
                node.connected = False
                self.changed.notify_all()

    def finish(self, build: Build, result: str = "SUCCESS") -> None:
        with self.lock:
            build.result = result
            for node in self.nodes.values():
                for n, b in list(node.busy.items()):
                    if b is build:
                        del node.busy[n]
            self._dispatch()

    def _dispatch(self) -> None:
        with self.lock:  # request handlers call this holding only the state's lock
            self._dispatch_held()

    def _dispatch_held(self) -> None:
        """Start every waiting item that an online node with a free executor can take."""
        for item in sorted(self.waiting(), key=lambda i: i.id):
            node = self._pick(item)
            if node is None:
                item.why = self.why(item)
                continue
            build = Build(job=item.job, number=item.number, node=node.name, queue_id=item.id)
            free = next(i for i in range(node.executors) if i not in node.busy)
            node.busy[free] = build
            item.build = build
            self.builds.append(build)
        self.changed.notify_all()

    def why(self, item: QueueItem) -> str:
        """``Queue.BuildableItem.getCauseOfBlockage`` (jenkinsci/jenkins core/src/main/java/
        hudson/model/Queue.java) with ``CauseOfBlockage`` texts (core/src/main/java/hudson/
        model/queue/CauseOfBlockage.java, hudson/model/Messages.properties)."""
        with self.lock:
            label = label_name(item.label) if item.label and item.label.strip() else None
            if not self.nodes or label is None:  # "no master/agent. pointless to talk about nodes"
                return "Waiting for next available executor"
            matching = [n for n in self.nodes.values() if label_matches(label, n.labels)]
            if not any(n.online for n in matching):  # Label.isOffline(): no computer of it online
                if len(matching) == 1:
                    return f"\u2018{matching[0].name}\u2019 is offline"
                if not matching:
                    return f"There are no nodes with the label \u2018{label}\u2019"
                return f"All nodes of label \u2018{label}\u2019 are offline"
            if len(matching) == 1:
                return f"Waiting for next available executor on \u2018{matching[0].name}\u2019"
            return f"Waiting for next available executor on \u2018{label}\u2019"

    def _pick(self, item: QueueItem) -> Node | None:
        # Queue.maintain hands a buildable item to an idle executor of an online node that
        # can take it: Node.canTake refuses an item whose label the node lacks and, in mode
        # EXCLUSIVE, an item without a label (core hudson/model/Node.java, canTake;
        # hudson/model/Queue.java, maintain; LoadBalancer.CONSISTENT_HASH picks among them)
        for node in self.nodes.values():
            if not node.online or len(node.busy) >= node.executors:
                continue
            if node.exclusive and not item.label:
                continue
            if label_matches(item.label, node.labels):
                return node
        return None
