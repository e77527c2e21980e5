"""Backoff, TLS material and the engine's trust directory, credentials."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from jenkinsbridge.errors import RegistryAuthError, RegistryUnreachableError, UsageError
from jenkinsbridge.images.credentials import missing_credentials_hint, resolve_credentials
from jenkinsbridge.images.retry import Retry, retry_from_env, with_retries
from jenkinsbridge.images.trust import TlsMaterial, engine_trust, resolve_tls

PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


def test_backoff_retries_transient_errors_then_succeeds() -> None:
    waits: list[float] = []
    notes: list[str] = []
    calls = iter([RegistryUnreachableError("down", registry="r"),
                  RegistryUnreachableError("down", registry="r"), "ok"])

    def action() -> str:
        item = next(calls)
        if isinstance(item, Exception):
            raise item
        return item

    assert with_retries(action, Retry(attempts=4, delay=0.5), what="push", on_retry=notes.append,
                        sleep=waits.append) == "ok"
    assert waits == [0.5, 1.0]
    assert notes[0] == "push: down; retrying in 0.5s (attempt 2/4)"


def test_backoff_gives_up_with_a_clear_error() -> None:
    waits: list[float] = []

    def action() -> None:
        raise RegistryUnreachableError("registry r is not reachable: Connection refused", registry="r")

    with pytest.raises(RegistryUnreachableError, match=r"gave up after 3 attempt\(s\)"):
        with_retries(action, Retry(attempts=3, delay=2, max_delay=3), what="x", sleep=waits.append)
    assert waits == [2, 3]


def test_other_errors_are_not_retried() -> None:
    count = 0

    def action() -> None:
        nonlocal count
        count += 1
        raise RegistryAuthError("wrong password", registry="r")

    with pytest.raises(RegistryAuthError):
        with_retries(action, Retry(attempts=5, delay=0), what="x", sleep=lambda _: None)
    assert count == 1


def test_retry_settings_from_env() -> None:
    assert retry_from_env({}) == Retry()
    assert retry_from_env({"JB_REGISTRY_RETRIES": "2", "JB_REGISTRY_RETRY_DELAY": "0.1"}) == \
        Retry(attempts=2, delay=0.1)
    for bad in ({"JB_REGISTRY_RETRIES": "many"}, {"JB_REGISTRY_RETRIES": "0"}):
        with pytest.raises(UsageError):
            retry_from_env(bad)


def test_tls_material_env_wins_over_spec(tmp_path: Path) -> None:
    (tmp_path / "spec-ca.pem").write_text(PEM)
    (tmp_path / "env-ca.pem").write_text(PEM)
    t = resolve_tls("spec-ca.pem", tmp_path, {})
    assert t.ca == tmp_path / "spec-ca.pem" and t.ca_source == "image.ca in the spec"
    t = resolve_tls("spec-ca.pem", tmp_path, {"JB_REGISTRY_CA": str(tmp_path / "env-ca.pem")})
    assert t.ca == tmp_path / "env-ca.pem" and t.ca_source == "JB_REGISTRY_CA"
    assert resolve_tls(None, tmp_path, {}) == TlsMaterial()


def test_tls_material_refuses_missing_or_non_pem_files(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"nope.pem \(from JB_REGISTRY_CA\) does not exist"):
        resolve_tls(None, tmp_path, {"JB_REGISTRY_CA": str(tmp_path / "nope.pem")})
    (tmp_path / "junk").write_text("not a cert")
    with pytest.raises(UsageError, match="not a PEM file"):
        resolve_tls("junk", tmp_path, {})
    (tmp_path / "c.pem").write_text(PEM)
    with pytest.raises(UsageError, match="both JB_REGISTRY_CLIENT_CERT and JB_REGISTRY_CLIENT_KEY"):
        resolve_tls(None, tmp_path, {"JB_REGISTRY_CLIENT_CERT": str(tmp_path / "c.pem")})


def test_engine_trust_installs_the_ca_once_and_keeps_foreign_files(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text(PEM)
    certs_d = tmp_path / "certs.d"
    with engine_trust("reg:5000", TlsMaterial(ca=ca, ca_source="x"), certs_d=certs_d) as t:
        assert t.ca_installed == certs_d / "reg:5000" / "ca.crt"
    assert (certs_d / "reg:5000" / "ca.crt").read_text() == PEM
    assert stat.S_IMODE((certs_d / "reg:5000" / "ca.crt").stat().st_mode) == 0o644
    with engine_trust("reg:5000", TlsMaterial(ca=ca, ca_source="x"), certs_d=certs_d) as t:
        assert t.ca_installed == certs_d / "reg:5000" / "ca.crt"
    assert sorted(p.name for p in (certs_d / "reg:5000").iterdir()) == ["ca.crt"]
    # someone else's ca.crt stays; ours goes beside it (Docker reads every *.crt)
    other = tmp_path / "other.pem"
    other.write_text(PEM.replace("MIIB", "MIIC"))
    with engine_trust("reg:5000", TlsMaterial(ca=other, ca_source="x"), certs_d=certs_d) as t:
        assert t.ca_installed is not None and t.ca_installed.name.startswith("jenkinsbridge-")
    assert (certs_d / "reg:5000" / "ca.crt").read_text() == PEM


def test_engine_trust_removes_the_client_key_afterwards(tmp_path: Path) -> None:
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    cert.write_text(PEM)
    key.write_text(PEM.replace("CERTIFICATE", "PRIVATE KEY"))
    certs_d = tmp_path / "certs.d"
    tls = TlsMaterial(client_cert=cert, client_key=key)
    with engine_trust("reg:5000", tls, certs_d=certs_d) as t:
        names = sorted(p.name for p in t.created)
        assert names == ["jenkinsbridge.cert", "jenkinsbridge.key"]
        assert stat.S_IMODE((certs_d / "reg:5000" / "jenkinsbridge.key").stat().st_mode) == 0o600
    assert list((certs_d / "reg:5000").iterdir()) == []


def test_engine_trust_that_cannot_be_written_tells_what_to_do(tmp_path: Path,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text(PEM)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    with engine_trust("reg:5000", TlsMaterial(ca=ca, ca_source="x"), certs_d=blocker) as t:
        assert t.ca_installed is None
    assert f"install -D -m 0644 {ca} {blocker}/reg:5000/ca.crt" in t.hint
    assert "cannot write" in caplog.text and t.hint in caplog.text


def test_credentials_from_env() -> None:
    c = resolve_credentials("r:5000", {"JB_REGISTRY_USERNAME": "u", "JB_REGISTRY_PASSWORD": "p w"})
    assert c is not None and (c.username, c.password) == ("u", "p w")
    assert "p w" not in repr(c)
    assert c.auth_config("r:5000") == {"username": "u", "password": "p w", "serveraddress": "r:5000"}
    with pytest.raises(UsageError, match="JB_REGISTRY_PASSWORD is not"):
        resolve_credentials("r:5000", {"JB_REGISTRY_USERNAME": "u"})


def test_credentials_from_a_docker_credential_helper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    helper = tmp_path / "bin" / "docker-credential-jbtest"
    helper.parent.mkdir()
    helper.write_text('#!/bin/sh\nread server\n[ "$1" = get ] && [ "$server" = "r:5000" ] && '
                      'echo \'{"ServerURL":"r:5000","Username":"hu","Secret":"hs"}\' && exit 0\n'
                      'echo "credentials not found in native keychain"; exit 1\n')
    helper.chmod(0o755)
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "config.json").write_text(json.dumps({"credHelpers": {"r:5000": "jbtest"}}))
    monkeypatch.setenv("PATH", f"{helper.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("DOCKER_CONFIG", str(cfg))
    c = resolve_credentials("r:5000", {})
    assert c is not None and (c.username, c.password, c.source) == ("hu", "hs", "docker-credential-jbtest")
    assert resolve_credentials("other:5000", {}) is None


def test_missing_credentials_hint_names_the_jenkins_credential() -> None:
    assert "'registry-creds'" in missing_credentials_hint("registry-creds")
    assert "withCredentials" in missing_credentials_hint("registry-creds")


def test_the_registry_retry_after_is_honoured() -> None:
    waits: list[float] = []
    calls = iter([RegistryUnreachableError("HTTP 429", registry="r", retry_after="3"), "ok"])

    def action() -> str:
        item = next(calls)
        if isinstance(item, Exception):
            raise item
        return item

    assert with_retries(action, Retry(attempts=3, delay=0.5), what="push", sleep=waits.append) == "ok"
    assert waits == [3]
