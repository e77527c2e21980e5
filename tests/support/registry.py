"""A real Docker registry for tests: Debian's `docker-registry serve CONFIG` on
127.0.0.1:<free port>, with TLS (a CA and a server certificate made here with openssl)
and htpasswd (bcrypt) auth. The engine trusts the CA through
/etc/docker/certs.d/127.0.0.1:PORT/ca.crt while the registry runs; that directory is
removed on exit when it was created here.

Use it as a context manager (``with running_registry(tmp) as reg: ...``) or through the
pytest fixture ``registry`` (import it into a conftest.py). The registry's access log
(stdout) is kept so tests can count requests, e.g. blob uploads.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

__all__ = [
    "CERTS_D",
    "MANIFEST_ACCEPT",
    "TestRegistry",
    "free_port",
    "make_ca",
    "make_cert",
    "registry",
    "running_registry",
]

CERTS_D = Path("/etc/docker/certs.d")
MANIFEST_ACCEPT = ", ".join([
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json",
])
_ACCESS_RE = re.compile(r'"(?P<method>[A-Z]+) (?P<uri>\S+) HTTP/[0-9.]+" (?P<status>\d{3}) ')


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _openssl(*args: str, cwd: Path) -> None:
    exe = shutil.which("openssl")
    if exe is None:
        raise RuntimeError("openssl is not installed (scripts/setup-machine installs it)")
    subprocess.run([exe, *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_ca(directory: Path, name: str = "ca") -> tuple[Path, Path]:
    """A self-signed CA: (certificate, key) as PEM files in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    crt, key = directory / f"{name}.crt", directory / f"{name}.key"
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-days", "2", "-subj", f"/CN=jenkinsbridge test {name}",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             "-keyout", str(key), "-out", str(crt), cwd=directory)
    return crt, key


def make_cert(directory: Path, name: str, ca: tuple[Path, Path], *, server: bool = True) -> tuple[Path, Path]:
    """A certificate signed by ``ca``: for 127.0.0.1/localhost (server) or a client."""
    key, csr, crt = directory / f"{name}.key", directory / f"{name}.csr", directory / f"{name}.crt"
    ext = directory / f"{name}.ext"
    if server:
        ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    else:
        ext.write_text("extendedKeyUsage=clientAuth\n")
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-subj", f"/CN={name}", "-keyout", str(key), "-out", str(csr), cwd=directory)
    _openssl("x509", "-req", "-in", str(csr), "-CA", str(ca[0]), "-CAkey", str(ca[1]),
             "-CAcreateserial", "-days", "2", "-extfile", str(ext), "-out", str(crt), cwd=directory)
    return crt, key


def _htpasswd(path: Path, users: dict[str, str]) -> None:
    exe = shutil.which("htpasswd")
    if exe is None:
        raise RuntimeError("htpasswd is not installed (apache2-utils; scripts/setup-machine)")
    lines = []
    for user, password in users.items():
        out = subprocess.run([exe, "-nbB", "-C", "5", user, password], check=True,
                             capture_output=True, text=True, timeout=60).stdout
        lines.append(out.strip())
    path.write_text("\n".join(lines) + "\n")


