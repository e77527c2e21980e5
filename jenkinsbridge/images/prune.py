"""Registry retention: which versions (manifests) of a repository to delete, and deleting
them through the registry API.

A version is one manifest digest with every tag on it. Kept, whatever else holds:
``latest``, the spec's ``image.protect`` tags, every version a deploy history names (the
live image, an idle color, any successful release a rollback can go back to: by tag,
``repository@sha256:...`` or image ID, which is the manifest's config digest) and the
``keep`` newest versions. The rest is deleted, or only what is older than
``older_than_days`` when that is given. Deleting a manifest frees nothing on disk until
the registry's garbage collector runs (`registry garbage-collect CONFIG`).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jenkinsbridge.images.distribution import Distribution, Manifest

__all__ = ["PrunePlan", "Version", "plan", "read_versions", "run_plan"]

log = logging.getLogger(__name__)
INDEX_TYPES = ("application/vnd.oci.image.index.v1+json",
               "application/vnd.docker.distribution.manifest.list.v2+json")
IMAGE_CONFIGS = ("application/vnd.docker.container.image.v1+json",
                 "application/vnd.oci.image.config.v1+json")
CREATED = "org.opencontainers.image.created"


@dataclass
class Version:
    digest: str
    tags: list[str]
    created: float | None  # seconds since the epoch; None when the registry does not say
    config_digest: str | None = None
    blobs: dict[str, int] = field(default_factory=dict)  # digest -> size, for what a delete frees

    def as_dict(self) -> dict[str, Any]:
        when = (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.created))
                if self.created is not None else None)
        return {"digest": self.digest, "tags": sorted(self.tags), "created": when}


@dataclass
class PrunePlan:
    repository: str
    keep: list[tuple[Version, str]] = field(default_factory=list)  # with the reason
    delete: list[Version] = field(default_factory=list)

    @property
    def frees_bytes(self) -> int:
        """Bytes of blobs only the deleted versions use (freed after garbage collection)."""
        kept = {d for v, _ in self.keep for d in v.blobs}
        gone = {d: s for v in self.delete for d, s in v.blobs.items() if d not in kept}
        return sum(gone.values())

    def as_dict(self) -> dict[str, Any]:
        return {"repository": self.repository, "frees_bytes": self.frees_bytes,
                "delete": [v.as_dict() for v in self.delete],
                "keep": [{**v.as_dict(), "why": why} for v, why in self.keep]}


def parse_time(text: str | None) -> float | None:
    """RFC 3339 as registries and builders write it (nanoseconds, Z or an offset)."""
    if not text:
        return None
    t = text.strip().replace("Z", "+00:00")
    if "." in t:  # Python takes at most microseconds
        head, _, rest = t.partition(".")
        digits = "".join(c for c in rest if c.isdigit())
        t = f"{head}.{digits[:6]}{rest[len(digits):]}"
    try:
        return datetime.fromisoformat(t).timestamp()
    except ValueError:
        return None


def _version(dist: Distribution, m: Manifest, tags: list[str]) -> Version:
    doc = m.doc
    if m.media_type in INDEX_TYPES or doc.get("manifests"):
        children = doc.get("manifests") or []
        blobs = {str(c["digest"]): int(c.get("size", 0)) for c in children}
        created = parse_time((doc.get("annotations") or {}).get(CREATED))
        if created is None and children:
            child = dist.manifest(str(children[0]["digest"]))
            if child is not None:
                created = _version(dist, child, []).created
        return Version(m.digest, tags, created, None, blobs)
    config = doc.get("config") or {}
    blobs = {str(layer["digest"]): int(layer.get("size", 0)) for layer in doc.get("layers") or []}
    cfg_digest = str(config.get("digest", "")) or None
    if cfg_digest:
        blobs[cfg_digest] = int(config.get("size", 0))
    created = parse_time((doc.get("annotations") or {}).get(CREATED))
    if created is None and cfg_digest and config.get("mediaType") in IMAGE_CONFIGS:
        try:
            created = parse_time(json.loads(dist.blob(cfg_digest)).get("created"))
        except ValueError:
            created = None
    return Version(m.digest, tags, created, cfg_digest, blobs)


def read_versions(dist: Distribution) -> list[Version]:
    """Every version of the repository, tags grouped by manifest digest."""
    by_digest: dict[str, tuple[Manifest, list[str]]] = {}
    for tag in dist.tags():
        m = dist.manifest(tag)
        if m is None:  # deleted meanwhile
            continue
        by_digest.setdefault(m.digest, (m, []))[1].append(tag)
    return [_version(dist, m, tags) for m, tags in by_digest.values()]


def plan(repository: str, versions: list[Version], *, keep: int, older_than_days: float | None,
         protected_tags: set[str], deployed: set[str], now: float | None = None) -> PrunePlan:
    """Decide; ``deployed`` holds references from deploy histories (tags, digests, refs)."""
    now = time.time() if now is None else now
    out = PrunePlan(repository)
    newest_first = sorted(versions, key=lambda v: -(v.created if v.created is not None else float("inf")))
    for index, v in enumerate(newest_first):
        why = _kept_because(repository, v, index, keep=keep, older_than_days=older_than_days,
                            protected_tags=protected_tags, deployed=deployed, now=now)
        if why:
            out.keep.append((v, why))
        else:
            out.delete.append(v)
    return out


def _kept_because(repository: str, v: Version, index: int, *, keep: int, older_than_days: float | None,
                  protected_tags: set[str], deployed: set[str], now: float) -> str | None:
    tags = set(v.tags)
    if "latest" in tags:
        return "latest"
    if tags & protected_tags:
        return "protected tag " + ", ".join(sorted(tags & protected_tags))
    names = {v.digest, f"{repository}@{v.digest}"} | {f"{repository}:{t}" for t in tags}
    if v.config_digest:
        names.add(v.config_digest)
    hit = sorted(names & deployed)
    if hit:
        return f"deployed or a rollback target ({hit[0]})"
    if index < keep:
        return f"one of the {keep} newest"
    if v.created is None:
        return "no creation time"
    if older_than_days is not None and v.created > now - older_than_days * 86400:
        return f"newer than {older_than_days:g} days"
    return None


def run_plan(dist: Distribution, p: PrunePlan) -> list[str]:
    """Delete the planned manifests; the digests deleted."""
    done = []
    for v in p.delete:
        log.info("deleting %s@%s (%s)", p.repository, v.digest, ", ".join(v.tags))
        dist.delete_manifest(v.digest)
        done.append(v.digest)
    return done
