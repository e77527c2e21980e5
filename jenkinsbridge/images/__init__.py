"""Images: build a job's image with its tags and push it to a private registry."""

from jenkinsbridge.images.build import BuildRequest, BuildResult, build_image
from jenkinsbridge.images.push import PushResult
from jenkinsbridge.images.service import (
    BuildOptions,
    ImageJob,
    build_job_image,
    push_job_image,
)
from jenkinsbridge.images.values import TagValues, image_references, oci_labels, resolve_values

__all__ = [
    "BuildOptions",
    "BuildRequest",
    "BuildResult",
    "ImageJob",
    "PushResult",
    "TagValues",
    "build_image",
    "build_job_image",
    "image_references",
    "oci_labels",
    "push_job_image",
    "resolve_values",
]
