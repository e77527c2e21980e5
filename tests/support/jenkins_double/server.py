"""The Jenkins API double: a threaded HTTP server on 127.0.0.1 with a test-side API."""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from typing import Any

from tests.support.jenkins_double.declarative import after_run
from tests.support.jenkins_double.handler import Handler
from tests.support.jenkins_double.items import FOLDER_CLASS, Folder, Job
from tests.support.jenkins_double.queue import Build, QueueItem, Scheduler
from tests.support.jenkins_double.security import Security
from tests.support.jenkins_double.state import DEFAULT_PLUGINS, Fault, Recorded, State
from tests.support.jenkins_double.xstream import resave

__all__ = ["JenkinsDouble"]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


class JenkinsDouble:
    """Start with ``with JenkinsDouble() as jd:``; ``jd.url``, ``jd.user``, ``jd.token``,
    ``jd.password``. Everything the tests need to arrange or inspect is a method here."""

    def __init__(self, *, plugins: dict[str, str] | None = None, latency: float = 0.0,
                 anonymous_read: bool = False, csrf: bool = True) -> None:
        plugin_map = DEFAULT_PLUGINS if plugins is None else plugins
        self.state = State(plugins={n: {"version": v, "active": True, "enabled": True}
                                    for n, v in plugin_map.items()}, latency=latency)
        self.security = Security(anonymous_read=anonymous_read, csrf=csrf)
        self.user = "admin"
        self.password = "admin-password"
        self.token = self.security.add_user(self.user, self.password)
        handler = type("BoundHandler", (Handler,), {"state": self.state, "security": self.security})
        self._handler = handler
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread: threading.Thread | None = None

    # -- lifecycle
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> JenkinsDouble:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="jenkins-double", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def restart(self, down_for: float) -> threading.Thread:
        """The controller restarts: for ``down_for`` seconds nothing listens (connection
        refused) and open connections are dropped at their next request; then it serves
        again with every web session gone (crumbs issued before fail). Items, views,
        credentials, nodes and the queue persist, as Jenkins keeps them on disk
        (``JENKINS_HOME``, ``queue.xml``). Returns the thread that brings it back."""
        host, port = self._server.server_address[:2]
        with self.state.lock:
            self.state.down = True
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

        def back() -> None:
            time.sleep(down_for)
            self.security.expire_sessions()
            self._server = _Server((str(host), int(port)), self._handler)
            with self.state.lock:
                self.state.down = False
            self.start()

        thread = threading.Thread(target=back, name="jenkins-double-restart", daemon=True)
        thread.start()
        return thread

    def __enter__(self) -> JenkinsDouble:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- request log
    @property
    def requests(self) -> list[Recorded]:
        with self.state.lock:
            return list(self.state.log)

    def reset_requests(self) -> None:
        with self.state.lock:
            self.state.log.clear()

    def count(self, method: str | None = None, contains: str = "") -> int:
        return sum(1 for r in self.requests if (method is None or r.method == method) and contains in r.path)

    # -- faults
    def fail(self, status: int = 503, *, nth: int = 1, times: int = 1, after: bool = False,
             method: str | None = None, contains: str = "",
             match: Callable[[str, str], bool] | None = None) -> Fault:
        """Answer ``status`` to the ``nth`` matching request (and ``times - 1`` after it);
        ``status=0`` drops the connection; ``after=True`` carries the request out first."""
        def default(m: str, p: str) -> bool:
            return (method is None or m == method) and contains in p
        fault = Fault(status=status, match=match or default, nth=nth, times=times, after=after)
        with self.state.lock:
            self.state.faults.append(fault)
        return fault

    def expire_crumbs(self) -> None:
        """End every web session, so crumbs issued so far are refused."""
        self.security.expire_sessions()

    # -- items
    def item(self, path: str) -> Job | None:
        with self.state.lock:
            return self.state.resolve([p for p in path.split("/") if p])

    def config(self, path: str) -> str:
        item = self.item(path)
        if item is None:
            raise KeyError(path)
        return item.xml.decode("utf-8")

    def set_config(self, path: str, xml: str) -> None:
        """Change an item's config.xml as someone saving it in the web UI would (Jenkins
        saves it through XStream)."""
        item = self.item(path)
        if item is None:
            raise KeyError(path)
        with self.state.lock:
            item.xml = resave(xml.encode("utf-8"), self.state.versions())

    def edit(self, path: str, old: str, new: str) -> None:
        """A hand edit in the configure page: replace ``old`` by ``new`` in the saved config."""
        text = self.config(path)
        if old not in text:
            raise AssertionError(f"{old!r} is not in {path}'s config.xml")
        self.set_config(path, text.replace(old, new, 1))

    def run_declarative(self, path: str) -> None:
        """A run of a declarative pipeline starts: its job is re-saved with the properties
        of its Jenkinsfile and the declarative actions (declarative.py)."""
        item = self.item(path)
        if item is None:
            raise KeyError(path)
        with self.state.lock:
            item.xml = resave(after_run(item.xml), self.state.versions())

    def resave_all(self, *, run_pipelines: bool = True) -> int:
        """Jenkins saves every item again (e.g. after a plugin update; or every pipeline
        runs once, with ``run_pipelines``); returns how many items were saved."""
        with self.state.lock:
            items = list(self.walk())
            for item in items:
                xml = after_run(item.xml) if run_pipelines else item.xml
                item.xml = resave(xml, self.state.versions())
        return len(items)

    def put(self, path: str, xml: str) -> Job:
        """Create an item directly (parents must exist)."""
        parts = [p for p in path.split("/") if p]
        with self.state.lock:
            parent = self.state.resolve(parts[:-1])
            if not isinstance(parent, Folder):
                raise KeyError(path)
            data = xml.encode("utf-8")
            cls = Folder if ET.fromstring(data).tag == FOLDER_CLASS else Job
            child = cls(name=parts[-1], xml=data, parent=parent)  # type: ignore[call-arg]
            parent.children[parts[-1]] = child
            return child

    def walk(self) -> Iterator[Job]:
        """Every item, parents first."""
        stack: list[Job] = list(self.state.root.children.values())
        while stack:
            it = stack.pop(0)
            yield it
            if isinstance(it, Folder):
                stack.extend(it.children.values())

    def paths(self) -> list[str]:
        with self.state.lock:
            return sorted(i.full_name for i in self.walk())

    def views(self, folder: str = "") -> dict[str, list[str]]:
        """View name -> job names, in a folder ('' = the root)."""
        with self.state.lock:
            owner = self.state.resolve([p for p in folder.split("/") if p])
            assert isinstance(owner, Folder)
            return {n: v.job_names() for n, v in owner.views().items()}

    # -- plugins and credentials
    def set_plugin(self, name: str, version: str | None, *, enabled: bool = True) -> None:
        """Install (``version``), disable (``enabled=False``) or remove (``version=None``) a plugin."""
        with self.state.lock:
            if version is None:
                self.state.plugins.pop(name, None)
            else:
                self.state.plugins[name] = {"version": version, "active": enabled, "enabled": enabled}

    def credentials(self, store: str = "") -> dict[str, str]:
        """Credentials id -> stored XML (with secrets) of the system store or a folder's store."""
        with self.state.lock:
            return {k: v.decode("utf-8") for k, v in self.state.credentials.get(store, {}).items()}

    def add_credentials(self, cid: str, store: str = "", secret: str = "s3cret", *, domain: str = "_",
                        scope: str = "GLOBAL", user: str | None = None) -> None:
        """A secret-text credential in a store ('' system, else a folder), in ``domain``;
        with ``user``, in that user's own store instead."""
        xml = ("<org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>"
               f"<scope>{scope}</scope><id>{cid}</id><description/><secret>{secret}</secret>"
               "</org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>").encode()
        with self.state.lock:
            if user is not None:
                self.state.user_credentials.setdefault(user, {})[cid] = xml
            elif domain == "_":
                self.state.credentials.setdefault(store, {})[cid] = xml
            else:
                self.state.domains.setdefault(store, {}).setdefault(domain, {})[cid] = xml

    # -- queue, nodes, builds (for agent provisioning)
    @property
    def scheduler(self) -> Scheduler:
        return self.state.scheduler

    def enqueue(self, job: str, label: str | None = None) -> QueueItem:
        """Put a build of ``job`` in the queue, waiting for a node matching ``label``."""
        return self.scheduler.enqueue(job, label)

    def connect_agent(self, name: str, secret: str) -> bool:
        """An inbound agent connects with the node's secret; the node comes online."""
        return self.scheduler.connect(name, secret)

    def running(self) -> list[Build]:
        with self.scheduler.lock:
            return [b for b in self.scheduler.builds if b.result is None]

    def finish(self, build: Build, result: str = "SUCCESS") -> None:
        self.scheduler.finish(build, result)

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Block until ``predicate()`` holds after a queue/node change, or time out."""
        deadline = time.monotonic() + timeout
        with self.scheduler.changed:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.scheduler.changed.wait(left)
        return True

    def info(self) -> dict[str, Any]:
        return {"url": self.url, "items": len(self.paths()), "requests": len(self.requests)}
