"""Build and push to the real registry (Debian's docker-registry, TLS + htpasswd)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.integration.images.conftest import COMMIT, App
from tests.support.registry import CERTS_D, TestRegistry, make_ca


def test_build_and_push_show_in_the_registry(shared_registry: TestRegistry, make_app: Callable[..., App],
                                             docker_client: Any, tmp_path: Path) -> None:
    reg = shared_registry
    app = make_app(reg)
    refs = app.build()
    base = f"{reg.host}/{app.repository}"
    assert refs == [f"{base}:{COMMIT[:7]}", f"{base}:b17", f"{base}:latest"]
    image = docker_client.images.get(refs[0])
    labels = image.labels
    assert labels["org.opencontainers.image.revision"] == COMMIT
    assert labels["org.opencontainers.image.source"] == "https://git.example.com/acme/app.git"
    assert labels["org.opencontainers.image.created"].endswith("Z")
    assert labels["greeting"] == "hello"  # build_args reached the build
    assert {docker_client.images.get(r).id for r in refs} == {image.id}

    digest_file = tmp_path / "out" / "image.digest"
    code, out, err = app.cli("image", "push", str(app.spec), "--digest-file", str(digest_file))
    assert code == 0, err
    printed = out.strip()
    stored, manifest = reg.manifest(app.repository, "latest")
    assert printed == f"{base}@{stored}"
    assert digest_file.read_text() == printed + "\n"
    assert app.repository in reg.catalog()
    assert reg.tags(app.repository) == sorted([COMMIT[:7], "b17", "latest"])
    assert {reg.manifest(app.repository, t)[0] for t in reg.tags(app.repository)} == {stored}
    assert manifest["config"]["digest"] == image.id  # the registry holds exactly this image
    assert "Pushed" in err  # per-layer progress on stderr
    # the CA named in the spec is what the engine trusts; nothing else was left there
    assert sorted(p.name for p in (CERTS_D / reg.host).iterdir()) == ["ca.crt"]

    # re-pushing the unchanged image sends no layer
    before = reg.blob_uploads()
    assert before >= 2  # the counter sees uploads: base layer, app layer, config
    code, out2, err = app.cli("image", "push", str(app.spec), "--json")
    assert code == 0, err
    assert reg.blob_uploads() == before
    assert '"uploaded": 0' in out2 and f'"digest": "{stored}"' in out2


def test_wrong_password_is_one_clear_line(shared_registry: TestRegistry, make_app: Callable[..., App]) -> None:
    app = make_app(shared_registry)
    app.build()
    code, out, err = app.cli("image", "push", str(app.spec), env={"JB_REGISTRY_PASSWORD": "not-the-password"})
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"jenkinsbridge: error: registry {shared_registry.host} refused the login of user "
        f"'{shared_registry.username}' (credentials from JB_REGISTRY_USERNAME/JB_REGISTRY_PASSWORD): "
        "wrong username or password"]
    assert "not-the-password" not in err
    assert app.repository not in shared_registry.catalog()


def test_unknown_ca_says_which_ca_to_trust(shared_registry: TestRegistry, make_app: Callable[..., App],
                                           tmp_path: Path) -> None:
    app = make_app(shared_registry, ca_in_spec=False)
    app.build()
    code, _, err = app.cli("image", "push", str(app.spec))
    assert code == 1
    assert len(err.splitlines()) == 1
    assert f"TLS: the certificate of {shared_registry.host} is signed by a CA this machine does not trust" in err
    assert "image.ca in the spec or the JB_REGISTRY_CA environment variable" in err
    other_ca, _ = make_ca(tmp_path, "other")
    code, _, err = app.cli("image", "push", str(app.spec), env={"JB_REGISTRY_CA": str(other_ca)})
    assert code == 1
    assert f"is not signed by the CA {other_ca} (from JB_REGISTRY_CA)" in err
    code, out, err = app.cli("image", "push", str(app.spec), env={"JB_REGISTRY_CA": str(shared_registry.ca)})
    assert code == 0, err
    assert out.startswith(f"{shared_registry.host}/{app.repository}@sha256:")
    # image.insecure: true accepts the unverified certificate, and says so
    app.spec.write_text(app.spec.read_text() + "      insecure: true\n")
    code, out2, err = app.cli("image", "push", str(app.spec))
    assert code == 0, err
    assert out2 == out
    assert "image.insecure is set: not verifying the certificate" in err
    assert "InsecureRequestWarning" not in err


def test_registry_down_retries_then_fails_clearly_or_recovers(registry: TestRegistry,
                                                              make_app: Callable[..., App]) -> None:
    app = make_app(registry)
    app.build()
    registry.stop()
    started = time.monotonic()
    code, out, err = app.cli("image", "push", str(app.spec))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert sum("retrying in" in ln for ln in lines) == 2  # 3 attempts in all
    assert lines[-1].startswith(f"jenkinsbridge: error: registry {registry.host} is not reachable: ")
    assert "gave up after 3 attempt(s)" in lines[-1] and "\"" not in lines[-1]
    assert time.monotonic() - started < 30

    # the registry comes back while the push is retrying: the push succeeds
    restart = threading.Timer(1.0, registry.start)
    restart.start()
    try:
        code, out, err = app.cli("image", "push", str(app.spec),
                                 env={"JB_REGISTRY_RETRIES": "8", "JB_REGISTRY_RETRY_DELAY": "0.5"})
    finally:
        restart.join()
    assert code == 0, err
    assert "retrying in" in err
    assert out.strip() == f"{registry.host}/{app.repository}@{registry.manifest(app.repository, 'latest')[0]}"
