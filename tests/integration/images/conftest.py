"""Fixtures for image tests: a registry shared by a module, an app to build, the CLI run
in-process with its own environment. Every image built here is tagged into a repository
named jbt-images-<random>, labelled io.jenkinsbridge.test=images, and removed afterwards."""

from __future__ import annotations

import contextlib
import io
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from jenkinsbridge.cli.main import main
from tests.support.registry import TestRegistry, registry, running_registry

__all__ = ["App", "registry"]

COMMIT = "5f0c6a1e9b2d4c3a8e7f6b5a4c3d2e1f0a9b8c7d"
DOCKERFILE = """ARG BASE_IMAGE=debian:bookworm
FROM ${BASE_IMAGE}
ARG GREETING=none
LABEL io.jenkinsbridge.test=images greeting=${GREETING}
RUN echo "${GREETING} {marker}" > /greeting
"""


@dataclass
class App:
    """A small app: its spec, Dockerfile and the refs it built (removed on teardown)."""

    dir: Path
    spec: Path
    registry: TestRegistry
    repository: str
    env: dict[str, str]
    docker: Any = None
    refs: list[str] = field(default_factory=list)
    image_ids: list[str] = field(default_factory=list)

    def cli(self, *argv: str, env: dict[str, str | None] | None = None) -> tuple[int, str, str]:
        """Run `jenkinsbridge ARGV` in-process; (exit code, stdout, stderr). ``env`` adds to
        the app's environment (None removes a variable). What a build made is recorded."""
        out, err = io.StringIO(), io.StringIO()
        full: dict[str, str | None] = {**self.env, **(env or {})}
        with mock.patch.dict(os.environ, {k: v for k, v in full.items() if v is not None}), \
                contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            for key in [k for k, v in full.items() if v is None]:
                os.environ.pop(key, None)
            code = main(list(argv))
        if code == 0 and "build" in argv and "--json" not in argv:
            for ref in out.getvalue().split():
                self.refs.append(ref)
                self.image_ids.append(self.docker.images.get(ref).id)
        return code, out.getvalue(), err.getvalue()

    def build(self, *extra: str) -> list[str]:
        code, out, err = self.cli("image", "build", str(self.spec), *extra)
        assert code == 0, err
        return out.split()


def _spec_text(reg: TestRegistry, repository: str, tags: list[str], ca: str | None) -> str:
    lines = [
        "version: 1",
        "jobs:",
        "  - name: app",
        "    language: python",
        '    source: {url: "https://git.example.com/acme/app.git"}',
        "    image:",
        f'      registry: "{reg.host}"',
        f"      repository: {repository}",
        f"      tags: [{', '.join(repr(t) for t in tags)}]",
        "      credentials: registry-creds",
        "      build_args: {BASE_IMAGE: \"@BASE@\", GREETING: hello}",
    ]
    if ca:
        lines.append(f"      ca: {ca}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def make_app(tmp_path_factory: pytest.TempPathFactory, base_image: str,
             docker_client: Any) -> Iterator[Callable[..., App]]:
    apps: list[App] = []
    label = {"label": "io.jenkinsbridge.test=images", "dangling": True}
    dangling_before = {i.id for i in docker_client.images.list(filters=label)}

    def make(reg: TestRegistry, *, tags: list[str] | None = None, dockerfile: str = DOCKERFILE,
             ca_in_spec: bool = True) -> App:
        root = tmp_path_factory.mktemp("app")
        repository = f"jbt-images-{uuid.uuid4().hex[:8]}/app"
        (root / "Dockerfile").write_text(dockerfile.replace("{marker}", uuid.uuid4().hex))
        if ca_in_spec:
            (root / "ca.crt").write_bytes(reg.ca.read_bytes())
        spec = root / "jenkinsbridge.yaml"
        spec.write_text(_spec_text(reg, repository, tags or ["{short_commit}", "b{build}", "latest"],
                                   "ca.crt" if ca_in_spec else None).replace("@BASE@", base_image))
        env = {"GIT_COMMIT": COMMIT, "BUILD_NUMBER": "17", "BRANCH_NAME": "main",
               "JB_REGISTRY_USERNAME": reg.username, "JB_REGISTRY_PASSWORD": reg.password,
               "JB_REGISTRY_RETRIES": "3", "JB_REGISTRY_RETRY_DELAY": "0.2"}
        app = App(dir=root, spec=spec, registry=reg, repository=repository, env=env, docker=docker_client)
        apps.append(app)
        return app

    yield make
    import docker.errors

    for app in apps:
        for ref in dict.fromkeys(app.refs):
            with contextlib.suppress(docker.errors.ImageNotFound):
                docker_client.images.remove(ref)
        for image_id in dict.fromkeys(app.image_ids):  # retagged away by a later build
            with contextlib.suppress(docker.errors.ImageNotFound):
                docker_client.images.remove(image_id)
    # the cached steps of a build that failed: our label, made during this test
    for image in docker_client.images.list(filters=label):
        if image.id not in dangling_before:
            with contextlib.suppress(docker.errors.ImageNotFound, docker.errors.APIError):
                docker_client.images.remove(image.id)


@pytest.fixture(scope="module")
def shared_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestRegistry]:
    """One TLS + htpasswd registry for the tests of a module."""
    try:
        with running_registry(tmp_path_factory.mktemp("registry")) as reg:
            yield reg
    except RuntimeError as e:
        pytest.fail(str(e), pytrace=False)
