"""The one interface a strategy speaks to: the units of a deploy target. A unit is the
app (``color`` None) or one color of it; Compose runs a unit as a compose project,
Swarm as a service. Strategies never ask which target they run on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Protocol

from jenkinsbridge.deploy.engine import Engine
from jenkinsbridge.deploy.model import Deployment, Server

if TYPE_CHECKING:
    from jenkinsbridge.deploy.context import Context
    from jenkinsbridge.deploy.router import Router

__all__ = ["Order", "TargetUnits", "Units"]

# stop-first: the old replicas stop before new ones start (standard); start-first: new
# ones start beside them (rolling, blue-green)
Order = Literal["stop-first", "start-first"]


class Units(Protocol):
    # the router resolves unit names per request (swarm service DNS), not per reload
    dynamic: bool
    # the Docker network driver the deploy's network uses
    network_driver: str

    def check_engine(self) -> None:
        """Raise DeployError when the engine cannot run this target."""

    def update(self, ctx: Context, *, order: Order, batch: int, delay: int) -> float:
        """Move the single unit to ``ctx.d.image``: ``stop-first`` (standard) or
        ``start-first`` in batches of ``batch`` with ``delay`` seconds between (rolling),
        each step health-gated, failures rolled back. Returns the seconds nothing served
        (an upper bound)."""

    def start(self, color: str, image: str, release: str) -> None:
        """A fresh unit for ``color`` running ``image`` (what was there goes)."""

    def retire(self, color: str | None) -> None:
        """Stop and remove the unit (its requests drain on the way)."""

    def running(self, color: str | None) -> bool: ...

    def check(self, router: Router, color: str | None, *, wait: bool) -> None:
        """Every replica of the unit answers its health path from the router (waiting up
        to the health timeout with ``wait``); DeployError otherwise."""

    def servers(self, color: str | None, weight: int) -> list[Server]:
        """The router's servers for the unit at ``weight``."""

    def tasks(self, color: str | None) -> list[dict[str, Any]]:
        """name, state, health, image and digest of each replica (for status)."""


class TargetUnits:
    """What both targets' units share: the engine and the deployment."""

    def __init__(self, engine: Engine, d: Deployment) -> None:
        self.engine = engine
        self.d = d
