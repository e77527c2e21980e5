"""The deploy operations: deploy, status, promote, rollback, history. Each takes the
lock (but status and history), records what it did in the history on the cluster and
raises DeployError with the reason when it fails."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from jenkinsbridge.deploy import bluegreen, releases, rolling, standard
from jenkinsbridge.deploy.context import Context, units_for
from jenkinsbridge.deploy.engine import Engine
from jenkinsbridge.deploy.model import Deployment, Record
from jenkinsbridge.deploy.router import Router, router_image
from jenkinsbridge.deploy.state import Lock, State
from jenkinsbridge.deploy.templates import user_service
from jenkinsbridge.errors import DeployError, JenkinsbridgeError, UsageError

__all__ = ["deploy", "history", "in_use", "promote", "rollback", "status"]

log = logging.getLogger(__name__)

STRATEGIES: dict[str, Callable[[Context], None]] = {
    "standard": standard.release,
    "rolling": rolling.release,
    "blue-green": bluegreen.release,
}




def _lock_ttl(d: Deployment) -> float:
    s = d.spec
    batches = -(-s.replicas // s.rolling.batch)
    return (120 + 3 * s.health.timeout + batches * (s.rolling.delay + s.health.timeout)
            + len(s.blue_green.steps) * s.blue_green.step_delay
            + ((s.blue_green.retire_after or 0) if d.wait_retire else 0))


def _operate(engine: Engine, d: Deployment, action: str, body: Callable[[Context], None],
             image: str | None = None, *, why: str = "") -> Record:
    if d.compose_file is not None:
        user_service(d.compose_file)  # a bad template is bad input, found before anything runs
    units = units_for(engine, d)
    units.check_engine()
    image_router = router_image(engine, d.spec.router_base_image)
    engine.ensure_network(d.network, driver=units.network_driver, labels=d.labels())
    with Lock(engine, d, image_router, ttl=_lock_ttl(d)):
        router = Router(engine, d)
        router.ensure(image_router)
        state = State(engine, d).load()
        rec = Record.start(d, action, image, why=why)
        rec.previous_image = (state.live or {}).get("image")
        ctx = Context(d, units, router, state, rec)
        try:
            body(ctx)
            if action in releases.RELEASE_ACTIONS and rec.digest is None:
                rec.digest = releases.digest_of(engine, rec.image)
            rec.finish("success")
        except JenkinsbridgeError as e:
            rec.finish("failed", str(e))
            raise
        except BaseException as e:
            rec.finish("failed", f"{type(e).__name__}: {e}")
            raise
        finally:
            state.record(rec)
            state.save()
    return rec


def deploy(engine: Engine, d: Deployment) -> Record:
    """Roll ``d.image`` out with the deployment's strategy."""
    return _operate(engine, d, "deploy", STRATEGIES[d.strategy], d.image)


def rollback(engine: Engine, d: Deployment, *, to: str | None = None, why: str = "") -> Record:
    """Back to the previous successful release (or the release ``to``: a tag, a digest or
    a reference) from the history. Blue-green switches traffic back to the idle color at
    once when it still runs that release; otherwise, also when its containers are gone,
    the release's digest is deployed again with the environment's strategy."""

    def body(ctx: Context) -> None:
        history = ctx.state.history
        target = releases.find_release(history, to) if to else releases.previous_release(history)
        if to and releases.is_current(history, target):
            raise DeployError(f"{to} is the release that runs now; nothing to roll back")
        image = releases.reference_of(target)
        ctx.record.image = image
        ctx.record.digest = target.get("digest")
        ctx.d.image = image
        color = (ctx.state.live or {}).get("color")
        if d.strategy == "blue-green" and color:
            back = bluegreen.other(color)
            if _idle_serves(ctx, back, target):
                ctx.record.switch_seconds = round(bluegreen.switch_to(ctx, {back: 100}), 3)
                ctx.record.color = back
                ctx.live(back)
                return
            log.info("the %s color does not run %s any more; deploying it again", back, image)
            bluegreen.release(ctx, steps=[100])
            return
        STRATEGIES[d.strategy](ctx)

    return _operate(engine, d, "rollback", body, why=why)


def _idle_serves(ctx: Context, color: str, target: dict[str, Any]) -> bool:
    info = ctx.state.data["colors"].get(color)
    if not info or info.get("image") not in (target["image"], releases.reference_of(target)):
        return False
    try:
        bluegreen.unit_healthy(ctx, color, wait=False)
    except DeployError as e:
        log.info("the idle %s color is not healthy (%s)", color, e)
        return False
    return True


def promote(engine: Engine, d: Deployment) -> Record:
    """Blue-green: retire the idle color (the release is final; rollback is no longer
    instant). Other strategies have nothing to promote."""

    def body(ctx: Context) -> None:
        color = (ctx.state.live or {}).get("color")
        if d.strategy != "blue-green" or not color:
            raise UsageError(f"promote applies to blue-green deploys; {d.app} ({d.env}) has nothing idle")
        idle = bluegreen.other(color)
        ctx.record.image = ctx.state.live["image"] if ctx.state.live else ""
        ctx.record.color = color
        bluegreen.retire(ctx, idle)

    return _operate(engine, d, "promote", body)


def in_use(engine: Engine, d: Deployment) -> set[str]:
    """Image references and digests the deployment runs or can roll back to."""
    return releases.kept_references(State(engine, d).load().data)


def history(engine: Engine, d: Deployment) -> list[dict[str, Any]]:
    return State(engine, d).load().history


def status(engine: Engine, d: Deployment) -> dict[str, Any]:
    """Live color, weights, the image (and digest) of each unit, health of each task."""
    state = State(engine, d).load()
    out: dict[str, Any] = {"app": d.app, "env": d.env, "target": d.target, "strategy": d.strategy,
                           "live": state.live, "weights": state.data.get("weights", {}), "units": []}
    colors: list[str | None] = ["blue", "green"] if d.strategy == "blue-green" else [None]
    units = units_for(engine, d)
    for color in colors:
        tasks = units.tasks(color)
        if tasks:
            out["units"].append({"unit": d.unit(color), "color": color, "tasks": tasks})
    return out
