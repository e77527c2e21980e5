"""Fixtures shared by more than one area of the integration tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.deploy import AppImages, build_app_images


@pytest.fixture(scope="session")
def app_images(docker_client: Any, base_image: str) -> Iterator[AppImages]:
    """The test app's images (v1, v2, broken), built once per session for the deploy and
    metrics tests; removed afterwards with the router images the session's deploys built."""
    import docker.errors

    routers_before = {i.id for i in docker_client.images.list(name="jenkinsbridge/router")}
    images = build_app_images(docker_client, base_image)
    yield images
    for tag in images.all():
        with contextlib.suppress(docker.errors.APIError):
            docker_client.images.remove(tag, force=True)
    for img in docker_client.images.list(name="jenkinsbridge/router"):
        if img.id not in routers_before:
            with contextlib.suppress(docker.errors.APIError):
                docker_client.images.remove(img.id, force=True)
