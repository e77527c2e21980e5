"""Blue-green release: the new color comes up beside the live one with weight 0, must
pass its health checks, then traffic moves in steps (e.g. 10/50/100), each step
health-checked. The command returns once traffic has moved; the old color keeps running,
idle, so rollback is one router reload, until `promote`, the next deploy, or
``retire_after`` seconds when the command is asked to wait for it. Routing is by the
names the units had when they joined the network."""

from __future__ import annotations

import logging
import time

from jenkinsbridge.deploy.context import Context
from jenkinsbridge.deploy.model import COLORS
from jenkinsbridge.errors import DeployError

__all__ = ["other", "release", "retire", "switch_to", "unit_healthy"]

log = logging.getLogger(__name__)


def other(color: str | None) -> str:
    return COLORS[1] if color == COLORS[0] else COLORS[0]


def unit_healthy(ctx: Context, color: str, *, wait: bool) -> None:
    """Every replica of ``color`` answers its health path from the router."""
    ctx.units.check(ctx.router, color, wait=wait)


def retire(ctx: Context, color: str) -> None:
    """Stop a color that no longer gets traffic (its requests drain on the way)."""
    ctx.units.retire(color)
    ctx.state.data["colors"].pop(color, None)


def switch_to(ctx: Context, weights: dict[str | None, int]) -> float:
    took = ctx.router.apply(ctx.servers(weights), dynamic=ctx.units.dynamic)
    ctx.state.data["weights"] = {str(k): v for k, v in weights.items()}
    return took


def release(ctx: Context, steps: list[int] | None = None) -> None:
    """Bring ``d.image`` up on the idle color and move traffic by ``steps`` (default:
    the spec's)."""
    d, state = ctx.d, ctx.state
    live = (state.live or {}).get("color")
    if live is not None and not ctx.units.running(live):
        live = None
    new = other(live)
    try:
        ctx.units.start(new, d.image, ctx.release)
        unit_healthy(ctx, new, wait=True)
    except DeployError:
        retire(ctx, new)
        raise
    state.data["colors"][new] = {"image": d.image, "release": ctx.release}
    if live is None:
        began = time.time()
        ctx.record.switch_seconds = round(switch_to(ctx, {new: 100}), 3)
        ctx.record.steps.append((100, began, time.time()))
    else:
        try:
            _steps(ctx, new, live, steps or d.spec.blue_green.steps)
        except DeployError as e:
            switch_to(ctx, {live: 100})
            retire(ctx, new)
            raise DeployError(f"{e}; traffic is back on {live}") from e
    ctx.record.color = new
    ctx.live(new)
    retire_after = d.spec.blue_green.retire_after
    if live is not None and retire_after is not None and d.wait_retire:
        ctx.state.save()  # the switch is visible to `deploy status` while the old color waits
        time.sleep(retire_after)
        retire(ctx, live)


def _steps(ctx: Context, new: str, live: str, steps: list[int]) -> None:
    d = ctx.d
    for step in steps:
        began = time.time()
        took = switch_to(ctx, {new: step, live: 100 - step})
        ctx.record.steps.append((step, began, time.time()))
        log.info("blue-green: %d%% on %s", step, new)
        if step < 100:
            time.sleep(d.spec.blue_green.step_delay)
            try:
                unit_healthy(ctx, new, wait=False)
            except DeployError as e:
                raise DeployError(f"{e} at {step}%") from e
        else:
            ctx.record.switch_seconds = round(took, 3)
