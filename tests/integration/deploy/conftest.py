"""Fixtures for deploy integration tests: a single-node swarm, a deployment factory whose
teardown removes what it created (the test app images, built once per session, are in
tests/integration/conftest.py: the metrics tests use them too)."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from jenkinsbridge.cli.main import main
from tests.support.deploy import Target, remove_deployment, write_spec
from tests.support.swarm import ensure_swarm


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
