"""Registry operations beyond a push by the engine: list tags, read and delete manifests,
read and upload blobs, put a manifest (distribution v2 / OCI distribution API). Used by
retention (`image prune`) and by artifacts, which the engine does not push.

:func:`open_registry` connects as `image push` does: TLS from image.ca or JB_REGISTRY_CA,
credentials from JB_REGISTRY_USERNAME / JB_REGISTRY_PASSWORD or a credential helper.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jenkinsbridge.errors import RegistryError
from jenkinsbridge.images.credentials import missing_credentials_hint, resolve_credentials
from jenkinsbridge.images.registry import MANIFEST_ACCEPT, RegistryAPI, is_loopback
from jenkinsbridge.images.retry import retry_from_env
from jenkinsbridge.images.trust import resolve_tls
from jenkinsbridge.spec.models import Image

__all__ = ["Distribution", "Manifest", "connect_registry", "open_registry", "sha256"]

log = logging.getLogger(__name__)

TAGS = "/v2/{repository}/tags/list?n={n}"
MANIFEST = "/v2/{repository}/manifests/{reference}"
BLOB = "/v2/{repository}/blobs/{digest}"
UPLOADS = "/v2/{repository}/blobs/uploads/"
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Manifest:
    digest: str
    media_type: str
    raw: bytes

    @property
    def doc(self) -> dict[str, Any]:
        doc: dict[str, Any] = json.loads(self.raw)
        return doc


def open_registry(image: Image, spec_dir: Path, env: Mapping[str, str]) -> RegistryAPI:
    """A connected RegistryAPI for the spec's registry (close it when done)."""
    return connect_registry(image.registry, env, ca=image.ca, spec_dir=spec_dir, insecure=image.insecure,
                            credentials_id=image.credentials)


def connect_registry(registry: str, env: Mapping[str, str], *, ca: str | None = None,
                     spec_dir: Path | None = None, insecure: bool = False,
                     credentials_id: str | None = None) -> RegistryAPI:
    """Connect to ``registry`` with TLS (``ca`` or JB_REGISTRY_CA) and credentials."""
    def plain_http_allowed() -> str | None:
        if is_loopback(registry) or insecure:
            return None
        return "refusing it off loopback; serve it over TLS or set image.insecure: true"

    api = RegistryAPI(registry, tls=resolve_tls(ca, spec_dir or Path.cwd(), env),
                      credentials=resolve_credentials(registry, env), insecure=insecure,
                      retry=retry_from_env(env), credentials_hint=missing_credentials_hint(credentials_id))
    try:
        api.connect(plain_http_allowed=plain_http_allowed)
    except BaseException:
        api.close()
        raise
    return api


class Distribution:
    """One repository of a connected registry."""

    def __init__(self, api: RegistryAPI, repository: str) -> None:
        self.api = api
        self.repository = repository
        self._repo = quote(repository, safe="/")

    def _fail(self, what: str, status: int, body: str = "") -> RegistryError:
        return RegistryError(f"registry {self.api.registry}: {what} answered HTTP {status}"
                             + (f" ({body[:200]})" if body else ""), registry=self.api.registry)

    def _scope(self, actions: str) -> str:
        return f"repository:{self.repository}:{actions}"

    def tags(self) -> list[str]:
        """Every tag of the repository (following the registry's pagination)."""
        out: list[str] = []
        path: str | None = TAGS.format(repository=self._repo, n=1000)
        while path:
            r = self.api.request("GET", path, scope=self._scope("pull"))
            if r.status_code == 404:
                return out  # no such repository yet
            if r.status_code != 200:
                raise self._fail(f"listing the tags of {self.repository}", r.status_code, r.text)
            out += list(r.json().get("tags") or [])
            m = _NEXT.search(r.headers.get("Link", ""))
            path = m.group(1) if m else None
        return out

    def manifest(self, reference: str) -> Manifest | None:
        """The manifest of a tag or digest; None when the registry has none."""
        path = MANIFEST.format(repository=self._repo, reference=quote(reference, safe=":"))
        r = self.api.request("GET", path, scope=self._scope("pull"), headers={"Accept": MANIFEST_ACCEPT})
        if r.status_code == 404:
            return None
        if r.status_code != 200:
            raise self._fail(f"reading the manifest {self.repository}:{reference}", r.status_code, r.text)
        raw = r.content
        digest = r.headers.get("Docker-Content-Digest") or sha256(raw)
        media = r.headers.get("Content-Type", "").split(";")[0] or str(json.loads(raw).get("mediaType", ""))
        return Manifest(digest=digest, media_type=media, raw=raw)

    def delete_manifest(self, digest: str) -> None:
        """Delete by digest (every tag on it goes). The registry must allow deletes."""
        path = MANIFEST.format(repository=self._repo, reference=quote(digest, safe=":"))
        r = self.api.request("DELETE", path, scope=self._scope("delete"))
        if r.status_code == 405:
            raise RegistryError(f"registry {self.api.registry} does not allow deletes (HTTP 405); "
                                "enable them (storage.delete.enabled: true in its config)",
                                registry=self.api.registry)
        if r.status_code not in (202, 404):
            raise self._fail(f"deleting {self.repository}@{digest}", r.status_code, r.text)

    def blob(self, digest: str) -> bytes:
        r = self.api.request("GET", BLOB.format(repository=self._repo, digest=quote(digest, safe=":")),
                             scope=self._scope("pull"))
        if r.status_code != 200:
            raise self._fail(f"reading the blob {digest} of {self.repository}", r.status_code)
        data = r.content
        if sha256(data) != digest:
            raise RegistryError(f"registry {self.api.registry} sent a blob that does not match "
                                f"its digest {digest}", registry=self.api.registry)
        return data

    def has_blob(self, digest: str) -> bool:
        r = self.api.request("HEAD", BLOB.format(repository=self._repo, digest=quote(digest, safe=":")),
                             scope=self._scope("pull"))
        return r.status_code == 200

    def put_blob(self, data: bytes) -> str:
        """Upload ``data`` (one monolithic PUT) unless the registry has it; its digest."""
        digest = sha256(data)
        if self.has_blob(digest):
            return digest
        scope = self._scope("pull,push")
        r = self.api.request("POST", UPLOADS.format(repository=self._repo), scope=scope)
        if r.status_code != 202 or "Location" not in r.headers:
            raise self._fail(f"starting a blob upload to {self.repository}", r.status_code, r.text)
        location = r.headers["Location"]
        sep = "&" if "?" in location else "?"
        r = self.api.request("PUT", f"{location}{sep}digest={quote(digest, safe='')}", scope=scope,
                             headers={"Content-Type": "application/octet-stream"}, content=data)
        if r.status_code != 201:
            raise self._fail(f"uploading the blob {digest} to {self.repository}", r.status_code, r.text)
        return digest

    def put_manifest(self, reference: str, raw: bytes, media_type: str) -> str:
        path = MANIFEST.format(repository=self._repo, reference=quote(reference, safe=":"))
        r = self.api.request("PUT", path, scope=self._scope("pull,push"),
                             headers={"Content-Type": media_type}, content=raw)
        if r.status_code != 201:
            raise self._fail(f"putting the manifest {self.repository}:{reference}", r.status_code, r.text)
        return r.headers.get("Docker-Content-Digest") or sha256(raw)
