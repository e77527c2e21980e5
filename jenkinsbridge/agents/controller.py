"""The Jenkins side of provisioning: queue, nodes, agent secrets.

A thin layer over :class:`jenkinsbridge.jenkins.wire.JenkinsWire` (auth, crumbs, retries of
idempotent requests, no redirects, errors mapped): one method per endpoint, endpoints as
named templates filled with quoted arguments.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

from jenkinsbridge.errors import JenkinsApiError, NotFoundError
from jenkinsbridge.jenkins.wire import JenkinsWire

__all__ = ["AgentController", "NodeState", "QueueItem", "label_from_why"]

log = logging.getLogger(__name__)

# Only exported fields: a queue item's assigned label is not one (core Queue.java), so the
# label is read from `why`, which names it while each template has its placeholder nodes
# (agents/placeholders.py).
QUEUE = "queue/api/json?tree=items[id,buildable,blocked,why,inQueueSince,task[name,url]]"
COMPUTERS = ("computer/api/json?tree=computer[displayName,offline,temporarilyOffline,idle,"
             "assignedLabels[name],executors[idle,currentExecutable[url,timestamp]]]")
CREATE_NODE = "computer/doCreateItem"
NODE_JNLP = "computer/{name}/jenkins-agent.jnlp"
NODE_TOGGLE_OFFLINE = "computer/{name}/toggleOffline"
NODE_DELETE = "computer/{name}/doDelete"
NODE_INFO = "computer/{name}/api/json?tree=displayName,description,offline,idle"
NODE_TYPE = "hudson.slaves.DumbSlave$DescriptorImpl"
LAUNCHER_INBOUND = "hudson.slaves.JNLPLauncher"

_WHY_LABEL = (
    re.compile(r"Waiting for next available executor on [\u2018'](.+)[\u2019']"),
    re.compile(r"There are no nodes with the label [\u2018'](.+)[\u2019']"),
    re.compile(r"All nodes of label [\u2018'](.+)[\u2019'] are offline"),
    re.compile(r"doesn[\u2019']t have label [\u2018'](.+)[\u2019']"),
)


def job_of_task(url: str, name: str) -> str:
    """The job's full name from a waiting task's URL: a pipeline's ``node`` step waits as a
    placeholder whose URL is the run's (``…/job/app/job/api/7/``), a freestyle build as the
    job itself (``…/job/app/job/api/``). Falls back to the task's name."""
    path = urlsplit(url).path.strip("/").split("/") if url else []
    names, i = [], 0
    while i < len(path):
        if path[i] == "job" and i + 1 < len(path):
            names.append(unquote(path[i + 1]))
            i += 2
        else:
            i += 1
    return "/".join(names) or name


def label_from_why(why: str | None) -> str | None:
    """The label expression a waiting item asks for, from Jenkins's `why` text."""
    for rx in _WHY_LABEL:
        m = rx.search(why or "")
        if m:
            return m.group(1)
    return None


@dataclass(frozen=True)
class QueueItem:
    id: int
    label: str | None
    buildable: bool
    in_queue_since: float  # seconds since the epoch
    why: str
    task: str


@dataclass(frozen=True)
class NodeState:
    name: str
    offline: bool
    temporarily_offline: bool
    busy: bool
    build_started: float | None = None  # seconds since the epoch, of the build it runs
    labels: frozenset[str] | None = None  # None: not read


