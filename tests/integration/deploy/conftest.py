"""Fixtures for deploy integration tests: test images built once per session, a
single-node swarm, a deployment factory whose teardown removes what it created."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from jenkinsbridge.cli.main import main
from tests.support.deploy import AppImages, Target, build_app_images, remove_deployment, write_spec
from tests.support.swarm import ensure_swarm


@pytest.fixture(scope="session")
def app_images(docker_client: Any, base_image: str) -> Iterator[AppImages]:
    routers_before = {i.id for i in docker_client.images.list(name="jenkinsbridge/router")}
    images = build_app_images(docker_client, base_image)
    yield images
    for tag in images.all():
        with contextlib.suppress(Exception):
            docker_client.images.remove(tag, force=True)
    for img in docker_client.images.list(name="jenkinsbridge/router"):
        if img.id not in routers_before:
            with contextlib.suppress(Exception):
                docker_client.images.remove(img.id, force=True)


@pytest.fixture(scope="session")
def swarm(docker_client: Any) -> None:
    ensure_swarm(docker_client)


@pytest.fixture
def make_target(tmp_path: Path, docker_client: Any, base_image: str) -> Iterator[Callable[..., Target]]:
    made: list[Target] = []

    def make(target: str, strategy: str, **deploy: Any) -> Target:
        t = write_spec(tmp_path, target=target, strategy=strategy, base_image=base_image, **deploy)
        made.append(t)
        return t

    yield make
    for t in made:
        remove_deployment(docker_client, t.base)


def cli(*argv: str) -> tuple[int, str, str]:
    """Run the command line in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()
