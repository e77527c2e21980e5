"""Rolling release: new replicas come up in batches beside the old ones, each batch
health-gated, start-first; when a batch fails its health check the new replicas go and
the old version keeps serving (the deploy fails). Swarm does this with its own
update/rollback configuration; compose with scale-up, then retire, behind the router."""

from __future__ import annotations

from jenkinsbridge.deploy.context import Context

__all__ = ["release"]


def release(ctx: Context) -> None:
    rolling = ctx.d.spec.rolling
    ctx.units.update(ctx, order="start-first", batch=rolling.batch, delay=rolling.delay)
    ctx.live(None)
