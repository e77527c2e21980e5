"""Routes of the double for the build queue, nodes and the harness's own endpoints."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import parse_qs

from tests.support.jenkins_double.common import Plain, Reply, error_page, walk
from tests.support.jenkins_double.items import parse_config


class AgentRoutes:
    """Mixed into the handler: uses its ``state``, ``query``, ``body``, ``_need`` and ``_api``."""

    state: Any
    query: dict[str, str]
    body: bytes
    headers: Any
    wfile: Any

    def _control(self, method: str, path: str) -> None:
        """``/_double/...``: the harness's own endpoints (not Jenkins; not recorded).

        - ``GET stats``, ``POST reset``: the request log.
        - ``POST agent/connect?name=N&secret=S``: an inbound agent connects (403 on a wrong secret).
        - ``GET agent/build?name=N&wait=S``: long-poll for the build the node runs (204: none yet).
        - ``POST agent/finish?name=N&result=R``: the node's build ends. ``POST agent/disconnect?name=N``.
        """
        st = self.state
        sch = st.scheduler
        q = self.query
        status, payload = 200, {}
        if path == "/_double/stats" and method == "GET":
            with st.lock:
                by: dict[str, int] = {}
                for r in st.log:
                    by[r.method] = by.get(r.method, 0) + 1
                payload = {"requests": len(st.log), "by_method": by, "items": sum(1 for _ in walk(st.root))}
        elif path == "/_double/reset" and method == "POST":
            with st.lock:
                st.log.clear()
        elif path == "/_double/agent/connect" and method == "POST":
            if not sch.connect(q.get("name", ""), q.get("secret", "")):
                status, payload = 403, {"error": "unknown node or wrong secret"}
        elif path == "/_double/agent/build" and method == "GET":
            name = q.get("name", "")
            wait = min(float(q.get("wait") or 0), 30.0)

            def current() -> Any:
                node = sch.nodes.get(name)
                return next(iter(node.busy.values()), None) if node else None

            deadline = time.monotonic() + wait
            with sch.changed:
                while current() is None and time.monotonic() < deadline:
                    sch.changed.wait(deadline - time.monotonic())
                build = current()
            if build is None:
                status = 204 if name in sch.nodes else 404
            else:
                payload = {"job": build.job, "number": build.number, "queue_id": build.queue_id}
        elif path == "/_double/agent/finish" and method == "POST":
            node = sch.nodes.get(q.get("name", ""))
            build = next(iter(node.busy.values()), None) if node else None
            if build is None:
                status, payload = 404, {"error": "no build running there"}
            else:
                sch.finish(build, q.get("result") or "SUCCESS")
        elif path == "/_double/agent/disconnect" and method == "POST":
            sch.disconnect(q.get("name", ""))
        else:
            status, payload = 404, {"error": "unknown double endpoint"}
        body = json.dumps(payload).encode() if status != 204 else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _queue(self, method: str, rest: list[str]) -> Reply:
        sch = self.state.scheduler
        if not rest:
            return Reply(200, "<html><body>Queue [Jenkins]</body></html>")
        if rest[:1] == ["api"]:
            # Queue.getItems() lists only items the caller may read (Item.READ on the task;
            # jenkinsci/jenkins core/src/main/java/hudson/model/Queue.java, getItems and
            # Item.hasReadPermission); the others are not even counted
            visible = [] if self._lacks("Job/Read") else sch.waiting()
            items = [Plain(i.exported(self.base, sch.why(i))) for i in visible]
            return self._api(Plain({"_class": "hudson.model.Queue", "discoverableItems": [], "items": items}))
        if rest[:1] == ["item"] and len(rest) >= 2 and rest[1].isdigit():
            item = sch.items.get(int(rest[1]))
            if item is None:
                raise Reply(404, error_page(404, "Not Found"))
            if rest[2:3] == ["api"]:
                # Queue.getItem(id) answers 404 to a caller without Item.READ on the task
                # (core/src/main/java/hudson/model/Queue.java, Queue.Item.hasReadPermission)
                if self._lacks("Job/Read"):
                    raise Reply(404, error_page(404, "Not Found"))
                return self._api(Plain(item.exported(self.base, "" if item.left else sch.why(item))))
            if rest[2:] == ["cancelQueue"] and method == "POST":
                self._need("Job/Cancel")
                sch.cancel(item.id)
                return Reply(204, b"")
        if rest == ["cancelItem"] and method == "POST":
            self._need("Job/Cancel")
            qid = self.query.get("id", "")
            if not qid.isdigit() or int(qid) not in sch.items:
                raise Reply(404, error_page(404, "Not Found"))
            sch.cancel(int(qid))
            return Reply(302, b"", headers={"Location": f"{self.base}queue/"})
        raise Reply(404, error_page(404, "Not Found"))

    def _computer(self, method: str, rest: list[str]) -> Reply:
        sch = self.state.scheduler
        if rest[:1] == ["api"]:
            # ComputerSet exports computer[], busyExecutors, totalExecutors (core ComputerSet.java);
            # each Computer displayName, offline, temporarilyOffline, idle, executors,
            # assignedLabels, offlineCause … (core hudson/model/Computer.java)
            comps = [Plain(_master()), *[Plain(n.exported()) for n in sch.nodes.values()]]
            busy = sum(len(n.busy) for n in sch.nodes.values())
            total = sum(n.executors for n in sch.nodes.values() if n.online)
            return self._api(Plain({"_class": "hudson.model.ComputerSet", "busyExecutors": busy,
                                     "computer": comps, "displayName": "Nodes", "totalExecutors": total}))
        if rest == ["doCreateItem"] and method == "POST":
            # ComputerSet.doDoCreateItem: Computer.CREATE; the form's ``json`` describes the
            # node; an existing name is refused (core hudson/model/ComputerSet.java)
            self._need("Agent/Create")
            return self._create_node()
        if not rest:
            return Reply(200, "<html><body>Nodes [Jenkins]</body></html>")
        name, tail = rest[0], rest[1:]
        if name in {"(built-in)", "(master)"} and tail[:1] == ["api"]:
            return self._api(Plain(_master()))
        node = sch.nodes.get(name)
        if node is None:
            raise Reply(404, error_page(404, "Not Found"))
        if tail[:1] == ["api"]:
            return self._api(Plain(node.exported()))
        if tail == ["config.xml"] and method == "GET":
            # Computer.doConfigDotXml: EXTENDED_READ to read, CONFIGURE to write
            # (jenkinsci/jenkins core/src/main/java/hudson/model/Computer.java)
            self._need("Agent/ExtendedRead")
            return Reply(200, node.xml, "application/xml")
        if tail == ["config.xml"] and method == "POST":
            self._need("Agent/Configure")
            parse_config(self.body, {"slave": ("slave", None)})
            node.xml = self.body
            sch._dispatch()
            return Reply(200, b"")
        if tail == ["doDelete"] and method == "POST":
            # Computer.doDoDelete: Computer.DELETE, then a 302 to computer/ (core Computer.java)
            self._need("Agent/Delete")
            sch.remove_node(name)
            return Reply(302, b"", headers={"Location": f"{self.base}computer/"})
        if tail in (["jenkins-agent.jnlp"], ["slave-agent.jnlp"]):
            # SlaveComputer's JNLP file carries the agent secret and needs Computer.CONNECT
            # (core hudson/slaves/SlaveComputer.java, getJnlpMac; jenkins-agent.jnlp.jelly)
            self._need("Agent/Connect")
            return Reply(200, _jnlp(self.base, name, node.secret), "application/x-java-jnlp-file")
        if tail == ["toggleOffline"] and method == "POST":
            # Computer.doToggleOffline: checkPermission(isTemporarilyOffline() ? CONNECT : DISCONNECT)
            # (jenkinsci/jenkins core/src/main/java/hudson/model/Computer.java)
            self._need("Agent/Connect" if node.temporarily_offline else "Agent/Disconnect")
            node.temporarily_offline = not node.temporarily_offline
            sch._dispatch()
            return Reply(302, b"", headers={"Location": f"{self.base}computer/{name}/"})
        raise Reply(404, error_page(404, "Not Found"))

    def _create_node(self) -> Reply:
        form = {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8"), keep_blank_values=True).items()}
        name = form.get("name") or self.query.get("name")
        if not name:
            raise Reply(400, error_page(400, "Query parameter 'name' is required"))
        if name in self.state.scheduler.nodes:
            raise Reply(400, error_page(400, f"Agent called \u2018{name}\u2019 already exists"))
        if "json" in form:
            spec = json.loads(form["json"])
            xml = _node_xml(name, spec)
        else:
            parse_config(self.body, {"slave": ("slave", None)})
            xml = self.body
        self.state.scheduler.add_node(name, xml)
        return Reply(302, b"", headers={"Location": f"{self.base}computer/"})


def _master() -> dict[str, Any]:
    return {"_class": "hudson.model.Hudson$MasterComputer", "displayName": "Built-In Node",
            "assignedLabels": [{"name": "built-in"}], "numExecutors": 0, "idle": True, "jnlpAgent": False,
            "offline": False, "temporarilyOffline": False, "offlineCause": None, "executors": []}


def _node_xml(name: str, spec: dict[str, Any]) -> bytes:
    root = ET.Element("slave")
    for tag, key in (("name", None), ("description", "nodeDescription"), ("remoteFS", "remoteFS"),
                     ("numExecutors", "numExecutors"), ("mode", "mode"), ("label", "labelString")):
        el = ET.SubElement(root, tag)
        el.text = name if key is None else str(spec.get(key) or "")
    ET.SubElement(root, "retentionStrategy", {"class": "hudson.slaves.RetentionStrategy$Always"})
    launcher = spec.get("launcher") or {}
    ET.SubElement(root, "launcher", {"class": launcher.get("stapler-class", "hudson.slaves.JNLPLauncher")})
    ET.SubElement(root, "nodeProperties")
    return b"<?xml version='1.1' encoding='UTF-8'?>\n" + ET.tostring(root)


def _jnlp(base: str, name: str, secret: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<jnlp codebase="{base}computer/{name}/" spec="1.0+">'
            f"<information><title>Agent for {name}</title><vendor>Jenkins project</vendor></information>"
            f'<application-desc main-class="hudson.remoting.jnlp.Main"><argument>{secret}</argument>'
            f"<argument>{name}</argument><argument>-url</argument><argument>{base}</argument>"
            f"</application-desc></jnlp>")
