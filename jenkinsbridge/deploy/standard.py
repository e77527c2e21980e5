"""Standard release: stop the old version, start the new one. Simple, with downtime
(measured and reported); when the new version fails its health check, the previous
image is started again and the deploy fails."""

from __future__ import annotations

from jenkinsbridge.deploy.context import Context

__all__ = ["release"]


def release(ctx: Context) -> None:
    downtime = ctx.units.update(ctx, order="stop-first", batch=0, delay=0)
    ctx.record.downtime_seconds = round(downtime, 3)  # upper bound: the whole update
    ctx.live(None)
