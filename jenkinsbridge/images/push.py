"""Push built references through the Docker engine, with per-layer progress, retries on
transient failures, and the digest the registry stored, checked against its own answer."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jenkinsbridge.errors import (
    DockerOperationError,
    RegistryAuthError,
    RegistryError,
    RegistryTLSError,
    from_docker_error,
    from_registry_message,
)
from jenkinsbridge.fsutil import write_atomic
from jenkinsbridge.images.credentials import Credentials
from jenkinsbridge.images.progress import NullProgress, Progress
from jenkinsbridge.images.registry import RegistryAPI
from jenkinsbridge.images.retry import Retry, with_retries

__all__ = ["PushResult", "follow_push", "push_references", "write_digest_file"]

log = logging.getLogger(__name__)

_LAYER_STATES = {"Preparing", "Waiting", "Pushing", "Pushed", "Layer already exists",
                 "Mounted from", "Retrying"}


@dataclass(frozen=True)
class PushResult:
    repository: str  # registry/repository
    digest: str  # sha256:...
    tags: list[str]
    uploaded: int  # layers sent
    existing: int  # layers the registry had

    @property
    def reference(self) -> str:
        return f"{self.repository}@{self.digest}"


def follow_push(chunks: Iterable[Mapping[str, Any]], progress: Progress, *, registry: str,
                credentials_hint: str = "") -> tuple[str | None, int, int]:
    """Read the engine's push stream: (digest, layers uploaded, layers already there)."""
    digest: str | None = None
    uploaded = existing = 0
    for chunk in chunks:
        if "error" in chunk or "errorDetail" in chunk:
            detail = (chunk.get("errorDetail") or {}).get("message") or chunk.get("error") or ""
            progress.failed()
            err = from_registry_message(" ".join(str(detail).split()), registry=registry)
            if isinstance(err, RegistryAuthError) and credentials_hint:
                err = RegistryAuthError(f"{err} ({credentials_hint})", registry=registry)
            raise err
        aux = chunk.get("aux")
        if isinstance(aux, dict) and isinstance(aux.get("Digest"), str):
            digest = aux["Digest"]
        status = str(chunk.get("status") or "")
        layer = chunk.get("id")
        if layer and any(status.startswith(s) for s in _LAYER_STATES):
            detail = chunk.get("progressDetail") or {}
            progress.layer(str(layer), status, detail.get("current"), detail.get("total"))
            if status == "Pushed":
                uploaded += 1
            elif status == "Layer already exists" or status.startswith("Mounted from"):
                existing += 1
        elif status and not layer:
            log.debug("push: %s", status)
    return digest, uploaded, existing


def _check_local(client: Any, references: list[str]) -> None:
    import docker.errors

    for ref in references:
        try:
            client.images.get(ref)
        except docker.errors.ImageNotFound as e:
            raise DockerOperationError(f"image {ref} is not in the Docker engine; build it first "
                                       "(jenkinsbridge image build)") from e
        except docker.errors.DockerException as e:
            raise from_docker_error(e, action=f"inspect {ref}") from e


def push_references(client: Any, api: RegistryAPI, references: list[str], *,
                    credentials: Credentials | None, retry: Retry, progress: Progress | None = None,
                    trust_hint: str = "", credentials_hint: str = "") -> PushResult:
    """Push every ``registry/repository:tag`` of one image; check the registry's digest."""
    import docker.errors

    shown: Progress = progress or NullProgress()
    _check_local(client, references)
    registry = api.registry
    auth = credentials.auth_config(registry) if credentials else None
    digests: dict[str, str] = {}
    uploaded = existing = 0
    repository = references[0].rsplit(":", 1)[0]
    for ref in references:
        repo, tag = ref.rsplit(":", 1)
        if repo != repository:
            raise RegistryError(f"{ref} is not in {repository}; one push is one repository",
                                registry=registry)

        def once(repo: str = repo, tag: str = tag) -> tuple[str | None, int, int]:
            try:
                chunks = client.api.push(repo, tag=tag, stream=True, decode=True, auth_config=auth)
                return follow_push(chunks, shown, registry=registry, credentials_hint=credentials_hint)
            except docker.errors.DockerException as e:
                err = from_docker_error(e, action=f"push {repo}:{tag}")
                said = str(getattr(e, "explanation", None) or e)
                mapped = from_registry_message(said, registry=registry)  # registry trouble, told by the engine
                raise (mapped if type(mapped) is not RegistryError else err) from e
            finally:
                shown.close()

        try:
            digest, up, had = with_retries(once, retry, what=f"push {ref}", on_retry=shown.note)
        except RegistryTLSError as e:
            raise RegistryTLSError(f"{e}; {trust_hint}" if trust_hint else str(e), registry=registry) from e
        if not digest:
            raise RegistryError(f"push {ref}: the engine reported no digest", registry=registry)
        uploaded, existing = uploaded + up, existing + had
        digests[tag] = digest
        shown.note(f"pushed {ref} ({digest}; {up} layer(s) sent, {had} already there)")
    path = repository.split("/", 1)[1]
    for tag, digest in digests.items():
        stored = api.manifest_digest(path, tag)
        if stored != digest:
            raise RegistryError(f"registry {registry} holds {stored} for {path}:{tag}, the engine "
                                f"pushed {digest}; another push raced this one?", registry=registry)
    distinct = sorted(set(digests.values()))
    if len(distinct) != 1:
        raise RegistryError(f"tags of {repository} got different digests: {', '.join(distinct)}",
                            registry=registry)
    return PushResult(repository=repository, digest=distinct[0], tags=list(digests),
                      uploaded=uploaded, existing=existing)


def write_digest_file(path: Path, reference: str) -> None:
    """Write ``repository@sha256:...`` and a newline, atomically."""
    write_atomic(path, reference + "\n")
