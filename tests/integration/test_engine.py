"""The test bed itself: the engine answers and the local base image runs."""

from __future__ import annotations

import uuid
from typing import Any


def test_engine_answers_and_base_image_runs(docker_client: Any, base_image: str) -> None:
    name = f"jb-test-{uuid.uuid4().hex[:8]}"
    out = docker_client.containers.run(
        base_image, ["sh", "-c", "cat /etc/debian_version; echo ok-$((6*7))"],
        name=name, remove=True, labels={"io.jenkinsbridge.test": "engine"},
    )
    lines = out.decode().split()
    assert lines[0].startswith("12."), lines  # bookworm
    assert lines[-1] == "ok-42"
    assert not docker_client.containers.list(all=True, filters={"name": name})
