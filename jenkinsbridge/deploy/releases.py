"""Which release a rollback goes back to, read from the deploy history; and the digest
a release ran, so that going back deploys the same bytes even when its tag has moved.

History records are dicts (old records lack ``digest`` and ``why``; both are optional).
A release is a successful ``deploy`` or ``rollback``: promotes and failures are not.
"""

from __future__ import annotations

import logging
from typing import Any

from jenkinsbridge.deploy.engine import Engine
from jenkinsbridge.errors import DeployError, DockerOperationError

__all__ = ["RELEASE_ACTIONS", "digest_of", "find_release", "identity", "is_current", "kept_references", "matches",
           "previous_release", "reference_of"]

log = logging.getLogger(__name__)
RELEASE_ACTIONS = ("deploy", "rollback")


def _releases(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [dict(r) for r in history if r.get("result") == "success" and r.get("action") in RELEASE_ACTIONS
            and r.get("image")]


def matches(record: dict[str, Any], wanted: str) -> bool:
    """``wanted`` is a whole reference, a tag (``v1``), a digest (``sha256:...``, at least
    12 hex digits of it) or ``repository@sha256:...``."""
    image = str(record.get("image", ""))
    digest = str(record.get("digest") or "")
    if wanted in (image, digest):
        return True
    name, _, tag = image.rpartition(":")
    if "/" not in tag and name and wanted == tag:
        return True
    bare = digest.rpartition("@")[2] or digest
    if wanted.startswith("sha256:") and len(wanted) >= 19 and bare.startswith(wanted):
        return True
    return "@" in wanted and bare != "" and wanted.endswith("@" + bare)


def identity(record: dict[str, Any]) -> str:
    """What makes two releases the same: the digest, else the reference."""
    return str(record.get("digest") or record["image"])


def is_current(history: list[dict[str, Any]], record: dict[str, Any]) -> bool:
    """Whether ``record`` is the release that runs now (the newest successful one: a
    failed deploy leaves the previous release serving)."""
    done = _releases(history)
    return bool(done) and identity(done[-1]) == identity(record)


def previous_release(history: list[dict[str, Any]]) -> dict[str, Any]:
    """The newest successful release other than the one that runs now."""
    done = _releases(history)
    current = identity(done[-1]) if done else None
    for rec in done[::-1]:
        if identity(rec) != current:
            return rec
    raise DeployError("nothing to roll back to: no earlier successful deploy in the history")


def find_release(history: list[dict[str, Any]], wanted: str) -> dict[str, Any]:
    """The newest successful release that matches ``wanted`` (see :func:`matches`)."""
    for rec in _releases(history)[::-1]:
        if matches(rec, wanted):
            return rec
    known = sorted({str(r["image"]) for r in _releases(history)})
    raise DeployError(f"nothing to roll back to: no successful release {wanted!r} in the history "
                      f"(released: {', '.join(known) or 'none'})")


def reference_of(record: dict[str, Any]) -> str:
    """What to deploy to bring a release back: its pinned ``repository@sha256:...`` when
    the registry gave one, else the reference it was deployed as."""
    digest = str(record.get("digest") or "")
    return digest if "@" in digest else str(record["image"])


def digest_of(engine: Engine, image: str) -> str | None:
    """``repository@sha256:...`` of ``image`` on the engine when it came from a registry,
    else the image ID; None when the engine does not know the image."""
    try:
        img = engine.image(image)
    except (DockerOperationError, ValueError) as e:
        log.debug("no digest for %s: %s", image, e)
        return None
    if img is None:
        log.debug("no digest for %s: the engine does not know it", image)
        return None
    if "@" in image:
        return image
    repo = image.rpartition(":")[0] if ":" in image.rpartition("/")[2] else image
    for rd in img.attrs.get("RepoDigests") or []:
        if str(rd).startswith(repo + "@"):
            return str(rd)
    return str(img.id)


def kept_references(state: dict[str, Any]) -> set[str]:
    """Every image reference and digest a deployment runs or can roll back to: the live
    image, each color's, and every successful release in its history."""
    out: set[str] = set()
    live = state.get("live") or {}
    refs = [live.get("image")] + [c.get("image") for c in (state.get("colors") or {}).values()]
    for rec in _releases(list(state.get("history") or [])):
        refs += [rec.get("image"), rec.get("digest")]
    for ref in refs:
        if ref:
            out.add(str(ref))
            if "@" in str(ref):
                out.add(str(ref).rpartition("@")[2])
    return out
