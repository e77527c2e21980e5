"""Build outputs kept as OCI artifacts in the job's private registry, beside its image:
`artifacts push` uploads files (one layer each, annotated with file name, commit and
build URL) under a manifest with a config media type of our own; `artifacts pull`
brings them back byte for byte."""

from jenkinsbridge.artifacts.oci import ARTIFACT_TYPE, artifacts_repository
from jenkinsbridge.artifacts.service import PullResult, PushResult, pull_artifacts, push_artifacts

__all__ = ["ARTIFACT_TYPE", "PullResult", "PushResult", "artifacts_repository", "pull_artifacts", "push_artifacts"]
