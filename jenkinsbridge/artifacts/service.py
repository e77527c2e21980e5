"""Push a job's build outputs to its registry as one OCI artifact, and pull one back.

Push: every file becomes a blob (uploaded only when the registry lacks it), then the
manifest is put under each of the job's image tags in ``<repository>/artifacts``. The
creation time is SOURCE_DATE_EPOCH, else the commit's time from git, so the same files
of the same build give the same digest on every push.
Pull: the manifest by tag or digest, each blob checked against its digest, written to a
temporary file beside its target and renamed into place (nothing half-written).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jenkinsbridge.artifacts.oci import (
    MANIFEST_TYPE,
    ArtifactFile,
    Meta,
    artifacts_repository,
    build_manifest,
    check_name,
    config_blob,
    read_manifest,
)
from jenkinsbridge.errors import RegistryError, UsageError
from jenkinsbridge.fsutil import write_atomic
from jenkinsbridge.images.distribution import Distribution, connect_registry, open_registry
from jenkinsbridge.images.push import write_digest_file
from jenkinsbridge.images.service import ImageJob
from jenkinsbridge.images.trust import CERTS_D
from jenkinsbridge.images.values import commit_time, created_from_env, public_url, split_reference

__all__ = ["PullResult", "PushResult", "matching", "pull_artifacts", "push_artifacts", "stored_name"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PushResult:
    reference: str  # registry/repository@sha256:...
    digest: str
    tags: list[str]
    files: list[ArtifactFile]


@dataclass(frozen=True)
class PullResult:
    reference: str
    digest: str
    files: list[Path]
    annotations: dict[str, str]


def stored_name(path: Path, base: Path) -> str:
    """The name a file is stored under: its path relative to ``base`` when inside it,
    else its file name."""
    try:
        rel = path.resolve().relative_to(base.resolve())
        return check_name(rel.as_posix())
    except ValueError:
        return check_name(path.name)


def matching(patterns: str, base: Path) -> list[Path]:
    """Files matching the spec's ``artifacts``: comma-separated globs relative to ``base``
    (``**`` spans directories), as archiveArtifacts reads them."""
    found: dict[Path, None] = {}
    for pattern in (p.strip() for p in patterns.split(",")):
        if not pattern:
            continue
        if pattern.startswith("/") or ".." in Path(pattern).parts:
            raise UsageError(f"artifacts pattern {pattern!r}: give a glob relative to the workspace")
        found.update((p, None) for p in sorted(base.glob(pattern)) if p.is_file())
    if not found:
        raise UsageError(f"no file in {base} matches the artifacts patterns {patterns!r}")
    return list(found)


def _files(paths: list[Path], base: Path) -> list[tuple[str, Path]]:
    if not paths:
        raise UsageError("artifacts push: name files, or set `artifacts` in the job's spec")
    out: dict[str, Path] = {}
    for p in paths:
        if not p.is_file():
            raise UsageError(f"artifacts push: {p} is not a file")
        name = stored_name(p, base)
        if name in out and out[name].resolve() != p.resolve():
            raise UsageError(f"artifacts push: {out[name]} and {p} would both be stored as {name}")
        out[name] = p
    return sorted(out.items())


def push_artifacts(item: ImageJob, paths: list[Path], env: Mapping[str, str], *, base: Path | None = None,
                   digest_file: Path | None = None) -> PushResult:
    image = item.image
    base = base or Path.cwd()
    if not paths and item.job.artifacts:
        paths = matching(item.job.artifacts, base)
    files = _files(paths, base)
    created = created_from_env(env) or commit_time(item.context, item.values.commit)
    meta = Meta(job=item.job.full_name, commit=item.values.commit, build_url=env.get("BUILD_URL") or None,
                source=public_url(item.job.source.url) if item.job.source.url else None,
                created=created.strftime("%Y-%m-%dT%H:%M:%SZ") if created else None)
    repository = artifacts_repository(image.repository)
    tags = list(dict.fromkeys(split_reference(ref)[1] for ref in item.references))
    api = open_registry(image, item.spec_dir, env)
    try:
        dist = Distribution(api, repository)
        stored = [ArtifactFile(name, dist.put_blob(path.read_bytes()), path.stat().st_size)
                  for name, path in files]
        config = config_blob(meta)
        config_digest = dist.put_blob(config)
        raw = build_manifest(meta, config_digest, len(config), stored)
        digest = ""
        for tag in tags:
            digest = dist.put_manifest(tag, raw, MANIFEST_TYPE)
    finally:
        api.close()
    reference = f"{image.registry}/{repository}@{digest}"
    if digest_file is not None:
        write_digest_file(digest_file, reference)
    log.info("pushed %d files as %s", len(stored), reference)
    return PushResult(reference=reference, digest=digest, tags=tags, files=stored)


def _split(ref: str) -> tuple[str, str, str]:
    """(registry, repository, tag or digest) of REF; a registry is required."""
    name, reference = split_reference(ref)
    registry, _, repository = name.partition("/")
    if not repository or not ("." in registry or ":" in registry or registry == "localhost"):
        raise UsageError(f"{ref!r}: name the registry, e.g. registry.example.com:5000/acme/app/artifacts:TAG")
    return registry, repository, reference


def pull_artifacts(ref: str, out: Path, env: Mapping[str, str], *, certs_d: Path = CERTS_D) -> PullResult:
    registry, repository, reference = _split(ref)
    # without a spec: JB_REGISTRY_CA, else the CA the Docker engine trusts for this registry
    engine_ca = certs_d / registry / "ca.crt"
    api = connect_registry(registry, env, ca=str(engine_ca) if engine_ca.is_file() else None)
    try:
        dist = Distribution(api, repository)
        m = dist.manifest(reference)
        if m is None:
            raise RegistryError(f"registry {registry} has no artifact {repository}:{reference}",
                                registry=registry)
        annotations, files = read_manifest(m.raw)
        out.mkdir(parents=True, exist_ok=True)
        written = [_write(out, f, dist.blob(f.digest)) for f in files]
    finally:
        api.close()
    return PullResult(reference=f"{registry}/{repository}@{m.digest}", digest=m.digest, files=written,
                      annotations=annotations)


def _write(out: Path, f: ArtifactFile, data: bytes) -> Path:
    target = out / f.name
    if out.resolve() not in target.resolve().parents:
        raise RegistryError(f"artifact file name {f.name!r} leaves the output directory")
    return write_atomic(target, data)
