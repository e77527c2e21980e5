"""HTTP handling of the double: one route per Jenkins endpoint we or python-jenkins call."""

from __future__ import annotations

import time
import traceback
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.support.jenkins_double import folder_credentials
from tests.support.jenkins_double.agents import handle_agent_paths
from tests.support.jenkins_double.builds import wfapi_runs
from tests.support.jenkins_double.common import Plain, Reply, error_page, json_reply
from tests.support.jenkins_double.declarative import after_run
from tests.support.jenkins_double.exporter import export, parse_tree
from tests.support.jenkins_double.items import (
    FOLDER_CLASS,
    ITEM_MODES,
    ITEM_TYPES,
    ConfigRejected,
    Folder,
    Job,
    parse_config,
)
from tests.support.jenkins_double.routes_agents import AgentRoutes
from tests.support.jenkins_double.routes_credentials import CredentialRoutes
from tests.support.jenkins_double.routes_views import ViewRoutes, default_views
from tests.support.jenkins_double.security import PERMISSIONS, Caller, Security
from tests.support.jenkins_double.state import Recorded, State
from tests.support.jenkins_double.xstream import resave

__all__ = ["Handler", "Reply"]

_UNSAFE = set("?*/\\%!@#$^&|<>[]:;")


class Handler(AgentRoutes, CredentialRoutes, ViewRoutes, BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    state: State
    security: Security
    server_version = "Jetty(10.0.20)"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    # -- plumbing
    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    @property
    def base(self) -> str:
        host = self.headers.get("Host") or f"{self.server.server_address[0]}:{self.server.server_address[1]}"
        return f"http://{host}/"

    def _handle(self, method: str) -> None:
        if self.state.down:  # the controller is restarting: this connection ends unanswered
            self.close_connection = True
            return
        split = urlsplit(self.path)
        path = unquote(split.path)
        if handle_agent_paths(self, method, path):  # unprotected, like Jenkins
            return
        self.query = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        st = self.state
        if path.startswith("/_double/"):  # the test harness's own endpoints: not Jenkins, not recorded
            self._control(method, path)
            return
        if st.latency:
            time.sleep(st.latency)
        fault = st.fault_for(method, path)
        caller: Caller | None = None
        reply: Reply
        try:
            if fault is not None and not fault.after:
                raise Reply(fault.status, error_page(fault.status, "Service Unavailable"))
            # BasicHeaderProcessor / BasicHeaderApiTokenAuthenticator: a wrong user or token is a
            # 401 with WWW-Authenticate (jenkinsci/jenkins core/src/main/java/jenkins/security/
            # BasicHeaderProcessor.java); anonymous then needs Overall/Read for everything
            # but the agent and crumb endpoints (core jenkins/model/Jenkins.java, getTarget)
            caller = self.security.authenticate(self.headers.get("Authorization"), self.headers.get("Cookie"))
            if caller is None:
                raise Reply(401, error_page(401, "Invalid password/token for user"),
                            headers={"WWW-Authenticate": 'Basic realm="Jenkins"'})
            self.caller = caller
            self._need("Overall/Read")
            # CrumbFilter: a POST without a valid crumb is refused before any action, except
            # for API token callers (core hudson/security/csrf/CrumbFilter.java; 2.96+)
            if method == "POST" and not self._crumb_ok(path):
                raise Reply(403, error_page(403, "No valid crumb was included in the request"))
            with st.lock:
                reply = self._route(method, path)
        except Reply as r:
            reply = r
        except ConfigRejected as e:
            reply = Reply(e.status, error_page(e.status, e.message))
        except Exception as e:  # a bug in the double: answer 500 and show it
            traceback.print_exc()
            reply = Reply(500, error_page(500, f"double: {type(e).__name__}: {e}"))
        if fault is not None and fault.after:
            reply = Reply(fault.status, error_page(fault.status, "Service Unavailable"))
        crumb_sent = any(h.lower() == "jenkins-crumb" for h in self.headers)
        st.record(Recorded(method=method, path=path, query=split.query,
                           user=caller.user if caller else "?", via=caller.via if caller else "?",
                           status=reply.status, at=time.time(), crumb=crumb_sent))
        if fault is not None and fault.status == 0:
            self.close_connection = True
            self.connection.close()
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.ctype)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("X-Jenkins", st.version)
        self.send_header("X-Content-Type-Options", "nosniff")
        if caller is not None:
            self.send_header("X-You-Are-Authenticated-As", caller.user)
            if caller.new_cookie:
                self.send_header("Set-Cookie", caller.new_cookie)
        for k, v in reply.headers.items():  # header values are Latin-1 on the wire
            self.send_header(k, v.translate({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"'}))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(reply.body)

    def _crumb_ok(self, path: str) -> bool:
        header = self.headers.get("Jenkins-Crumb")
        return self.security.crumb_ok(self.caller, header)

    def _lacks(self, permission: str) -> bool:
        return self.security.missing(self.caller, permission)

    def _need(self, permission: str) -> None:
        if self.security.missing(self.caller, permission):
            permission = self.security.effective(permission)
            msg = f"{self.caller.user} is missing the {permission} permission"
            raise Reply(403, error_page(403, msg), headers={
                "X-Required-Permission": PERMISSIONS[permission],
                "X-Permission-Implied-By": "hudson.model.Hudson.Administer"})

    # -- routing
    def _route(self, method: str, path: str) -> Reply:
        parts = [p for p in path.split("/") if p]
        if not parts:
            return Reply(200, "<html><body>Dashboard [Jenkins]</body></html>")
        head = parts[0]
        if head == "crumbIssuer":
            return self._crumb(parts[1:])
        if head == "pluginManager" and parts[1:2] == ["api"]:
            # PluginManager.getApi / doPlugins: Jenkins.SYSTEM_READ (jenkinsci/jenkins
            # core/src/main/java/hudson/PluginManager.java)
            self._need("Overall/SystemRead")
            return self._api(_PluginManager(self.state))
        if head == "queue":
            return self._queue(method, parts[1:])
        if head == "computer":
            return self._computer(method, parts[1:])
        if head == "user" and len(parts) >= 3 and parts[2] == "credentials":
            return self._user_credentials(method, parts[1], parts[3:])
        if head in {"me", "whoAmI"} and parts[1:2] == ["api"]:
            return json_reply({"_class": "hudson.security.WhoAmI", "name": self.caller.user,
                          "authenticated": self.caller.via != "anonymous"})
        # item paths: (job/NAME)* then the rest
        item: Job = self.state.root
        i = 0
        while i + 1 < len(parts) and parts[i] == "job":
            # AbstractFolder.getItem / Jenkins.getItem: an item the caller may not read is
            # not there for them (null: 404), unless they may discover it (403)
            # (jenkinsci/cloudbees-folder-plugin AbstractFolder.java; core jenkins/model/Jenkins.java)
            if not isinstance(item, Folder) or parts[i + 1] not in item.children or self._lacks("Job/Read"):
                raise Reply(404, error_page(404, "Not Found"))
            item = item.children[parts[i + 1]]
            i += 2
        return self._item(method, item, parts[i:])

    # -- the root and items
    def _item(self, method: str, item: Job, rest: list[str]) -> Reply:
        if not rest:
            return Reply(200, f"<html><body>{item.full_name}</body></html>")
        head = rest[0]
        if head == "api":
            bound = item.bind(self.base)
            bound.csrf = self.security.csrf
            # ItemGroup.getItems lists only items the caller may read
            bound.readable = not self._lacks("Job/Read")
            return self._api(bound)
        if head == "createItem" and method == "POST" and isinstance(item, Folder):
            return self._create_item(item)
        if head == "createView" and method == "POST" and isinstance(item, Folder):
            return self._create_view(item)
        if head == "view" and len(rest) >= 2 and isinstance(item, Folder):
            return self._view(method, item, rest[1], rest[2:])
        if head == "credentials" and rest[1:3] in (["store", "system"], ["store", "folder"]):
            return self._credentials(method, item, rest[2], rest[3:])
        if item is self.state.root:
            raise Reply(404, error_page(404, "Not Found"))
        if head == "config.xml":
            if method == "GET":
                # AbstractItem.doConfigDotXml: Item.EXTENDED_READ (jenkinsci/jenkins
                # core/src/main/java/hudson/model/AbstractItem.java); a folder's answer
                # carries its credentials store (folder_credentials.py)
                self._need("Job/ExtendedRead")
                xml = item.xml
                if isinstance(item, Folder):
                    xml = resave(folder_credentials.inject(xml, self.state.credentials.get(item.full_name, {})),
                                 self.state.versions())
                return Reply(200, xml, "application/xml")
            if method == "POST":
                self._need("Job/Configure")
                return self._update_item(item)
        if head == "doDelete" and method == "POST":
            self._need("Job/Delete")
            self._delete_item(item)
            return Reply(302, b"", headers={"Location": item.parent.url(self.base)})
        # ParameterizedJobMixIn.doBuild: Item.BUILD; 201 with the queue item's URL in Location
        # (jenkinsci/jenkins core/src/main/java/jenkins/model/ParameterizedJobMixIn.java)
        if head in {"build", "buildWithParameters"} and method == "POST" and not isinstance(item, Folder):
            self._need("Job/Build")
            q = self.state.scheduler.enqueue(item.full_name, _pipeline_label(item))
            # the run starts at once (flyweight) and a declarative pipeline re-saves its job
            item.xml = resave(after_run(item.xml), self.state.versions())
            return Reply(201, b"", headers={"Location": f"{self.base}queue/item/{q.id}/"})
        if head == "wfapi" and rest[1:] == ["runs"] and item.tag == "flow-definition" \
                and "pipeline-stage-view" in self.state.active_plugins():  # builds.py wfapi_runs
            self._need("Job/Read")
            return json_reply(wfapi_runs(item))
        if head.isdigit() and rest[1:2] == ["api"]:
            for b in self.state.scheduler.builds:
                if b.job == item.full_name and b.number == int(head):
                    return json_reply(b.exported(self.base))
        raise Reply(404, error_page(404, "Not Found"))

    def _api(self, obj: Any) -> Reply:
        # hudson.model.Api.doJson: ``tree=`` or ``depth`` (jenkinsci/jenkins core/src/main/java/
        # hudson/model/Api.java; exporter.py). A malformed tree (brackets, braces, a range
        # like {a} or {-1,2}) or a depth that is no number is a 500: stapler
        # core/src/main/java/org/kohsuke/stapler/ResponseImpl.java serveExposedBean turns
        # NamedPathPruner's IllegalArgumentException (and the NumberFormatException of depth)
        # into a ServletException, which Jenkins answers with status 500 and its "oops" page
        # (core/src/main/resources/META-INF/web-fragment.xml error-page java.lang.Throwable ->
        # /oops; core/src/main/java/hudson/init/impl/InstallUncaughtExceptionHandler.java).
        fmt = self.query.get("tree")
        try:
            tree = parse_tree(fmt) if fmt is not None else None
        except ValueError as e:
            raise Reply(500, error_page(500, f"Malformed tree expression: {e}")) from e
        try:
            depth = int(self.query.get("depth") or 0) if fmt is None else 0
        except ValueError as e:
            raise Reply(500, error_page(500, "Depth parameter must be a number")) from e
        return json_reply(export(obj, tree=tree, depth=depth))

    def _create_item(self, folder: Folder) -> Reply:
        """ItemGroupMixIn.createTopLevelItem (jenkinsci/jenkins core/src/main/java/hudson/model/
        ItemGroupMixIn.java): Item.CREATE on the parent; ``name`` required; the name checked
        by Jenkins.checkGoodName (unsafe characters, "." and "..", texts from core
        Messages.properties, also in X-Error); an existing name is a 400 "A job already
        exists with the name"; ``mode=copy&from=``, ``mode=<descriptor>`` or an XML body
        (Items.load: an unknown root class is a 500)."""
        self._need("Job/Create")
        name = self.query.get("name")
        form: dict[str, str] = {}
        ctype = self.headers.get("Content-Type", "")
        if "form-urlencoded" in ctype:
            form = {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8"), keep_blank_values=True).items()}
            name = name or form.get("name")
        if not name:
            raise Reply(400, error_page(400, "Query parameter 'name' is required"))
        bad = next((c for c in name if c in _UNSAFE), None)
        if bad or name in {".", ".."}:
            msg = f"\u2018{bad}\u2019 is an unsafe character" if bad else f"\u201c{name}\u201d is not an allowed name"
            raise Reply(400, error_page(400, msg), headers={"X-Error": msg})
        if name in folder.children:
            msg = f"A job already exists with the name \u2018{name}\u2019"
            raise Reply(400, error_page(400, msg), headers={"X-Error": msg})
        mode = form.get("mode") or self.query.get("mode")
        if mode == "copy":
            src = folder.children.get(form.get("from") or self.query.get("from") or "")
            if src is None:
                raise Reply(400, error_page(400, "No such job"))
            xml = src.xml
        elif mode:
            tag = ITEM_MODES.get(mode)
            if tag is None:
                raise Reply(400, error_page(400, f"No item type {mode} is known"))
            xml = f"<?xml version='1.1' encoding='UTF-8'?>\n<{tag}><description/></{tag}>".encode()
        else:
            xml = self.body
        root = parse_config(xml, ITEM_TYPES, self.state.active_plugins())
        cls = Folder if root.tag == FOLDER_CLASS else Job
        store: dict[str, bytes] = {}
        if cls is Folder:
            xml, store = folder_credentials.extract(xml)
        child = cls(name=name, xml=resave(xml, self.state.versions()), parent=folder)  # type: ignore[call-arg]
        folder.children[name] = child
        if isinstance(child, Folder):
            self.state.credentials[child.full_name] = store
        return Reply(200, b"")

    def _update_item(self, item: Job) -> Reply:
        """AbstractItem.updateByXml (core hudson/model/AbstractItem.java): another item class
        is refused with "Expecting class … but got class … instead"; the item is then loaded
        from the posted XML and saved by XStream (xstream.py)."""
        root = parse_config(self.body, ITEM_TYPES, self.state.active_plugins())
        if root.tag != item.tag:
            raise Reply(500, error_page(500, f"java.io.IOException: Expecting class {item.cls} but got "
                                              f"class {ITEM_TYPES[root.tag][0]} instead"))
        xml = self.body
        if isinstance(item, Folder):
            # the posted config replaces the folder's properties, its credentials included
            xml, self.state.credentials[item.full_name] = folder_credentials.extract(xml)
            xml = default_views(xml)
        item.xml = resave(xml, self.state.versions())
        return Reply(200, b"")

    def _delete_item(self, item: Job) -> None:
        # AbstractItem.doDoDelete: Item.DELETE, then a 302 to the parent (core AbstractItem.java);
        # a folder's credentials go with it (they live in its config.xml)
        del item.parent.children[item.name]
        if isinstance(item, Folder):
            prefix = item.full_name
            for key in [k for k in self.state.credentials if k == prefix or k.startswith(prefix + "/")]:
                del self.state.credentials[key]

    # -- credentials stores
    # -- crumbs
    def _crumb(self, rest: list[str]) -> Reply:
        # crumbIssuer/api: DefaultCrumbIssuer exports crumb and crumbRequestField; with CSRF
        # protection off there is no crumbIssuer (404) (core hudson/security/csrf/CrumbIssuer.java)
        if not self.security.csrf:
            raise Reply(404, error_page(404, "Not Found"))
        crumb = self.security.crumb_for(self.caller)
        if rest == ["api", "json"]:
            return json_reply({"_class": "hudson.security.csrf.DefaultCrumbIssuer", "crumb": crumb,
                          "crumbRequestField": "Jenkins-Crumb"})
        if rest == ["api", "xml"]:
            xpath = self.query.get("xpath")
            if xpath == 'concat(//crumbRequestField,":",//crumb)':
                return Reply(200, f"Jenkins-Crumb:{crumb}", "text/plain;charset=utf-8")
            return Reply(200, f'<defaultCrumbIssuer _class="hudson.security.csrf.DefaultCrumbIssuer">'
                              f"<crumb>{crumb}</crumb><crumbRequestField>Jenkins-Crumb</crumbRequestField>"
                              f"</defaultCrumbIssuer>", "application/xml;charset=utf-8")
        raise Reply(404, error_page(404, "Not Found"))

    # -- queue and nodes
class _PluginManager:
    def __init__(self, state: State) -> None:
        self.state = state

    def exported(self) -> dict[str, Any]:
        plugins = [Plain({"_class": "hudson.PluginWrapper", "active": p.get("active", True),
                           "enabled": p.get("enabled", True), "shortName": name, "longName": name,
                           "version": p["version"],
                           "hasUpdate": False, "pinned": False, "bundled": False, "dependencies": [],
                           "url": ""})
                   for name, p in sorted(self.state.plugins.items())]
        return {"_class": "hudson.LocalPluginManager", "plugins": plugins}

    def summary(self) -> dict[str, Any]:
        return {"_class": "hudson.LocalPluginManager"}


def _pipeline_label(item: Job) -> str | None:
    """The ``agent { label '...' }`` of an inline pipeline script, which is what the build
    will ask a node for."""
    import re

    script = item.root.findtext("definition/script") or ""
    m = re.search(r"agent\s*\{\s*label\s+'((?:[^'\\]|\\.)*)'", script)
    return m.group(1) if m else None
