"""Standard release: stop the old version, start the new one. Simple, with downtime
(measured and reported); when the new version fails its health check, the previous
image is started again and the deploy fails."""

from __future__ import annotations

import logging
import time

from jenkinsbridge.deploy.context import Context
from jenkinsbridge.deploy.model import Server
from jenkinsbridge.errors import DeployError

__all__ = ["run"]

log = logging.getLogger(__name__)


def run(ctx: Context) -> None:
    if ctx.d.target == "swarm":
        _swarm(ctx)
    else:
        _compose(ctx)


def _swarm(ctx: Context) -> None:
    d = ctx.d
    name = d.unit(None)
    ctx.router.apply([Server(name, d.spec.port, 100)], dynamic=True)
    t0 = time.monotonic()
    ctx.swarm_update(name, order="stop-first", parallelism=0, delay=0)
    ctx.record.downtime_seconds = round(time.monotonic() - t0, 3)  # upper bound: the whole update
    ctx.state.data["live"] = {"color": None, "image": d.image, "unit": name}


def _compose(ctx: Context) -> None:
    d, units, router = ctx.d, ctx.compose, ctx.router
    previous = (ctx.state.live or {}).get("image")
    t0 = time.monotonic()
    if previous:
        router.apply([])  # nothing is served until the new version is healthy
    units.up(None, d.image, d.spec.replicas, ctx.release)
    new = units.containers(None, release=ctx.release)
    try:
        units.wait_healthy(router, new)
    except DeployError as e:
        units.remove(new)
        if previous:
            log.warning("the new version failed; starting %s again", previous)
            units.up(None, previous, d.spec.replicas, ctx.release + "-back")
            back = units.containers(None)
            units.wait_healthy(router, back)
            router.apply([Server(c.name, d.spec.port, 1) for c in back])
            raise DeployError(f"{e}; started the previous image {previous} again") from e
        router.apply([])
        raise
    ctx.record.switch_seconds = round(router.apply([Server(c.name, d.spec.port, 1) for c in new]), 3)
    ctx.record.downtime_seconds = round(time.monotonic() - t0, 3)
    ctx.state.data["live"] = {"color": None, "image": d.image, "unit": d.unit(None)}
