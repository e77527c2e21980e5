"""Shared fixtures. Real services only: a test that needs Docker or groovy fails loudly
when they are missing (scripts/setup-machine provides them); it never skips."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.groovy import GroovyChecker

ROOT = Path(__file__).resolve().parents[1]
BASE_IMAGE = os.environ.get("JB_BASE_IMAGE", "jenkinsbridge/base:bookworm")


# one component of a Docker repository path (lowercase runs of [a-z0-9] joined by . _ -)
_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")


def pytest_configure(config: pytest.Config) -> None:
    """JBT_RUNNER_ID names the images, containers and label of the test runs
    (tests/support/runner.py): two sessions on one engine each pass their own. Checked
    here, before any build, so a bad value is one clear line."""
    run_id = os.environ.get("JBT_RUNNER_ID")
    if run_id is not None and not _COMPONENT.fullmatch(run_id):
        raise pytest.UsageError(f"JBT_RUNNER_ID={run_id!r} cannot name a Docker image; use lowercase "
                                "letters and digits, joined by '.', '_' or '-', e.g. mybranch")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def docker_client() -> Iterator[Any]:
    import docker

    try:
        client = docker.from_env(timeout=300)
        client.ping()
    except Exception as e:
        pytest.fail(f"Docker engine not reachable ({e}); run scripts/setup-machine", pytrace=False)
    yield client
    client.close()


@pytest.fixture(scope="session")
def base_image(docker_client: Any) -> str:
    """The local Debian base image every Dockerfile of ours takes as BASE_IMAGE."""
    import docker.errors

    try:
        docker_client.images.get(BASE_IMAGE)
    except docker.errors.ImageNotFound:
        pytest.fail(f"base image {BASE_IMAGE} missing; run scripts/build-base-image", pytrace=False)
    return BASE_IMAGE


@pytest.fixture(scope="session")
def groovy() -> GroovyChecker:
    try:
        return GroovyChecker()
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)


@pytest.fixture
def examples_dir() -> Path:
    return ROOT / "examples"
