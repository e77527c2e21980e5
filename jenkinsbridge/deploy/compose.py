"""Compose target: each unit (the app, or one color of it) is a compose project on the
deploy's network, from the generated compose file (or the user's compose template).
The router sends traffic to containers by name, so a release moves the router."""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jenkinsbridge.deploy.model import Server
from jenkinsbridge.deploy.templates import render_compose
from jenkinsbridge.deploy.units import TargetUnits
from jenkinsbridge.errors import DeployError, DockerOperationError
from jenkinsbridge.waiting import poll

if TYPE_CHECKING:
    from jenkinsbridge.deploy.context import Context
    from jenkinsbridge.deploy.router import Router
    from jenkinsbridge.deploy.units import Order

__all__ = ["SERVICE", "ComposeUnits"]

log = logging.getLogger(__name__)
SERVICE = "app"
PROJECT_LABEL = "com.docker.compose.project"


class ComposeUnits(TargetUnits):
    dynamic = False
    network_driver = "bridge"

    def check_engine(self) -> None:
        return None

    # --- the Units interface ----------------------------------------------------------

    def update(self, ctx: Context, *, order: Order, batch: int, delay: int) -> float:
        if order == "stop-first":
            return self._replace(ctx)
        self._roll(ctx, batch, delay)
        return 0.0

    def start(self, color: str, image: str, release: str) -> None:
        self.remove(self.containers(color))
        self.up(color, image, self.d.spec.replicas, release)

    def retire(self, color: str | None) -> None:
        self.remove(self.containers(color))

    def running(self, color: str | None) -> bool:
        return any(c.status == "running" for c in self.containers(color))

    def check(self, router: Router, color: str | None, *, wait: bool) -> None:
        d = self.d
        containers = self.containers(color)
        if not containers:
            raise DeployError(f"the {color} color has no containers")
        if wait:
            self.wait_healthy(router, containers)
        elif not all(router.probe(c.name, d.spec.port, d.spec.health.path) for c in containers):
            raise DeployError(f"the {color} color fails its health check {d.spec.health.path}")

    def servers(self, color: str | None, weight: int) -> list[Server]:
        return [Server(c.name, self.d.spec.port, weight) for c in self.containers(color)
                if c.status == "running"]

    def tasks(self, color: str | None) -> list[dict[str, Any]]:
        out = []
        for c in self.containers(color):
            health = (c.attrs.get("State", {}).get("Health") or {}).get("Status", "none")
            out.append({"name": c.name, "state": c.status, "health": health,
                        "image": c.labels.get("io.jenkinsbridge.image", ""), "digest": c.attrs.get("Image", "")})
        return out

    # --- compose projects -------------------------------------------------------------

    def _file(self, image: str, release: str, tmp: Path, color: str | None) -> Path:
        labels = self.d.labels(release=release, image=image, role=color or "app")
        text = render_compose(self.d, image=image, release=release, service=SERVICE, labels=labels)
        path = tmp / "compose.yml"
        path.write_text(text)
        return path

    def up(self, color: str | None, image: str, replicas: int, release: str, *,
           keep_existing: bool = False) -> None:
        """Bring the unit to ``replicas`` containers of ``image``. With ``keep_existing``
        the running containers stay as they are and only new ones are added."""
        args = ["up", "-d", "--scale", f"{SERVICE}={replicas}"]
        args += ["--no-recreate"] if keep_existing else ["--force-recreate"]
        with tempfile.TemporaryDirectory(prefix="jb-deploy-") as tmp:
            path = self._file(image, release, Path(tmp), color)
            self.engine.compose(self.d.unit(color), path, args, timeout=300 + self.d.health_timeout)

    def containers(self, color: str | None, *, release: str | None = None) -> list[Any]:
        labels = {PROJECT_LABEL: self.d.unit(color)}
        if release:
            labels["io.jenkinsbridge.release"] = release
        found = self.engine.containers(labels)
        return sorted(found, key=lambda c: int(c.labels.get("com.docker.compose.container-number", "0")))

    def remove(self, containers: list[Any]) -> None:
        """Stop gracefully (the app drains in-flight requests), then remove; one that is
        already gone or stopping is no error: removing is what matters."""
        for c in containers:
            try:
                self.engine.act(c, "stop", timeout=self.d.drain, missing_ok=True)
            except DockerOperationError as e:
                log.debug("stop %s: %s", c.name, e)
        for c in containers:
            try:
                self.engine.act(c, "remove", force=True, missing_ok=True)
            except DockerOperationError as e:
                log.debug("remove %s: %s", c.name, e)

    def wait_healthy(self, router: Router, containers: list[Any]) -> None:
        """Every container answers its health path through the router's network."""
        d = self.d
        pending = {c.name: c for c in containers}

        def all_healthy() -> bool:
            for name, c in list(pending.items()):
                try:
                    self.engine.act(c, "reload")
                except DockerOperationError as e:
                    raise DeployError(f"container {name} went away before it became healthy") from e
                if c.status in ("exited", "dead"):
                    raise DeployError(f"container {name} exited ({c.attrs['State'].get('ExitCode')}) "
                                      "before it became healthy")
                if router.probe(name, d.spec.port, d.spec.health.path):
                    del pending[name]
            return not pending

        if not poll(all_healthy, d.health_timeout, interval=min(0.5, d.spec.health.interval)):
            raise DeployError(f"health check {d.spec.health.path} failed on {', '.join(sorted(pending))} "
                              f"for {d.spec.health.timeout}s")

    # --- releases: standard (stop-first) and rolling (start-first in batches) ----------

    def _replace(self, ctx: Context) -> float:
        d, router = self.d, ctx.router
        previous = (ctx.state.live or {}).get("image")
        t0 = time.monotonic()
        if previous:
            router.apply([])  # nothing is served until the new version is healthy
        self.up(None, d.image, d.spec.replicas, ctx.release)
        new = self.containers(None, release=ctx.release)
        try:
            self.wait_healthy(router, new)
        except DeployError as e:
            self.remove(new)
            if previous:
                log.warning("the new version failed; starting %s again", previous)
                self.up(None, previous, d.spec.replicas, ctx.release + "-back")
                back = self.containers(None)
                self.wait_healthy(router, back)
                router.apply(self._servers(back))
                raise DeployError(f"{e}; started the previous image {previous} again") from e
            router.apply([])
            raise
        ctx.record.switch_seconds = round(router.apply(self._servers(new)), 3)
        return time.monotonic() - t0

    def _servers(self, containers: list[Any]) -> list[Server]:
        return [Server(c.name, self.d.spec.port, 1) for c in containers]

    def _roll(self, ctx: Context, batch: int, delay: int) -> None:
        d, router = self.d, ctx.router
        old = [c for c in self.containers(None) if c.status == "running"]
        if not old:
            self.up(None, d.image, d.spec.replicas, ctx.release)
            new = self.containers(None, release=ctx.release)
            try:
                self.wait_healthy(router, new)
            except DeployError:
                self.remove(new)
                raise
            ctx.record.switch_seconds = round(router.apply(self._servers(new)), 3)
            return
        router.apply(self._servers(old))
        remaining, new = list(old), []
        wanted = d.spec.replicas
        while len(new) < wanted:
            step = min(batch, wanted - len(new))
            self.up(None, d.image, len(remaining) + len(new) + step, ctx.release, keep_existing=True)
            fresh = self.containers(None, release=ctx.release)
            added = [c for c in fresh if c.name not in {n.name for n in new}]
            try:
                self.wait_healthy(router, added)
            except DeployError as e:
                self.remove(added)
                self._roll_back(ctx, remaining, new, old[0].labels.get("io.jenkinsbridge.image"))
                raise DeployError(f"{e}; removed the new replicas, the old version keeps serving") from e
            new = fresh
            retire, remaining = remaining[:step], remaining[step:]
            if len(new) >= wanted:
                retire, remaining = retire + remaining, []
            took = router.apply(self._servers(remaining + new))
            self.remove(retire)
            log.info("rolling: %d of %d replicas on %s", len(new), wanted, d.image)
            if len(new) < wanted:
                time.sleep(delay)
            else:
                ctx.record.switch_seconds = round(took, 3)

    def _roll_back(self, ctx: Context, remaining: list[Any], new: list[Any], previous: str | None) -> None:
        """Batches already moved go back to the previous image: old replicas first, then
        the new ones leave the router and stop."""
        if not new:
            return
        if previous:
            release = f"{ctx.release}-back"
            self.up(None, previous, len(remaining) + 2 * len(new), release, keep_existing=True)
            back = self.containers(None, release=release)
            self.wait_healthy(ctx.router, back)
            remaining = remaining + back
        ctx.router.apply(self._servers(remaining))
        self.remove(new)
        log.warning("rolling: rolled back %d replica(s) to %s", len(new), previous)