class AgentController:
    def __init__(self, wire: JenkinsWire) -> None:
        self.wire = wire

    @classmethod
    def connect(cls, url: str, user: str | None, token: str | None, timeout: float = 30) -> AgentController:
        # few, short retries and no outage window: the loop polls again soon anyway, and
        # rides out a controller restart pass by pass
        return cls(JenkinsWire(url, user, token, timeout=timeout, retries=2, backoff=0.25, outage=0))

    @staticmethod
    def _path(template: str, **args: str) -> str:
        return template.format(**{k: quote(v, safe="") for k, v in args.items()})

    def _json(self, path: str, what: str) -> Any:
        return self.wire.json(path, action=what)

    def _post(self, path: str, what: str, *, form: dict[str, str] | None = None, idempotent: bool) -> str:
        data = urlencode(form).encode("utf-8") if form is not None else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if form is not None else None
        return self.wire.request("POST", path, data=data, headers=headers, idempotent=idempotent,
                                 action=what).text

    def queue(self) -> list[QueueItem]:
        data = self._json(QUEUE, "read the build queue")
        items = []
        for it in data.get("items", []):
            label = label_from_why(it.get("why"))
            items.append(QueueItem(
                id=int(it["id"]), label=label, buildable=bool(it.get("buildable")),
                in_queue_since=float(it.get("inQueueSince", 0)) / 1000.0, why=str(it.get("why") or ""),
                task=job_of_task(str((it.get("task") or {}).get("url") or ""),
                                 str((it.get("task") or {}).get("name") or "")),
            ))
        return items

    def nodes(self) -> dict[str, NodeState]:
        data = self._json(COMPUTERS, "list nodes")
        out = {}
        for c in data.get("computer", []):
            executors = c.get("executors", []) or []
            busy = any(not e.get("idle", True) for e in executors)
            stamps = [float(run["timestamp"]) / 1000.0 for e in executors
                      if isinstance(run := e.get("currentExecutable"), dict) and run.get("timestamp")]
            name = str(c.get("displayName"))
            labels = c.get("assignedLabels")
            out[name] = NodeState(name, bool(c.get("offline")), bool(c.get("temporarilyOffline")),
                                  busy or not c.get("idle", True), min(stamps) if stamps else None,
                                  frozenset(str(x.get("name")) for x in labels) if isinstance(labels, list)
                                  else None)
        return out

    def create_node(self, name: str, labels: list[str], remote_fs: str, description: str) -> None:
        """One inbound (JNLP) node with one executor, used only for jobs tied to its labels."""
        inner = {
            "name": name, "nodeDescription": description, "numExecutors": "1",
            "remoteFS": remote_fs, "labelString": " ".join(labels), "mode": "EXCLUSIVE",
            "type": NODE_TYPE,
            "retentionStrategy": {"stapler-class": "hudson.slaves.RetentionStrategy$Always"},
            "nodeProperties": {"stapler-class-bag": "true"},
            "launcher": {"stapler-class": LAUNCHER_INBOUND, "$class": LAUNCHER_INBOUND},
        }
        query = urlencode({"name": name, "type": NODE_TYPE})
        self._post(f"{CREATE_NODE}?{query}", f"create node {name}", idempotent=False,
                   form={"name": name, "type": NODE_TYPE, "json": json.dumps(inner)})

    def agent_secret(self, name: str) -> str:
        path = self._path(NODE_JNLP, name=name)
        text = self.wire.request("GET", path, action=f"read the secret of {name}").text
        m = re.search(r"<argument>([0-9a-fA-F]{16,})</argument>", text)
        if not m:
            raise JenkinsApiError(f"no agent secret in {path}")
        return m.group(1)

    def stop_accepting(self, name: str, message: str) -> None:
        """Mark the node temporarily offline: the running build goes on, no new one starts.
        (A toggle: sent once per agent, never retried.)"""
        path = self._path(NODE_TOGGLE_OFFLINE, name=name) + "?" + urlencode({"offlineMessage": message})
        self._post(path, f"take {name} off the queue", idempotent=False)

    def node_info(self, name: str) -> dict[str, Any]:
        return dict(self._json(self._path(NODE_INFO, name=name), f"read node {name}"))

    def delete_node(self, name: str) -> bool:
        try:
            self._post(self._path(NODE_DELETE, name=name), f"delete node {name}", idempotent=True)
            return True
        except NotFoundError:
            return False
