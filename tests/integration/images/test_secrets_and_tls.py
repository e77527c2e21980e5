"""No credential on disk after a push; plain HTTP on loopback; client certificates."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from jenkinsbridge.errors import RegistryTLSError
from jenkinsbridge.images.credentials import Credentials
from jenkinsbridge.images.registry import RegistryAPI
from jenkinsbridge.images.trust import TlsMaterial
from tests.integration.images.conftest import App
from tests.support.registry import CERTS_D, TestRegistry, running_registry

ROOT = Path(__file__).resolve().parents[3]


def _files(paths: list[Path], since: float) -> Iterator[Path]:
    for top in paths:
        if top.is_file():
            yield top
            continue
        for dirpath, _dirs, names in os.walk(top):
            for name in names:
                p = Path(dirpath) / name
                try:
                    st = p.stat()
                except OSError:
                    continue
                if st.st_mtime >= since and st.st_size < 2_000_000 and p.is_file():  # config-sized files
                    yield p


def test_no_credential_is_left_on_disk(shared_registry: TestRegistry, make_app: Callable[..., App],
                                       tmp_path: Path) -> None:
    reg = shared_registry
    app = make_app(reg)
    app.build()
    home, dockercfg, tmpdir = tmp_path / "home", tmp_path / "docker-config", tmp_path / "tmp"
    for d in (home, dockercfg, tmpdir):
        d.mkdir()
    real_docker_dir = Path(os.path.expanduser("~")) / ".docker"
    env = {**os.environ, **app.env, "HOME": str(home), "DOCKER_CONFIG": str(dockercfg),
           "TMPDIR": str(tmpdir), "PYTHONPATH": str(ROOT)}
    started = time.time() - 1
    proc = subprocess.run([sys.executable, "-m", "jenkinsbridge.cli.main", "image", "push", str(app.spec)],
                          env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"{reg.host}/{app.repository}@sha256:")

    secrets = [reg.password.encode(),
               base64.b64encode(f"{reg.username}:{reg.password}".encode()),
               base64.b64encode(reg.password.encode())]
    scanned = 0
    for path in _files([home, dockercfg, tmpdir, real_docker_dir, CERTS_D / reg.host, Path("/tmp")], started):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        scanned += 1
        for s in secrets:
            assert s not in data, f"a credential was written to {path}"
    assert scanned > 0
    assert list(dockercfg.iterdir()) == []  # no config.json was made
    assert sorted(p.name for p in (CERTS_D / reg.host).iterdir()) == ["ca.crt"]
    assert reg.password not in proc.stderr + proc.stdout


def test_credentials_from_a_docker_credential_helper(shared_registry: TestRegistry,
                                                    make_app: Callable[..., App], tmp_path: Path) -> None:
    reg = shared_registry
    app = make_app(reg)
    app.build()
    helper = tmp_path / "bin" / "docker-credential-jbtimages"
    helper.parent.mkdir()
    helper.write_text(f"""#!/bin/sh
read server
[ "$1" = get ] && [ "$server" = "{reg.host}" ] || {{ echo "credentials not found"; exit 1; }}
printf '{{"ServerURL":"%s","Username":"{reg.username}","Secret":"{reg.password}"}}' "$server"
""")
    helper.chmod(0o700)
    config = tmp_path / "docker-config"
    config.mkdir()
    (config / "config.json").write_text(f'{{"credHelpers": {{"{reg.host}": "jbtimages"}}}}')
    code, out, err = app.cli("image", "push", str(app.spec), env={
        "JB_REGISTRY_USERNAME": None, "JB_REGISTRY_PASSWORD": None, "DOCKER_CONFIG": str(config),
        "PATH": f"{helper.parent}{os.pathsep}{os.environ['PATH']}"})
    assert code == 0, err
    assert out.strip() == f"{reg.host}/{app.repository}@{reg.manifest(app.repository, 'latest')[0]}"
    assert (config / "config.json").read_text() == f'{{"credHelpers": {{"{reg.host}": "jbtimages"}}}}'
    # without the helper and the variables: a login is required, named by the credentials ID
    code, _, err = app.cli("image", "push", str(app.spec), env={
        "JB_REGISTRY_USERNAME": None, "JB_REGISTRY_PASSWORD": None, "DOCKER_CONFIG": str(tmp_path)})
    assert code == 1
    assert "requires a login; bind the Jenkins credential 'registry-creds' (image.credentials)" in err


def test_plain_http_is_allowed_on_loopback(make_app: Callable[..., App],
                                           tmp_path_factory: pytest.TempPathFactory) -> None:
    with running_registry(tmp_path_factory.mktemp("plain"), tls=False) as reg:
        app = make_app(reg, tags=["plain"], ca_in_spec=False)
        app.build()
        code, out, err = app.cli("image", "push", str(app.spec))
        assert code == 0, err
        assert "speaks plain HTTP (allowed: loopback or image.insecure)" in err
        assert out.strip() == f"{reg.host}/{app.repository}@{reg.manifest(app.repository, 'plain')[0]}"


def test_a_registry_that_asks_for_a_client_certificate(tmp_path_factory: pytest.TempPathFactory) -> None:
    with running_registry(tmp_path_factory.mktemp("mtls"), client_ca=True) as reg:
        creds = Credentials(reg.username, reg.password)
        without = RegistryAPI(reg.host, tls=TlsMaterial(ca=reg.ca, ca_source="JB_REGISTRY_CA"),
                              credentials=creds)
        with pytest.raises(RegistryTLSError) as e:
            without.connect(plain_http_allowed=lambda: "no")
        assert str(e.value) == (f"TLS: {reg.host} asks for a client certificate; set "
                                "JB_REGISTRY_CLIENT_CERT and JB_REGISTRY_CLIENT_KEY (PEM files)")
        tls = TlsMaterial(ca=reg.ca, ca_source="JB_REGISTRY_CA", client_cert=reg.root / "client.crt",
                          client_key=reg.root / "client.key")
        with_cert = RegistryAPI(reg.host, tls=tls, credentials=creds)
        with_cert.connect(plain_http_allowed=lambda: "no")
        assert with_cert.scheme == "https"
        wrong = RegistryAPI(reg.host, tls=tls, credentials=Credentials(reg.username, "bad"))
        with pytest.raises(Exception, match="wrong username or password"):
            wrong.connect(plain_http_allowed=lambda: "no")
