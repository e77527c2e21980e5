"""`image prune` on the real registry: deletes exactly the versions it should (keep N,
latest, protected tags; the artifacts repository too), a dry run deletes nothing, a pull
of a deleted tag fails afterwards and of a kept one succeeds."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from tests.integration.images.conftest import App
from tests.support.registry import MANIFEST_ACCEPT, TestRegistry


def _tag(reg: TestRegistry, repository: str, source: str, tag: str) -> None:
    r = reg.get(f"/v2/{repository}/manifests/{source}", headers={"Accept": MANIFEST_ACCEPT})
    put = requests.put(f"{reg.url}/v2/{repository}/manifests/{tag}", data=r.content, verify=str(reg.ca),
                       auth=(reg.username, reg.password), timeout=10,
                       headers={"Content-Type": r.headers["Content-Type"]})
    assert put.status_code == 201, put.text


def _planned(out: str) -> dict[str, list[list[str]]]:
    return {p["repository"].split("/", 1)[1]: sorted(v["tags"] for v in p["delete"])
            for p in json.loads(out)["repositories"]}


def test_prune_keeps_latest_protected_and_newest(shared_registry: TestRegistry, make_app: Callable[..., App],
                                                 docker_client: Any) -> None:
    reg = shared_registry
    app = make_app(reg, tags=["b{build}", "latest"])
    app.spec.write_text(app.spec.read_text() + "      protect: [stable]\n")
    outputs = app.dir / "out.txt"
    now = int(time.time())
    for n in range(1, 5):
        env = {"BUILD_NUMBER": str(n)}
        assert app.cli("image", "build", str(app.spec), "--build-arg", f"GREETING=g{n}", env=env)[0] == 0
        code, _, err = app.cli("image", "push", str(app.spec), env=env)
        assert code == 0, err
        if n <= 2:
            outputs.write_text(f"build {n}\n")
            env["SOURCE_DATE_EPOCH"] = str(now - 100 + n)
            code, _, err = app.cli("artifacts", "push", str(app.spec), str(outputs), env=env)
            assert code == 0, err
    _tag(reg, app.repository, "b1", "stable")
    art = f"{app.repository}/artifacts"

    code, out, err = app.cli("image", "prune", str(app.spec), "--keep", "1", "--older-than", "1",
                             "--dry-run", "--json")
    assert code == 0, err
    assert _planned(out) == {app.repository: [], art: []}  # nothing is a day old

    code, out, err = app.cli("image", "prune", str(app.spec), "--keep", "1", "--dry-run", "--json")
    assert code == 0, err
    assert _planned(out) == {app.repository: [["b2"], ["b3"]], art: [["b1"]]}
    assert reg.tags(app.repository) == ["b1", "b2", "b3", "b4", "latest", "stable"]

    code, out, err = app.cli("image", "prune", str(app.spec), "--keep", "1")
    assert code == 0, err
    assert f"deleted {reg.host}/{app.repository}@" in out and "MB after the registry's garbage" in out
    assert reg.tags(app.repository) == ["b1", "b4", "latest", "stable"]
    assert reg.tags(art) == ["b2", "latest"]

    import docker.errors

    auth = {"username": reg.username, "password": reg.password}
    base = f"{reg.host}/{app.repository}"
    docker_client.images.pull(base, tag="b4", auth_config=auth)
    with pytest.raises(docker.errors.APIError):
        docker_client.images.pull(base, tag="b2", auth_config=auth)
    # a second prune finds nothing more to do
    code, out, err = app.cli("image", "prune", str(app.spec), "--keep", "1", "--json")
    assert code == 0 and _planned(out) == {app.repository: [], art: []}, err


def test_prune_checks_input_and_takes_an_empty_repository(shared_registry: TestRegistry,
                                                    make_app: Callable[..., App]) -> None:
    app = make_app(shared_registry)
    code, _, err = app.cli("image", "prune", str(app.spec), "--keep", "-1")
    assert code == 2 and "--keep -1" in err
    code, out, err = app.cli("image", "prune", str(app.spec), "--keep", "0", "--json")
    assert code == 0, err  # an empty repository: nothing to do
    assert _planned(out) == {app.repository: [], f"{app.repository}/artifacts": []}
