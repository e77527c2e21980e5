"""What a strategy works with: the deployment, the units of its target, its router,
state and the record of the running deploy."""

from __future__ import annotations

from dataclasses import dataclass

from jenkinsbridge.deploy.compose import ComposeUnits
from jenkinsbridge.deploy.engine import Engine
from jenkinsbridge.deploy.model import Deployment, Record, Server
from jenkinsbridge.deploy.router import Router
from jenkinsbridge.deploy.state import State
from jenkinsbridge.deploy.swarm import SwarmUnits
from jenkinsbridge.deploy.units import Units

__all__ = ["Context", "units_for"]


def units_for(engine: Engine, d: Deployment) -> Units:
    """The units of the deployment's target (the one place that looks at it)."""
    return SwarmUnits(engine, d) if d.target == "swarm" else ComposeUnits(engine, d)


@dataclass
class Context:
    d: Deployment
    units: Units
    router: Router
    state: State
    record: Record

    @property
    def release(self) -> str:
        return self.record.id

    def servers(self, weights: dict[str | None, int]) -> list[Server]:
        """Router servers for units and weights (weight 0: left out, so no traffic)."""
        return [s for color, weight in weights.items() if weight > 0
                for s in self.units.servers(color, weight)]

    def live(self, color: str | None) -> None:
        """Record that ``color`` (None: the single unit) now serves ``d.image``."""
        self.state.data["live"] = {"color": color, "image": self.d.image, "unit": self.d.unit(color)}
