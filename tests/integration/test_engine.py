"""The test bed itself: the engine answers and the local base image runs."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any


def test_engine_answers_and_base_image_runs(docker_client: Any, base_image: str) -> None:
    import docker.errors

    name = f"jb-test-{uuid.uuid4().hex[:8]}"
    try:
        container = docker_client.containers.run(
            base_image, ["sh", "-c", "cat /etc/debian_version; echo ok-$((6*7))"],
            name=name, detach=True, labels={"io.jenkinsbridge.test": "engine"},
        )
        assert container.wait(timeout=120)["StatusCode"] == 0
        lines = container.logs().decode().split()
    finally:  # also when the start itself failed: the created container is ours to remove
        with contextlib.suppress(docker.errors.NotFound):
            docker_client.containers.get(name).remove(force=True)
    assert lines[0].startswith("12."), lines  # bookworm
    assert lines[-1] == "ok-42"
    assert not docker_client.containers.list(all=True, filters={"name": name})