@dataclass
class TestRegistry:
    """One running registry. ``host`` is what image references and certs.d use."""

    __test__ = False  # not a pytest test class

    root: Path
    port: int
    ca: Path
    ca_key: Path
    username: str
    password: str
    client_ca: bool = False
    tls: bool = True
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path = field(init=False)
    installed_trust: Path | None = None

    def __post_init__(self) -> None:
        self.log_path = self.root / "registry.log"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}"

    # --- life cycle --------------------------------------------------------------------
    def start(self, timeout: float = 30.0) -> None:
        exe = shutil.which("docker-registry")
        if exe is None:
            raise RuntimeError("docker-registry is not installed (scripts/setup-machine installs it)")
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen([exe, "serve", str(self.root / "config.yml")],
                                         stdout=log, stderr=subprocess.STDOUT, cwd=self.root)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"docker-registry exited: {self.log_path.read_text()[-2000:]}")
            with contextlib.suppress(requests.RequestException):
                r = requests.get(f"{self.url}/v2/", verify=str(self.ca), timeout=2,
                                 cert=self._client_pair() if self.tls else None)
                if r.status_code in (200, 401):
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"docker-registry did not answer on {self.host} within {timeout}s")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    def trust_for_engine(self) -> Path:
        """Install the CA where dockerd looks for this registry's trust."""
        target = CERTS_D / self.host
        if target.exists():
            raise RuntimeError(f"{target} exists already; another registry on this port?")
        target.mkdir(parents=True)
        self.installed_trust = target
        shutil.copyfile(self.ca, target / "ca.crt")
        return target

    def untrust_for_engine(self) -> None:
        if self.installed_trust is not None:
            shutil.rmtree(self.installed_trust, ignore_errors=True)
            self.installed_trust = None

    def _client_pair(self) -> tuple[str, str] | None:
        crt, key = self.root / "client.crt", self.root / "client.key"
        return (str(crt), str(key)) if self.client_ca else None

    # --- what tests ask ---------------------------------------------------------------------
    def get(self, path: str, **kwargs: Any) -> requests.Response:
        """GET path with the CA, the credentials (and the client certificate) of this registry.

        ``verify`` goes per request: a session's ``verify`` loses to REQUESTS_CA_BUNDLE."""
        r = requests.get(f"{self.url}{path}", verify=str(self.ca), auth=(self.username, self.password),
                         cert=self._client_pair() if self.tls else None, timeout=10, **kwargs)
        r.raise_for_status()
        return r

    def catalog(self) -> list[str]:
        return list(self.get("/v2/_catalog").json().get("repositories") or [])

    def tags(self, repository: str) -> list[str]:
        return sorted(self.get(f"/v2/{repository}/tags/list").json().get("tags") or [])

    def manifest(self, repository: str, reference: str) -> tuple[str, dict[str, Any]]:
        """(Docker-Content-Digest, the manifest) as the registry serves them."""
        r = self.get(f"/v2/{repository}/manifests/{reference}", headers={"Accept": MANIFEST_ACCEPT})
        return r.headers["Docker-Content-Digest"], r.json()

    def requests_log(self) -> list[tuple[str, str, int]]:
        """(method, uri, status) of every request in the access log so far."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return [(m["method"], m["uri"], int(m["status"])) for m in _ACCESS_RE.finditer(text)]

    def blob_uploads(self) -> int:
        """Blob uploads the registry accepted (POST .../blobs/uploads/ answered 202), not
        counting cross-repository mounts."""
        return sum(1 for method, uri, status in self.requests_log()
                   if method == "POST" and "/blobs/uploads/" in uri and "mount=" not in uri
                   and status == 202)


def _write_config(reg: TestRegistry, server: tuple[Path, Path]) -> None:
    tls = [f"    certificate: {server[0]}", f"    key: {server[1]}"]
    if reg.client_ca:
        tls += ["    clientcas:", f"      - {reg.ca}"]
    text = "\n".join([
        "version: 0.1",
        "log:",
        "  level: info",
        "  accesslog:",
        "    disabled: false",
        "storage:",
        "  filesystem:",
        f"    rootdirectory: {reg.root / 'data'}",
        "  delete:",
        "    enabled: true",
        "http:",
        f"  addr: 127.0.0.1:{reg.port}",
        f"  secret: {uuid.uuid4().hex}",
        *(["  tls:", *tls] if reg.tls else []),
        "auth:",
        "  htpasswd:",
        "    realm: jenkinsbridge-test",
        f"    path: {reg.root / 'htpasswd'}",
        "",
    ])
    (reg.root / "config.yml").write_text(text)


@contextlib.contextmanager
def running_registry(root: Path, *, username: str = "jbuser", password: str | None = None,
                     trust: bool = True, client_ca: bool = False, tls: bool = True
                     ) -> Iterator[TestRegistry]:
    """Start a TLS + htpasswd registry under ``root``; stop it and remove its trust on exit.

    ``tls=False`` serves plain HTTP (still with htpasswd), for the plain-HTTP policy.
    ``client_ca=True`` makes the registry ask for a client certificate signed by its CA
    (``root/client.crt`` and ``root/client.key`` are made for the test to use).
    """
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o700)
    ca = make_ca(root)
    server = make_cert(root, "server", ca)
    if client_ca:
        make_cert(root, "client", ca, server=False)
    port = free_port()
    for _ in range(20):  # a port whose certs.d entry is not left over from someone else
        if not (CERTS_D / f"127.0.0.1:{port}").exists():
            break
        port = free_port()
    reg = TestRegistry(root=root, port=port, ca=ca[0], ca_key=ca[1], username=username,
                       password=password or uuid.uuid4().hex, client_ca=client_ca, tls=tls)
    _htpasswd(root / "htpasswd", {username: reg.password})
    _write_config(reg, server)
    try:
        if trust and tls:
            reg.trust_for_engine()
        reg.start()
        yield reg
    finally:
        reg.stop()
        reg.untrust_for_engine()


@pytest.fixture
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestRegistry]:
    """A fresh TLS + htpasswd registry for one test."""
    try:
        with running_registry(tmp_path_factory.mktemp("registry")) as reg:
            yield reg
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
