"""What a strategy works with: the engine, the deployment, its router, state and the
record of the running deploy."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from jenkinsbridge.deploy.compose import ComposeUnits
from jenkinsbridge.deploy.engine import Engine
from jenkinsbridge.deploy.model import Deployment, Record, Server
from jenkinsbridge.deploy.router import Router
from jenkinsbridge.deploy.state import State
from jenkinsbridge.deploy.swarm import SwarmUnits
from jenkinsbridge.errors import DeployError

__all__ = ["Context"]


@dataclass
class Context:
    engine: Engine
    d: Deployment
    router: Router
    state: State
    record: Record

    @property
    def release(self) -> str:
        return self.record.id

    @property
    def compose(self) -> ComposeUnits:
        return ComposeUnits(self.engine, self.d)

    @property
    def swarm(self) -> SwarmUnits:
        return SwarmUnits(self.engine, self.d)

    def swarm_update(self, name: str, *, order: str, parallelism: int, delay: int) -> None:
        """Update (or create) the service, and return once the router serves it, also
        after Swarm rolled a failed update back."""
        d = self.d
        try:
            self.swarm.apply(name, d.image, self.release, order=order, parallelism=parallelism, delay=delay)
        except DeployError:
            with contextlib.suppress(DeployError):
                if self.swarm.service(name) is not None:
                    self.router.wait_serving(d.spec.health.path, d.health_timeout)
            raise
        self.router.wait_serving(d.spec.health.path, d.health_timeout)

    def servers(self, weights: dict[str | None, int]) -> list[Server]:
        """Router servers for units and weights (weight 0: left out, so no traffic)."""
        out: list[Server] = []
        for color, weight in weights.items():
            if weight <= 0:
                continue
            if self.d.target == "swarm":
                out.append(Server(self.d.unit(color), self.d.spec.port, weight))
            else:
                out += [Server(c.name, self.d.spec.port, weight)
                        for c in self.compose.containers(color) if c.status == "running"]
        return out
