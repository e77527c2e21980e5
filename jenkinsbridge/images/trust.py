"""TLS material for a registry and the Docker engine's trust of it.

The engine, not jenkinsbridge, sends the layers, so the engine must trust the registry:
Docker reads /etc/docker/certs.d/HOST:PORT/ — every ``*.crt`` is a CA, and a
``*.cert``/``*.key`` pair is a client certificate. When a CA is given (``image.ca`` or
JB_REGISTRY_CA) it is installed there; a client certificate (JB_REGISTRY_CLIENT_CERT and
JB_REGISTRY_CLIENT_KEY) is installed for the push only and removed afterwards.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from jenkinsbridge.errors import UsageError
from jenkinsbridge.fsutil import write_atomic

__all__ = ["CERTS_D", "EngineTrust", "TlsMaterial", "engine_trust", "resolve_tls"]

log = logging.getLogger(__name__)

CERTS_D = Path("/etc/docker/certs.d")
CLIENT_NAME = "jenkinsbridge"  # jenkinsbridge.cert / jenkinsbridge.key in certs.d


@dataclass(frozen=True)
class TlsMaterial:
    """The registry's CA (and where it was named) and an optional client certificate."""

    ca: Path | None = None
    ca_source: str | None = None
    client_cert: Path | None = None
    client_key: Path | None = None

    @property
    def client_pair(self) -> tuple[str, str] | None:
        if self.client_cert and self.client_key:
            return str(self.client_cert), str(self.client_key)
        return None


def _pem_file(path: Path, what: str, source: str) -> Path:
    if not path.is_file():
        raise UsageError(f"{what} {path} (from {source}) does not exist; give the path of a PEM file")
    head = path.read_bytes()[:4096]
    if b"-----BEGIN" not in head:
        raise UsageError(f"{what} {path} (from {source}) is not a PEM file")
    return path


def resolve_tls(ca: str | None, spec_dir: Path, env: Mapping[str, str]) -> TlsMaterial:
    """JB_REGISTRY_CA wins over the spec's ``image.ca`` (relative to the spec's directory)."""
    ca_path: Path | None = None
    source: str | None = None
    if env.get("JB_REGISTRY_CA"):
        ca_path, source = Path(env["JB_REGISTRY_CA"]), "JB_REGISTRY_CA"
    elif ca:
        ca_path, source = spec_dir / ca, "image.ca in the spec"
    if ca_path is not None and source is not None:
        ca_path = _pem_file(ca_path, "CA certificate", source)
    cert, key = env.get("JB_REGISTRY_CLIENT_CERT"), env.get("JB_REGISTRY_CLIENT_KEY")
    if bool(cert) != bool(key):
        raise UsageError("set both JB_REGISTRY_CLIENT_CERT and JB_REGISTRY_CLIENT_KEY, or neither")
    return TlsMaterial(
        ca=ca_path, ca_source=source,
        client_cert=_pem_file(Path(cert), "client certificate", "JB_REGISTRY_CLIENT_CERT") if cert else None,
        client_key=_pem_file(Path(key), "client key", "JB_REGISTRY_CLIENT_KEY") if key else None,
    )


@dataclass
class EngineTrust:
    """What was done for the engine, and the instruction to give when it still fails."""

    directory: Path
    ca_installed: Path | None = None
    hint: str = ""
    created: tuple[Path, ...] = ()


def _install_hint(ca: Path | None, directory: Path, local: bool) -> str:
    where = "on the Docker engine's host" if not local else "for the Docker engine"
    src = shlex.quote(str(ca)) if ca else "REGISTRY-CA.pem"
    return (f"the engine must trust the registry's CA {where}: "
            f"install -D -m 0644 {src} {shlex.quote(str(directory / 'ca.crt'))}")


def _write(path: Path, data: bytes, mode: int) -> None:
    write_atomic(path, data, mode=mode, make_parents=False)


def _install_ca(ca: Path, directory: Path) -> Path:
    data = ca.read_bytes()
    for existing in sorted(directory.glob("*.crt")) if directory.is_dir() else []:
        with contextlib.suppress(OSError):
            if existing.read_bytes() == data:
                return existing
    directory.mkdir(parents=True, exist_ok=True, mode=0o755)
    target = directory / "ca.crt"
    if target.exists():  # someone's CA is there: add ours beside it, Docker reads every *.crt
        target = directory / f"{CLIENT_NAME}-{hashlib.sha256(data).hexdigest()[:12]}.crt"
    _write(target, data, 0o644)
    log.info("installed the registry CA for the Docker engine: %s", target)
    return target


@contextlib.contextmanager
def engine_trust(registry: str, tls: TlsMaterial, *, local: bool = True,
                 certs_d: Path = CERTS_D) -> Iterator[EngineTrust]:
    """Make the engine trust ``registry`` for the time of the block (the CA stays)."""
    directory = certs_d / registry
    trust = EngineTrust(directory=directory, hint=_install_hint(tls.ca, directory, local))
    if not local:
        if tls.ca or tls.client_pair:
            log.warning("the Docker engine is remote; %s", trust.hint)
        yield trust
        return
    created: list[Path] = []
    try:
        if tls.ca is not None:
            try:
                trust.ca_installed = _install_ca(tls.ca, directory)
            except OSError as e:
                log.warning("cannot write %s (%s); %s", directory, e.strerror or e, trust.hint)
        if tls.client_cert and tls.client_key:
            try:
                directory.mkdir(parents=True, exist_ok=True, mode=0o755)
                for src, name, mode in ((tls.client_cert, f"{CLIENT_NAME}.cert", 0o644),
                                        (tls.client_key, f"{CLIENT_NAME}.key", 0o600)):
                    target = directory / name
                    _write(target, src.read_bytes(), mode)
                    created.append(target)
            except OSError as e:
                log.warning("cannot install the client certificate in %s (%s); copy "
                            "JB_REGISTRY_CLIENT_CERT/KEY there as client.cert/client.key",
                            directory, e.strerror or e)
        trust.created = tuple(created)
        yield trust
    finally:
        for path in created:
            with contextlib.suppress(OSError):
                path.unlink()
