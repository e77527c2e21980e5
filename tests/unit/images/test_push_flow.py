"""push_references with a stand-in engine: retries on transient stream errors, the TLS
hint on the engine's x509 refusal, the registry's digest must match."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker.errors
import pytest

from jenkinsbridge.errors import RegistryError, RegistryTLSError
from jenkinsbridge.images.push import push_references, write_digest_file
from jenkinsbridge.images.retry import Retry

DIGEST = "sha256:" + "e" * 64
REFS = ["r:5000/acme/app:1", "r:5000/acme/app:latest"]


class _Engine:
    """Answers push calls from a script: each item is a list of stream chunks or an exception."""

    def __init__(self, script: list[Any]) -> None:
        self.script = script
        self.pushes: list[tuple[str, str, Any]] = []
        self.api = self
        self.images = self

    def get(self, ref: str) -> object:
        return object()

    def push(self, repo: str, tag: str, stream: bool, decode: bool, auth_config: Any) -> Iterator[dict[str, Any]]:
        self.pushes.append((repo, tag, auth_config))
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        return iter(item)


class _Registry:
    registry = "r:5000"

    def __init__(self, digest: str = DIGEST) -> None:
        self.digest = digest
        self.asked: list[tuple[str, str]] = []

    def manifest_digest(self, repository: str, tag: str) -> str:
        self.asked.append((repository, tag))
        return self.digest


def _ok(tag: str) -> list[dict[str, Any]]:
    return [{"status": "Pushed", "id": "l1", "progressDetail": {}},
            {"aux": {"Tag": tag, "Digest": DIGEST, "Size": 1}}]


def test_transient_stream_error_is_retried() -> None:
    refused = [{"errorDetail": {"message": "Put \"https://r:5000/v2/acme/app/blobs/uploads/\": dial tcp: "
                                           "connect: connection refused"}}]
    engine = _Engine([refused, _ok("1"), _ok("latest")])
    reg = _Registry()
    result = push_references(engine, reg, REFS, credentials=None,  # type: ignore[arg-type]
                             retry=Retry(attempts=3, delay=0))
    assert result.reference == f"r:5000/acme/app@{DIGEST}"
    assert [p[:2] for p in engine.pushes] == [("r:5000/acme/app", "1")] * 2 + [("r:5000/acme/app", "latest")]
    assert reg.asked == [("acme/app", "1"), ("acme/app", "latest")]


def test_engine_x509_refusal_carries_the_trust_hint() -> None:
    err = docker.errors.APIError("500", explanation="Get \"https://r:5000/v2/\": x509: certificate signed "
                                                    "by unknown authority")
    engine = _Engine([err])
    with pytest.raises(RegistryTLSError) as e:
        push_references(engine, _Registry(), REFS, credentials=None,  # type: ignore[arg-type]
                        retry=Retry(attempts=3, delay=0),
                        trust_hint="install -D -m 0644 CA /etc/docker/certs.d/r:5000/ca.crt")
    assert str(e.value).endswith("; install -D -m 0644 CA /etc/docker/certs.d/r:5000/ca.crt")
    assert len(engine.pushes) == 1  # not retried


def test_a_digest_the_registry_does_not_confirm_fails() -> None:
    engine = _Engine([_ok("1"), _ok("latest")])
    with pytest.raises(RegistryError, match=r"holds sha256:0+ for acme/app:1, the engine pushed"):
        push_references(engine, _Registry("sha256:" + "0" * 64), REFS, credentials=None,  # type: ignore[arg-type]
                        retry=Retry(attempts=1))


def test_digest_file_is_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "a" / "image.digest"
    write_digest_file(target, f"r:5000/acme/app@{DIGEST}")
    assert target.read_text() == f"r:5000/acme/app@{DIGEST}\n"
    assert [p.name for p in target.parent.iterdir()] == ["image.digest"]
