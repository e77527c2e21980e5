"""The model layer: a Deployment (one app in one environment, resolved from the spec)
and the records kept about it."""

from __future__ import annotations

import getpass
import os
import re
import socket
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from jenkinsbridge.errors import UsageError
from jenkinsbridge.spec.models import Deploy, Job

__all__ = ["LABEL", "Deployment", "Record", "Server", "who"]

LABEL = "io.jenkinsbridge"
COLORS = ("blue", "green")
_NAME = re.compile(r"[^a-z0-9-]+")


def who() -> str:
    """Who runs the deploy: the Jenkins user when a build runs it, else the login."""
    user = os.environ.get("BUILD_USER_ID") or os.environ.get("JB_DEPLOY_USER")
    if not user:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):  # no login name and no passwd entry
            user = "unknown"
    build = os.environ.get("BUILD_TAG")
    return f"{user}@{socket.gethostname()}" + (f" ({build})" if build else "")


def jenkins_build() -> dict[str, str] | None:
    """The Jenkins build that runs the command (JOB_NAME, BUILD_NUMBER, BUILD_URL), if one
    does: the build that made the image when a pipeline builds and deploys it."""
    number = os.environ.get("BUILD_NUMBER")
    if not number:
        return None
    return {"job": os.environ.get("JOB_NAME", ""), "number": number, "url": os.environ.get("BUILD_URL", "")}


def dns_name(text: str) -> str:
    """A name that is valid as a container, service, network and DNS name."""
    name = _NAME.sub("-", text.lower()).strip("-")
    if not name:
        raise UsageError(f"{text!r} gives no usable Docker name; use letters and digits")
    return name[:50].strip("-")


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    weight: int


@dataclass
class Deployment:
    """One app in one environment: everything a strategy needs, resolved and checked."""

    app: str
    env: str
    image: str
    spec: Deploy
    extra_labels: dict[str, str] = field(default_factory=dict)
    compose_file: Path | None = None
    # blue-green: wait ``retire_after`` seconds and stop the old color (else it stays idle)
    wait_retire: bool = False

    @classmethod
    def from_job(cls, job: Job, env: str, image: str | None = None, *,
                 labels: dict[str, str] | None = None, need_image: bool = True) -> Deployment:
        """``need_image=False`` for status, history, promote and rollback, which work
        with the images recorded on the cluster."""
        found = [d for d in job.deploy if d.env == env]
        if not found:
            known = ", ".join(d.env for d in job.deploy) or "none"
            raise UsageError(f"job {job.name} has no deploy for env {env!r} (envs: {known})")
        spec = found[0]
        if image is None and not need_image:
            image = ""
        elif image is None:
            if job.image is None:
                raise UsageError(f"job {job.name} has no image; pass --image REF")
            image = f"{job.image.registry}/{job.image.repository}:{job.image.tags[-1]}"
            if "{" in image:
                raise UsageError(f"the image tag of {job.name} is a template ({image}); pass --image REF")
        from jenkinsbridge.spec.checks import check_image_reference

        try:
            if image or need_image:
                check_image_reference(image)
        except ValueError as e:
            raise UsageError(f"--image: {e}") from e
        merged = {**spec.labels, **(labels or {})}
        compose_file = Path(spec.compose_file) if spec.compose_file else None
        return cls(app=spec.app or job.name, env=env, image=image, spec=spec, extra_labels=merged,
                   compose_file=compose_file)

    @property
    def target(self) -> Literal["compose", "swarm"]:
        return self.spec.target

    @property
    def strategy(self) -> Literal["standard", "rolling", "blue-green"]:
        return self.spec.strategy

    # --- names --------------------------------------------------------------------------

    @property
    def base(self) -> str:
        return dns_name(f"{self.app}-{self.env}")

    @property
    def network(self) -> str:
        return f"{self.base}-net"

    @property
    def router_name(self) -> str:
        return f"{self.base}-router"

    @property
    def lock_name(self) -> str:
        return f"{self.base}-lock"

    @property
    def state_volume(self) -> str:
        return f"{self.base}-state"

    def unit(self, color: str | None) -> str:
        """The compose project or swarm service of a color (or the single unit)."""
        return f"{self.base}-{color}" if color else f"{self.base}-app"

    def labels(self, **more: str) -> dict[str, str]:
        out = {f"{LABEL}.app": self.app, f"{LABEL}.env": self.env, f"{LABEL}.deploy": self.base}
        out.update(self.extra_labels)
        out.update({f"{LABEL}.{k}": v for k, v in more.items()})
        return out

    @property
    def health_timeout(self) -> float:
        return float(self.spec.health.timeout)

    @property
    def drain(self) -> int:
        return self.spec.drain


@dataclass
class Record:
    """One deploy (or promote/rollback) as kept in history."""

    id: str
    action: str
    who: str
    image: str
    strategy: str
    target: str
    started: float
    result: str = "running"
    reason: str = ""
    duration: float = 0.0
    switch_seconds: float | None = None
    downtime_seconds: float | None = None
    color: str | None = None
    previous_image: str | None = None
    # the digest the release ran (repository@sha256:... or the image ID); None in old records
    digest: str | None = None
    # why the operator asked for it (deploy rollback --reason)
    why: str = ""
    # (weight % on the new color, when the router change began, when it was in effect)
    steps: list[tuple[int, float, float]] = field(default_factory=list)
    build: dict[str, str] | None = None  # jenkins_build() of the command

    @classmethod
    def start(cls, d: Deployment, action: str, image: str | None = None, *, why: str = "") -> Record:
        return cls(id=uuid.uuid4().hex[:12], action=action, who=who(), image=image or d.image,
                   strategy=d.strategy, target=d.target, started=time.time(), why=why,
                   build=jenkins_build())

    def finish(self, result: str, reason: str = "") -> Record:
        self.result = result
        self.reason = reason
        self.duration = round(time.time() - self.started, 3)
        return self

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
