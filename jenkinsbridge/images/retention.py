"""`image prune` for a job: its image repository and its artifacts repository, with every
reference that a deploy environment of the job runs or can roll back to kept (read from
each environment's deploy state on its cluster; an unreachable one stops the prune)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jenkinsbridge.artifacts.oci import artifacts_repository
from jenkinsbridge.errors import DeployError, JenkinsbridgeError, UsageError
from jenkinsbridge.images.distribution import Distribution, open_registry
from jenkinsbridge.images.prune import PrunePlan, plan, read_versions, run_plan
from jenkinsbridge.spec.models import Job

__all__ = ["PruneOptions", "deployed_references", "prune_job"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PruneOptions:
    keep: int
    older_than_days: float | None = None
    dry_run: bool = False


def deployed_references(job: Job, env: Mapping[str, str]) -> set[str]:
    """What every deploy environment of the job runs or can roll back to."""
    from jenkinsbridge.deploy.engine import engine_for
    from jenkinsbridge.deploy.model import Deployment
    from jenkinsbridge.deploy.operations import in_use

    out: set[str] = set()
    for spec in job.deploy:
        d = Deployment.from_job(job, spec.env, need_image=False)
        try:
            engine = engine_for(spec.endpoint, spec.tls_credentials, env)
            try:
                out |= in_use(engine, d)
            finally:
                engine.close()
        except JenkinsbridgeError as e:
            raise DeployError(f"cannot read the deploy history of {job.name} ({spec.env}): {e}; "
                              "not pruning without it") from e
    return out


def prune_job(job: Job, spec_dir: Path, env: Mapping[str, str], options: PruneOptions) -> list[PrunePlan]:
    """Plan (and unless dry_run, delete) for the image and the artifacts repository."""
    image = job.image
    if image is None:
        raise UsageError(f"job {job.full_name} has no image section; add image: {{registry, repository}}")
    deployed = deployed_references(job, env)
    api = open_registry(image, spec_dir, env)
    plans = []
    try:
        for repository in (image.repository, artifacts_repository(image.repository)):
            dist = Distribution(api, repository)
            p = plan(f"{image.registry}/{repository}", read_versions(dist), keep=options.keep,
                     older_than_days=options.older_than_days, protected_tags=set(image.protect),
                     deployed=deployed)
            if not options.dry_run:
                run_plan(dist, p)
            plans.append(p)
    finally:
        api.close()
    return plans
