"""The two operations on a job's image, callable without a terminal: build it with every
tag, and push it to its registry (TLS, credentials, retries, digest checked)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from jenkinsbridge.errors import UsageError, from_docker_error
from jenkinsbridge.images.build import BuildRequest, BuildResult, build_image
from jenkinsbridge.images.credentials import missing_credentials_hint, resolve_credentials
from jenkinsbridge.images.progress import NullProgress, Progress
from jenkinsbridge.images.push import PushResult, push_references, write_digest_file
from jenkinsbridge.images.registry import RegistryAPI, is_loopback
from jenkinsbridge.images.retry import retry_from_env
from jenkinsbridge.images.trust import CERTS_D, engine_trust, resolve_tls
from jenkinsbridge.images.values import (
    TagValues,
    image_references,
    oci_labels,
    registry_of,
    resolve_values,
    split_reference,
)
from jenkinsbridge.spec.models import Image, Job

__all__ = ["BuildOptions", "ImageJob", "build_job_image", "build_request", "push_job_image"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImageJob:
    """A job's image with its paths resolved: the context against the spec's directory."""

    job: Job
    image: Image
    spec_dir: Path
    context: Path
    values: TagValues
    references: list[str]

    @classmethod
    def of(cls, job: Job, spec_dir: Path, env: Mapping[str, str], *, context: Path | None = None,
           tags: TagValues | None = None) -> ImageJob:
        """``tags``: the placeholder values given on the command line; the rest come from
        ``env`` and the context's git checkout (resolve_values)."""
        if job.image is None:
            raise UsageError(f"job {job.full_name!r} has no image section; add image: {{registry, "
                             "repository} to the spec")
        ctx = (context if context is not None else spec_dir / job.image.context).resolve()
        given = tags or TagValues()
        values = resolve_values(ctx, env, commit=given.commit, build=given.build,
                                branch=given.branch, version=given.version)
        return cls(job=job, image=job.image, spec_dir=spec_dir, context=ctx, values=values,
                   references=image_references(job.image, values))


@dataclass(frozen=True)
class BuildOptions:
    build_args: Mapping[str, str] = field(default_factory=dict)
    target: str | None = None
    cache_from: list[str] = field(default_factory=list)
    created: datetime | None = None  # org.opencontainers.image.created; now when None


def _fetch_cache(client: Any, refs: list[str], env: Mapping[str, str], progress: Progress) -> None:
    """The engine's builder takes cache only from local images: pull the missing ones."""
    import docker.errors

    for ref in refs:
        try:
            client.images.get(ref)
            continue
        except docker.errors.ImageNotFound:
            pass
        except docker.errors.DockerException as e:
            progress.note(f"cache image {ref}: {from_docker_error(e, action='inspect')}")
            continue
        name, tag = split_reference(ref)
        registry = registry_of(name)
        creds = resolve_credentials(registry, env)
        try:
            client.api.pull(name, tag=tag,
                            auth_config=creds.auth_config(registry) if creds else None)
            client.images.get(ref)  # a pull can fail inside its stream
            progress.note(f"cache image {ref} pulled")
        except docker.errors.DockerException as e:
            progress.note(f"cache image {ref} not available, building without it: "
                          f"{from_docker_error(e, action='pull')}")


def build_request(item: ImageJob, options: BuildOptions | None = None) -> BuildRequest:
    """What to build, checked: the context and Dockerfile exist (UsageError otherwise)."""
    opts = options or BuildOptions()
    request = BuildRequest(
        context=item.context, dockerfile=item.image.dockerfile, references=item.references,
        build_args={**item.image.build_args, **opts.build_args},
        target=opts.target or item.image.target,
        labels=oci_labels(item.job.source.url, item.values, created=opts.created),
        cache_from=list(opts.cache_from),
    )
    request.check()
    return request


def build_job_image(client: Any, item: ImageJob, options: BuildOptions | None = None,
                    progress: Progress | None = None, env: Mapping[str, str] | None = None) -> BuildResult:
    """Build the job's image and tag it with every reference of its tag templates."""
    request = build_request(item, options)
    if request.cache_from:
        _fetch_cache(client, list(request.cache_from), env or {}, progress or NullProgress())
    return build_image(client, request, progress)


def _engine_is_local(client: Any) -> bool:
    base = str(getattr(client.api, "base_url", ""))
    return base.startswith("http+docker://localhost") or "://127.0.0.1:" in base or "://localhost:" in base


def push_job_image(client: Any, item: ImageJob, env: Mapping[str, str], *,
                   digest_file: Path | None = None, progress: Progress | None = None,
                   certs_d: Path = CERTS_D) -> PushResult:
    """Push every reference of the job's image; write ``repository@digest`` to ``digest_file``."""
    shown: Progress = progress or NullProgress()
    image = item.image
    tls = resolve_tls(image.ca, item.spec_dir, env)
    credentials = resolve_credentials(image.registry, env)
    hint = missing_credentials_hint(image.credentials)
    retry = retry_from_env(env)

    def plain_http_allowed() -> str | None:
        if is_loopback(image.registry) or image.insecure:
            return None
        return ("refusing it: the registry is not on loopback, so images and credentials would "
                "cross the network unencrypted; serve it over TLS, or set image.insecure: true "
                "in the spec (and list it in the engine's insecure-registries)")

    api = RegistryAPI(image.registry, tls=tls, credentials=credentials, insecure=image.insecure,
                      retry=retry, credentials_hint=hint, on_retry=shown.note)
    try:
        api.connect(plain_http_allowed=plain_http_allowed)
        with engine_trust(image.registry, tls, local=_engine_is_local(client), certs_d=certs_d) as trust:
            result = push_references(client, api, item.references, credentials=credentials,
                                     retry=retry, progress=shown, trust_hint=trust.hint,
                                     credentials_hint=hint)
    finally:
        api.close()
    if digest_file is not None:
        write_digest_file(digest_file, result.reference)
    return result
