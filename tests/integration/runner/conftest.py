from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.runner import AgentImages, leftovers, remove_leftovers

_BUILD_SECONDS = pytest.StashKey[dict[str, float]]()


@pytest.fixture(scope="session")
def agent_images(base_image: str, tmp_path_factory: pytest.TempPathFactory,
                 pytestconfig: pytest.Config) -> AgentImages:
    images = AgentImages(base_image, tmp_path_factory.mktemp("agent-builds"))
    pytestconfig.stash[_BUILD_SECONDS] = images.seconds  # filled as images get built
    return images


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    seconds = config.stash.get(_BUILD_SECONDS, {})
    if seconds:
        took = ", ".join(f"{k} {v:.0f}s" for k, v in seconds.items())
        terminalreporter.write_line(f"agent image builds (base + language, Docker layer cache): {took}")


@pytest.fixture(scope="session")
def run_network(docker_client: Any) -> Iterator[str]:
    """A bridge network of our own for the runs: the tests do not depend on the state of
    the engine's default bridge, which other users of this engine share."""
    name = f"jbt-runner-net-{uuid.uuid4().hex[:8]}"
    net = docker_client.networks.create(name, driver="bridge",
                                        labels={"io.jenkinsbridge.test": "runner-session"})
    yield name
    net.remove()


@pytest.fixture(autouse=True)
def nothing_left_behind(docker_client: Any) -> Iterator[None]:
    """After every test: no container, network or volume of ours remains."""
    yield
    left = leftovers(docker_client)
    remove_leftovers(docker_client)
    assert not left, f"left behind: {left}"
