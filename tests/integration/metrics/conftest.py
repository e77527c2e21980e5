"""The deploy tests' images (v1, v2, broken), built once per session."""

from tests.integration.deploy.conftest import app_images

__all__ = ["app_images"]
