from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.runner import AgentImages, leftovers, remove_leftovers


@pytest.fixture(scope="session")
def agent_images(base_image: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgentImages]:
    images = AgentImages(base_image, tmp_path_factory.mktemp("agent-builds"))
    yield images
    if images.seconds:
        took = ", ".join(f"{k} {v:.0f}s" for k, v in images.seconds.items())
        sys.stderr.write(f"\nagent image builds: {took}\n")


@pytest.fixture(autouse=True)
def nothing_left_behind(docker_client: Any) -> Iterator[None]:
    """After every test: no container, network or volume of ours remains."""
    yield
    left = leftovers(docker_client)
    remove_leftovers(docker_client)
    assert not left, f"left behind: {left}"
