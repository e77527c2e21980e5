"""The artifact format, written and read here only: an OCI image manifest whose config
has our own media type, one layer per file (``org.opencontainers.image.title`` names
it, as OCI artifact tools do) and annotations with commit, build URL, source and
creation time. Everything is serialized canonically (sorted keys, no spaces), so the
same files and metadata always give the same digest.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from typing import Any

from jenkinsbridge.errors import RegistryError

__all__ = ["ARTIFACT_TYPE", "CONFIG_TYPE", "FILE_TYPE", "ArtifactFile", "Meta", "artifacts_repository",
           "build_manifest", "check_name", "config_blob", "read_manifest"]

MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"
ARTIFACT_TYPE = "application/vnd.jenkinsbridge.artifacts.v1"
CONFIG_TYPE = "application/vnd.jenkinsbridge.artifacts.config.v1+json"
FILE_TYPE = "application/vnd.jenkinsbridge.artifacts.file.v1"
TITLE = "org.opencontainers.image.title"
REVISION = "org.opencontainers.image.revision"
CREATED = "org.opencontainers.image.created"
SOURCE = "org.opencontainers.image.source"
BUILD_URL = "io.jenkinsbridge.build-url"
JOB = "io.jenkinsbridge.job"


def artifacts_repository(repository: str) -> str:
    """Where a job's artifacts live: beside its image repository."""
    return f"{repository}/artifacts"


def _canonical(doc: Any) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def check_name(name: str) -> str:
    """A stored file name: a relative POSIX path without `..`, control characters or empty
    parts. Names come from our own push, but a pulled manifest is not trusted."""
    clean = posixpath.normpath(name)
    if (not name or name.startswith("/") or clean.startswith("..") or clean in (".", "")
            or any(ord(c) < 32 or c == "\\" for c in name) or "/../" in f"/{name}/"):
        raise RegistryError(f"artifact file name {name!r} is not a plain relative path")
    return clean


@dataclass(frozen=True)
class Meta:
    job: str
    commit: str | None
    build_url: str | None
    source: str | None
    created: str | None  # RFC 3339, UTC


@dataclass(frozen=True)
class ArtifactFile:
    name: str
    digest: str
    size: int


def config_blob(meta: Meta) -> bytes:
    doc = {"job": meta.job, "commit": meta.commit, "buildUrl": meta.build_url}
    return _canonical({k: v for k, v in doc.items() if v})


def _annotations(meta: Meta) -> dict[str, str]:
    pairs = {JOB: meta.job, REVISION: meta.commit, BUILD_URL: meta.build_url, SOURCE: meta.source,
             CREATED: meta.created}
    return {k: v for k, v in pairs.items() if v}


def build_manifest(meta: Meta, config_digest: str, config_size: int, files: list[ArtifactFile]) -> bytes:
    """The manifest bytes (canonical) for ``files`` in the order given."""
    layer_notes = {k: v for k, v in ((REVISION, meta.commit), (BUILD_URL, meta.build_url)) if v}
    doc = {
        "schemaVersion": 2,
        "mediaType": MANIFEST_TYPE,
        "artifactType": ARTIFACT_TYPE,
        "config": {"mediaType": CONFIG_TYPE, "digest": config_digest, "size": config_size},
        "layers": [{"mediaType": FILE_TYPE, "digest": f.digest, "size": f.size,
                    "annotations": {TITLE: f.name, **layer_notes}} for f in files],
        "annotations": _annotations(meta),
    }
    return _canonical(doc)


def read_manifest(raw: bytes) -> tuple[dict[str, str], list[ArtifactFile]]:
    """(manifest annotations, files) of an artifact manifest; RegistryError when it is not one."""
    try:
        doc = json.loads(raw)
        if (doc.get("config") or {}).get("mediaType") != CONFIG_TYPE:
            raise RegistryError("the manifest is not a jenkinsbridge artifact (config media type "
                                f"{(doc.get('config') or {}).get('mediaType')!r}, expected {CONFIG_TYPE})")
        files = [ArtifactFile(check_name(str(layer["annotations"][TITLE])), str(layer["digest"]),
                              int(layer["size"])) for layer in doc.get("layers") or []]
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise RegistryError(f"unreadable artifact manifest: {e}") from e
    names = [f.name for f in files]
    if len(set(names)) != len(names):
        raise RegistryError("the artifact manifest names a file twice")
    return dict(doc.get("annotations") or {}), files
