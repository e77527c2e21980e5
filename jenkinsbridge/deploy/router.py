"""The nginx router in front of an app: one container per app and environment, its
published port bound on the host, its configuration rendered from nginx.conf.j2 and
applied with a graceful `nginx -s reload`. It also carries the deploy state volume."""

from __future__ import annotations

import hashlib
import io
import logging
import tarfile
import time
from typing import Any

from jenkinsbridge.deploy.engine import Engine
from jenkinsbridge.deploy.model import Deployment, Server
from jenkinsbridge.deploy.templates import render_nginx
from jenkinsbridge.errors import DeployError, DockerOperationError
from jenkinsbridge.render.environment import templates_dir
from jenkinsbridge.waiting import poll

__all__ = ["ROUTER_IMAGE", "Router", "router_image"]

log = logging.getLogger(__name__)
ROUTER_IMAGE = "jenkinsbridge/router"
STATE_DIR = "/var/lib/jenkinsbridge"


def router_image(engine: Engine, base_image: str) -> str:
    """The router image for ``base_image`` on this engine, built there when missing."""
    dockerfile = (templates_dir() / "deploy" / "router.Dockerfile").read_bytes()
    digest = hashlib.sha256(dockerfile + base_image.encode()).hexdigest()[:12]
    tag = f"{ROUTER_IMAGE}:{digest}"
    if engine.image(tag) is not None:
        return tag
    conf = _initial_conf().encode()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, data in (("Dockerfile", dockerfile), ("nginx.conf", conf)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    buf.seek(0)
    log.info("building the router image %s from %s", tag, base_image)
    try:
        engine.build_image(fileobj=buf, custom_context=True, tag=tag, rm=True,
                           buildargs={"BASE_IMAGE": base_image}, network_mode="host",
                           labels={"io.jenkinsbridge.router": "1"})
    except DockerOperationError as e:
        raise DockerOperationError(f"build the router image from {base_image}: {e}", status=e.status) from e
    return tag


def _initial_conf() -> str:
    return ("worker_processes 1;\npid /run/nginx.pid;\nevents {}\n"
            "http { server { listen 80; return 503; } }\n")


class Router:
    def __init__(self, engine: Engine, d: Deployment) -> None:
        self.engine = engine
        self.d = d

    @property
    def container(self) -> Any | None:
        return self.engine.container(self.d.router_name)

    def ensure(self, image: str) -> Any:
        """The running router container (created on first use)."""
        c = self.container
        if c is not None:
            if c.status != "running":
                self.engine.act(c, "start")
            return c
        d = self.d
        publish = d.spec.publish
        if publish is None:
            raise DeployError(f"deploy {d.env}: set `publish` (the host port the router serves on)")
        self.engine.create_volume(d.state_volume, d.labels())
        c = self.engine.run_container(
            image, name=d.router_name, detach=True, labels=d.labels(role="router"),
            ports={"80/tcp": (d.spec.bind, publish)}, network=d.network,
            volumes={d.state_volume: {"bind": STATE_DIR, "mode": "rw"}},
            restart_policy={"Name": "unless-stopped"},
        )
        probe = ["curl", "-s", "-o", "/dev/null", "http://127.0.0.1/"]
        if poll(lambda: self.engine.exec(c, probe)[0] == 0, 15, interval=0.2):
            return c
        raise DeployError(f"the router {d.router_name} did not start answering")

    def apply(self, servers: list[Server], *, dynamic: bool = False) -> float:
        """Switch the router to ``servers``; return the seconds the switch itself took
        (from the reload signal until a worker of the new config runs)."""
        c = self.container
        if c is None:
            raise DeployError(f"the router {self.d.router_name} is gone")
        generation = f"{time.time_ns():x}"
        conf = render_nginx(self.d, servers=servers, dynamic=dynamic, generation=generation).encode()
        # checked beside the live config first, so a bad config never reaches nginx
        self.engine.put_file(c, "/etc/nginx/staged.conf", conf)
        code, out = self.engine.exec(c, ["nginx", "-q", "-t", "-c", "/etc/nginx/staged.conf"])
        if code != 0:
            lines = out.strip().splitlines()
            raise DeployError(f"router config refused: {lines[-1] if lines else 'nginx -t failed'}")
        # nginx reads its config only on a reload, and the deploy lock keeps other
        # deploys away: installing it now keeps the switch itself to a signal.
        self.engine.put_file(c, "/etc/nginx/nginx.conf", conf)
        before = self._workers(c)
        t0 = time.monotonic()
        try:
            self.engine.act(c, "kill", signal="SIGHUP")  # nginx reloads; old workers finish their requests
        except DockerOperationError as e:
            raise DeployError(f"cannot signal the router to reload: {e}") from e

        # in effect once workers of the new config run and the old ones stopped
        # accepting (they show as "shutting down" while their requests finish)
        def switched() -> bool:
            active = self._workers(c)
            return bool(active - before) and not active & before

        if poll(switched, 10 - (time.monotonic() - t0), interval=0.01):
            return time.monotonic() - t0
        raise DeployError("the router did not take its new configuration within 10 s")

    def _workers(self, c: Any) -> set[str]:
        procs = self.engine.act(c, "top", ps_args="-o pid,args").get("Processes") or []
        return {p[0] for p in procs if len(p) > 1 and p[1].strip() == "nginx: worker process"}

    def probe(self, host: str, port: int, path: str) -> bool:
        """GET http://host:port/path from inside the router: 2xx means healthy."""
        c = self.container
        if c is None:
            return False
        code, _ = self.engine.exec(c, ["curl", "-fsS", "-o", "/dev/null", "-m", "2",
                                       f"http://{host}:{port}{path}"])
        return code == 0

    def wait_serving(self, path: str, timeout: float) -> None:
        """Until the router itself answers ``path`` from a backend (for swarm services
        its DNS cache holds answers for a second)."""
        if not poll(lambda: self.probe("127.0.0.1", 80, path), timeout, interval=0.1):
            raise DeployError(f"the router {self.d.router_name} does not reach the app on {path}")

    def conf(self) -> str:
        c = self.container
        if c is None:
            return ""
        data = self.engine.get_file(c, "/etc/nginx/nginx.conf")
        return data.decode() if data else ""

    def remove(self) -> None:
        c = self.container
        if c is not None:
            self.engine.act(c, "remove", force=True)
