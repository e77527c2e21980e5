"""Compose target: each unit (the app, or one color of it) is a compose project on the
deploy's network, from the generated compose file (or the user's compose template)."""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path
from typing import Any

from jenkinsbridge.deploy.engine import Engine
from jenkinsbridge.deploy.model import Deployment
from jenkinsbridge.deploy.router import Router
from jenkinsbridge.deploy.templates import render_compose
from jenkinsbridge.errors import DeployError

__all__ = ["SERVICE", "ComposeUnits"]

log = logging.getLogger(__name__)
SERVICE = "app"
PROJECT_LABEL = "com.docker.compose.project"


class ComposeUnits:
    def __init__(self, engine: Engine, d: Deployment) -> None:
        self.engine = engine
        self.d = d

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
        """Stop gracefully (the app drains in-flight requests), then remove."""
        for c in containers:
            try:
                c.stop(timeout=self.d.drain)
            except Exception as e:  # already gone or stopping: removing is what matters
                log.debug("stop %s: %s", c.name, e)
        for c in containers:
            try:
                c.remove(force=True)
            except Exception as e:
                log.debug("remove %s: %s", c.name, e)

    def wait_healthy(self, router: Router, containers: list[Any]) -> None:
        """Every container answers its health path through the router's network."""
        d = self.d
        deadline = time.monotonic() + d.health_timeout
        pending = {c.name: c for c in containers}
        while pending:
            for name, c in list(pending.items()):
                try:
                    c.reload()
                except Exception as e:
                    raise DeployError(f"container {name} went away before it became healthy") from e
                if c.status in ("exited", "dead"):
                    raise DeployError(f"container {name} exited ({c.attrs['State'].get('ExitCode')}) "
                                      "before it became healthy")
                if router.probe(name, d.spec.port, d.spec.health.path):
                    del pending[name]
            if not pending:
                return
            if time.monotonic() > deadline:
                raise DeployError(f"health check {d.spec.health.path} failed on {', '.join(sorted(pending))} "
                                  f"for {d.spec.health.timeout}s")
            time.sleep(min(0.5, d.spec.health.interval))
