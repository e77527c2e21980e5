"""What an image is called: the values of the tag placeholders, the references built
from the spec's tag templates, and the OCI annotations put on the image.

Values come, first to last, from the command line, from the environment Jenkins sets
(GIT_COMMIT, BUILD_NUMBER, BRANCH_NAME or GIT_BRANCH, JB_IMAGE_VERSION) and, on a
developer's machine, from git in the build context.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from jenkinsbridge.errors import UsageError
from jenkinsbridge.spec.checks import REFERENCE_RE, check_image_reference
from jenkinsbridge.spec.models import Image
from jenkinsbridge.spec.tags import PLACEHOLDERS, TagValues, expand_tag

__all__ = [
    "LOCAL_BUILD",
    "TagValues",
    "created_from_env",
    "image_references",
    "oci_labels",
    "registry_of",
    "resolve_values",
    "split_reference",
]

log = logging.getLogger(__name__)

LOCAL_BUILD = "local"  # {build} outside Jenkins
_SHA_RE = re.compile(r"^[0-9a-fA-F]{7,64}$")

def _git(context: Path, *args: str) -> str | None:
    exe = shutil.which("git")
    if exe is None or not context.is_dir():
        return None
    try:
        out = subprocess.run([exe, "-C", str(context), *args], capture_output=True, text=True,
                             timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    value = out.stdout.strip()
    return value if out.returncode == 0 and value else None


def _branch_from_env(env: Mapping[str, str]) -> str | None:
    if env.get("BRANCH_NAME"):  # multibranch pipelines
        return env["BRANCH_NAME"]
    git_branch = env.get("GIT_BRANCH")  # the git plugin: "origin/main"
    if git_branch:
        return git_branch.split("/", 1)[1] if git_branch.startswith("origin/") else git_branch
    return None


def resolve_values(context: Path, env: Mapping[str, str], *, commit: str | None = None,
                   build: str | None = None, branch: str | None = None,
                   version: str | None = None) -> TagValues:
    """Fill the placeholders from flags, then Jenkins' environment, then git in ``context``."""
    commit = commit or env.get("GIT_COMMIT") or _git(context, "rev-parse", "HEAD")
    if commit is not None and not _SHA_RE.match(commit):
        raise UsageError(f"commit {commit!r} is not a git SHA; give 7 to 64 hex digits")
    build = build or env.get("BUILD_NUMBER") or LOCAL_BUILD
    branch = branch or _branch_from_env(env) or _git(context, "rev-parse", "--abbrev-ref", "HEAD")
    if branch == "HEAD":  # detached head: no branch
        branch = None
    version = version or env.get("JB_IMAGE_VERSION") or _git(context, "describe", "--tags", "--always")
    values = TagValues(commit=commit.lower() if commit else None, build=build, branch=branch,
                       version=version)
    log.debug("tag values: %s", values.as_dict())
    return values


def image_references(image: Image, values: TagValues) -> list[str]:
    """``registry/repository:tag`` for every tag template, checked, without duplicates."""
    have = values.as_dict()
    refs: list[str] = []
    for template in image.tags:
        missing = [k for k in re.findall(r"\{([a-z_]+)\}", template) if k not in have]
        if missing:
            known = PLACEHOLDERS.get(missing[0])
            raise UsageError(f"tag {template!r} needs a value for {{{missing[0]}}}: "
                             f"{known.source if known else 'give it on the command line'}")
        try:
            tag = expand_tag(template, have)
            ref = f"{image.registry}/{image.repository}:{tag}"
            check_image_reference(ref)
        except ValueError as e:
            raise UsageError(f"tag {template!r}: {e}") from e
        if ref not in refs:
            refs.append(ref)
    return refs


def created_from_env(env: Mapping[str, str]) -> datetime | None:
    """SOURCE_DATE_EPOCH (reproducible builds) as the image's creation time, when set."""
    epoch = env.get("SOURCE_DATE_EPOCH", "")
    if not epoch:
        return None
    if not epoch.isdigit():
        raise UsageError(f"SOURCE_DATE_EPOCH {epoch!r} is not a count of seconds since 1970")
    return datetime.fromtimestamp(int(epoch), UTC)


def split_reference(ref: str) -> tuple[str, str]:
    """(name, tag or digest) of an image reference; the tag is "latest" when absent."""
    m = REFERENCE_RE.match(ref)
    if not m:
        raise UsageError(f"{ref!r} is not an image reference; expected [registry[:port]/]name[:tag]")
    return m.group(1), m.group(3) or m.group(2) or "latest"


def registry_of(name: str) -> str:
    """The registry a name lives in, as Docker reads it (docker.io when none is named)."""
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        return first
    return "docker.io"


def public_url(url: str) -> str:
    """The source URL without user information (never a token in a label)."""
    return re.sub(r"^([a-z+]+://)[^@/]*@", r"\1", url)


def oci_labels(source_url: str | None, values: TagValues, *, created: datetime | None = None
               ) -> dict[str, str]:
    """The OCI annotations of the image config (org.opencontainers.image.*)."""
    when = (created or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    labels = {"org.opencontainers.image.created": when.isoformat().replace("+00:00", "Z")}
    if source_url:
        labels["org.opencontainers.image.source"] = public_url(source_url)
    if values.commit:
        labels["org.opencontainers.image.revision"] = values.commit
    if values.version:
        labels["org.opencontainers.image.version"] = values.version
    return labels


def commit_time(context: Path, commit: str | None) -> datetime | None:
    """When ``commit`` was made, from git in ``context``; None when git cannot say."""
    if not commit:
        return None
    out = _git(context, "show", "-s", "--format=%ct", commit)
    return datetime.fromtimestamp(int(out), UTC) if out and out.isdigit() else None
