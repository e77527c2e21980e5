"""Deploy, promote and rollback records from an environment's history on its engine
(``state.json`` in the ``<app>-<env>-state`` volume, read through jenkinsbridge.deploy).

A record names the build that made its image by ``build`` (JOB_NAME, BUILD_NUMBER of the
Jenkins build that ran the deploy, which is the one that built the image when one
pipeline builds and deploys). Records without it, or from another job's build, fall back
to the image tag when the spec tags images with ``{build}`` alone and the tag is a number.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from jenkinsbridge.metrics.model import DeployEvent
from jenkinsbridge.spec.models import Deploy, Job

__all__ = ["build_of", "events_from_history", "read_deploys"]

log = logging.getLogger(__name__)


def build_of(rec: dict[str, Any], job: str, tags_by_build: bool) -> int | None:
    b = rec.get("build") or {}
    number = str(b.get("number", ""))
    if number.isdigit() and b.get("job") == job:
        return int(number)
    if tags_by_build:
        image = str(rec.get("image", ""))
        tag = image.rsplit(":", 1)[-1] if ":" in image.rsplit("/", 1)[-1] else ""
        if tag.isdigit():
            return int(tag)
    return None


def events_from_history(job: str, env: str, records: Iterable[dict[str, Any]], *,
                        tags_by_build: bool = False) -> list[DeployEvent]:
    out = []
    for rec in records:
        try:
            out.append(DeployEvent(job=job, env=env, action=str(rec["action"]), result=str(rec["result"]),
                                   started=float(rec["started"]), duration=float(rec.get("duration") or 0),
                                   image=str(rec.get("image", "")), build=build_of(rec, job, tags_by_build),
                                   id=str(rec.get("id", "")), reason=str(rec.get("reason", ""))))
        except (KeyError, TypeError, ValueError):
            log.warning("skipping an unreadable history record of %s (%s): %r", job, env, rec)
    return out


def read_deploys(job: Job, env: str, engine_for: Callable[[Deploy], Any]) -> list[DeployEvent]:
    """The history of ``job`` in ``env`` as events; [] when the job has no such env."""
    from jenkinsbridge.deploy.model import Deployment
    from jenkinsbridge.deploy.operations import history

    if not any(d.env == env for d in job.deploy):
        return []
    d = Deployment.from_job(job, env, need_image=False)
    engine = engine_for(d.spec)
    try:
        records = history(engine, d)
    finally:
        engine.close()
    tags_by_build = job.image is not None and "{build}" in job.image.tags
    return events_from_history(job.full_name, env, records, tags_by_build=tags_by_build)
