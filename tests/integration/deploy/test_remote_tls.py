"""A remote engine over TCP with mutual TLS: a second dockerd started by the test, the
images loaded into it, a rolling deploy through the docker SDK and docker-compose."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from jenkinsbridge.deploy.engine import Engine
from jenkinsbridge.deploy.router import router_image
from tests.integration.deploy.conftest import cli
from tests.support.deploy import AppImages, Target, free_port, remove_deployment, under_load
from tests.support.tlsdocker import TlsEngine, close_bridge, load_images, open_bridge, start_tls_engine


@pytest.fixture
def tls_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsEngine]:
    root = Path(tmp_path_factory.mktemp("jbt-deploy-dockerd"))
    try:
        engine = start_tls_engine(root, free_port())
    except Exception as e:
        pytest.fail(f"cannot start a second dockerd with TLS: {e}", pytrace=False)
    yield engine
    engine.stop()


def test_rolling_deploy_to_a_remote_engine_over_tls(
    tls_engine: TlsEngine, app_images: AppImages, make_target: Callable[..., Target],
    base_image: str, monkeypatch: pytest.MonkeyPatch, docker_client: Any,
) -> None:
    router = router_image(Engine(), base_image)  # built on the local engine, shipped like the app
    load_images(tls_engine, [app_images.v1, app_images.v2, router])
    t = make_target("compose", "rolling", endpoint=tls_engine.endpoint, tls_credentials="remote-tls")
    monkeypatch.setenv("DOCKER_CERT_PATH", str(tls_engine.certs))
    remote = tls_engine.client()
    bridge = open_bridge(tls_engine, f"{t.base}-net", {"io.jenkinsbridge.deploy": t.base,
                                                        "io.jenkinsbridge.test": "deploy"})
    try:
        code, _, err = cli(*t.args(), "--image", app_images.v1)
        assert code == 0, err
        run = under_load(t.port, lambda: cli(*t.args(), "--image", app_images.v2))
        assert run.code == 0, run.err
        run.check_no_failures()
        assert run.versions(run.end, float("inf")) == {"v2"}
        mine = {"label": [f"io.jenkinsbridge.deploy={t.base}"]}
        assert len(remote.containers.list(filters=mine)) == 3  # router + 2 replicas, there
        assert not docker_client.containers.list(all=True, filters=mine)  # and not here
        code, out, _ = cli("--json", *t.args("history"))
        assert [r["result"] for r in json.loads(out)["history"]] == ["success", "success"]

        # without the client certificate the engine refuses
        monkeypatch.setenv("DOCKER_CERT_PATH", str(tls_engine.root / "certs"))  # no cert.pem/key.pem
        code, _, err = cli(*t.args("status"))
        assert code == 2 and "cert.pem" in err
    finally:
        remove_deployment(remote, t.base)
        remote.close()
        close_bridge(bridge)
