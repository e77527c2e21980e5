"""Rolling release: new replicas come up in batches beside the old ones, each batch
health-gated, start-first; when a batch fails its health check the new replicas go and
the old version keeps serving (the deploy fails). Swarm does this with its own
update/rollback configuration; compose with scale-up, then retire, behind the router."""

from __future__ import annotations

import logging
import time
from typing import Any

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
    ctx.swarm_update(name, order="start-first", parallelism=d.spec.rolling.batch,
                     delay=d.spec.rolling.delay)
    ctx.state.data["live"] = {"color": None, "image": d.image, "unit": name}


def _servers(ctx: Context, containers: list[Any]) -> list[Server]:
    return [Server(c.name, ctx.d.spec.port, 1) for c in containers]


def _compose(ctx: Context) -> None:
    d, units, router = ctx.d, ctx.compose, ctx.router
    old = [c for c in units.containers(None) if c.status == "running"]
    if not old:
        units.up(None, d.image, d.spec.replicas, ctx.release)
        new = units.containers(None, release=ctx.release)
        try:
            units.wait_healthy(router, new)
        except DeployError:
            units.remove(new)
            raise
        ctx.record.switch_seconds = round(router.apply(_servers(ctx, new)), 3)
        ctx.state.data["live"] = {"color": None, "image": d.image, "unit": d.unit(None)}
        return
    router.apply(_servers(ctx, old))
    remaining, new = list(old), []
    batch, wanted = d.spec.rolling.batch, d.spec.replicas
    while len(new) < wanted:
        step = min(batch, wanted - len(new))
        units.up(None, d.image, len(remaining) + len(new) + step, ctx.release, keep_existing=True)
        fresh = units.containers(None, release=ctx.release)
        try:
            units.wait_healthy(router, [c for c in fresh if c.name not in {n.name for n in new}])
        except DeployError as e:
            units.remove([c for c in fresh if c.name not in {n.name for n in new}])
            _roll_back(ctx, remaining, new, old[0].labels.get("io.jenkinsbridge.image"))
            raise DeployError(f"{e}; removed the new replicas, the old version keeps serving") from e
        new = fresh
        retire, remaining = remaining[:step], remaining[step:]
        if len(new) >= wanted:
            retire, remaining = retire + remaining, []
        took = router.apply(_servers(ctx, remaining + new))
        units.remove(retire)
        log.info("rolling: %d of %d replicas on %s", len(new), wanted, d.image)
        if len(new) < wanted:
            time.sleep(d.spec.rolling.delay)
        else:
            ctx.record.switch_seconds = round(took, 3)
    ctx.state.data["live"] = {"color": None, "image": d.image, "unit": d.unit(None)}


def _roll_back(ctx: Context, remaining: list[Any], new: list[Any], previous: str | None) -> None:
    """Batches already moved go back to the previous image: old replicas first, then
    the new ones leave the router and stop."""
    units, router = ctx.compose, ctx.router
    if not new:
        return
    if previous:
        release = f"{ctx.release}-back"
        units.up(None, previous, len(remaining) + 2 * len(new), release, keep_existing=True)
        back = units.containers(None, release=release)
        units.wait_healthy(router, back)
        remaining = remaining + back
    router.apply(_servers(ctx, remaining))
    units.remove(new)
    log.warning("rolling: rolled back %d replica(s) to %s", len(new), previous)
