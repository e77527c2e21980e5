"""The Jenkins side of provisioning: queue, nodes, agent secrets.

A thin wire layer over python-jenkins's authenticated opener (crumbs, auth, timeouts):
one method per endpoint, endpoints as named templates filled with quoted arguments.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from jenkinsbridge.errors import JenkinsApiError, from_jenkins_error

__all__ = ["AgentController", "NodeState", "QueueItem", "label_from_why"]

log = logging.getLogger(__name__)

QUEUE = "queue/api/json?tree=items[id,buildable,blocked,why,inQueueSince,task[name,url],assignedLabel[name]]"
COMPUTERS = ("computer/api/json?tree=computer[displayName,offline,temporarilyOffline,idle,"
             "executors[idle,currentExecutable[url,timestamp]]]")
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


class AgentController:
    def __init__(self, server: Any) -> None:
        """``server``: a ``jenkins.Jenkins`` (python-jenkins) connection."""
        self.server = server

    @classmethod
    def connect(cls, url: str, user: str | None, token: str | None, timeout: float = 30) -> AgentController:
        import jenkins

        return cls(jenkins.Jenkins(url, username=user, password=token, timeout=timeout))

    def _url(self, template: str, **args: str) -> str:
        base = str(self.server.server)
        return base + template.format(**{k: quote(v, safe="") for k, v in args.items()})

    def _open(self, method: str, url: str, *, data: dict[str, str] | None = None, what: str) -> str:
        import requests

        try:
            return str(self.server.jenkins_open(requests.Request(method, url, data=data)))
        except Exception as e:  # python-jenkins raises several unrelated classes
            raise from_jenkins_error(e, action=what) from e

    def queue(self) -> list[QueueItem]:
        data = json.loads(self._open("GET", self._url(QUEUE), what="read the build queue"))
        items = []
        for it in data.get("items", []):
            label = (it.get("assignedLabel") or {}).get("name") or label_from_why(it.get("why"))
            items.append(QueueItem(
                id=int(it["id"]), label=label, buildable=bool(it.get("buildable")),
                in_queue_since=float(it.get("inQueueSince", 0)) / 1000.0, why=str(it.get("why") or ""),
                task=str((it.get("task") or {}).get("name", "")),
            ))
        return items

    def nodes(self) -> dict[str, NodeState]:
        data = json.loads(self._open("GET", self._url(COMPUTERS), what="list nodes"))
        out = {}
        for c in data.get("computer", []):
            executors = c.get("executors", []) or []
            busy = any(not e.get("idle", True) for e in executors)
            stamps = [float(run["timestamp"]) / 1000.0 for e in executors
                      if isinstance(run := e.get("currentExecutable"), dict) and run.get("timestamp")]
            name = str(c.get("displayName"))
            out[name] = NodeState(name, bool(c.get("offline")), bool(c.get("temporarilyOffline")),
                                  busy or not c.get("idle", True), min(stamps) if stamps else None)
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
        self._open("POST", self._url(CREATE_NODE) + "?" + query,
                   data={"name": name, "type": NODE_TYPE, "json": json.dumps(inner)},
                   what=f"create node {name}")

    def agent_secret(self, name: str) -> str:
        text = self._open("GET", self._url(NODE_JNLP, name=name), what=f"read the secret of {name}")
        m = re.search(r"<argument>([0-9a-fA-F]{16,})</argument>", text)
        if not m:
            raise JenkinsApiError(f"no agent secret in {NODE_JNLP.format(name=name)}")
        return m.group(1)

    def stop_accepting(self, name: str, message: str) -> None:
        """Mark the node temporarily offline: the running build goes on, no new one starts."""
        url = self._url(NODE_TOGGLE_OFFLINE, name=name) + "?" + urlencode({"offlineMessage": message})
        self._open("POST", url, what=f"take {name} off the queue")

    def node_info(self, name: str) -> dict[str, Any]:
        url = self._url(NODE_INFO.split("?")[0], name=name) + "?" + NODE_INFO.split("?")[1]
        return dict(json.loads(self._open("GET", url, what=f"read node {name}")))

    def delete_node(self, name: str) -> bool:
        try:
            self._open("POST", self._url(NODE_DELETE, name=name), what=f"delete node {name}")
            return True
        except JenkinsApiError as e:
            if e.status == 404:
                return False
            raise


def now() -> float:
    return time.time()
