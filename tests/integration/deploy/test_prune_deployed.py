"""`image prune` never deletes what a deploy environment runs or can roll back to: with
--keep 0 on the real registry, the deployed version stays (and pulls), the other goes."""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import pytest
import yaml

from tests.integration.deploy.conftest import cli
from tests.support.deploy import AppImages, Target
from tests.support.registry import TestRegistry, running_registry


@pytest.fixture
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestRegistry]:
    with running_registry(tmp_path_factory.mktemp("registry")) as reg:
        yield reg


def test_prune_keeps_the_deployed_digest(app_images: AppImages, make_target: Callable[..., Target],
                                         registry: TestRegistry, docker_client: Any) -> None:
    reg = registry
    repository = f"jbt-prune-{uuid.uuid4().hex[:6]}/app"
    base = f"{reg.host}/{repository}"
    auth = {"username": reg.username, "password": reg.password}
    refs = []
    try:
        for version, source in (("v1", app_images.v1), ("v2", app_images.v2)):
            docker_client.images.get(source).tag(base, tag=version)
            refs.append(f"{base}:{version}")
            docker_client.images.push(base, tag=version, auth_config=auth)
        t = make_target("compose", "standard", replicas=1)
        doc = yaml.safe_load(t.spec.read_text())
        doc["jobs"][0]["image"] = {"registry": reg.host, "repository": repository, "ca": str(reg.ca),
                                   "tags": ["v2"]}
        t.spec.write_text(yaml.safe_dump(doc))
        code, _, err = cli(*t.args(), "--image", f"{base}:v1")
        assert code == 0, err

        creds = {"JB_REGISTRY_USERNAME": reg.username, "JB_REGISTRY_PASSWORD": reg.password}
        with mock.patch.dict(os.environ, creds):
            code, out, err = cli("--json", "image", "prune", str(t.spec), "--keep", "0")
        assert code == 0, err
        plan = json.loads(out)["repositories"][0]
        assert [v["tags"] for v in plan["delete"]] == [["v2"]]
        assert [(v["tags"], v["why"].split(" (")[0]) for v in plan["keep"]] == [
            (["v1"], "deployed or a rollback target")]
        assert reg.tags(repository) == ["v1"]

        import docker.errors

        for ref in refs:
            docker_client.images.remove(ref)
        docker_client.images.pull(base, tag="v1", auth_config=auth)
        with pytest.raises(docker.errors.APIError):
            docker_client.images.pull(base, tag="v2", auth_config=auth)
    finally:
        for ref in refs:
            with contextlib.suppress(Exception):
                docker_client.images.remove(ref)
