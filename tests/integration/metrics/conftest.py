"""The deploy fixtures (test images, swarm) come from the deploy tests."""

from tests.integration.deploy.conftest import app_images, swarm

__all__ = ["app_images", "swarm"]
