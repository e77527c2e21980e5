"""Build an image through the Docker engine's build API (docker SDK), tag it with every
reference, and turn a failed build into one line: the failing step and the message."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jenkinsbridge.errors import ImageBuildError, UsageError, from_docker_error
from jenkinsbridge.images.progress import NullProgress, Progress

__all__ = ["BuildRequest", "BuildResult", "build_image", "follow_build"]

log = logging.getLogger(__name__)

_STEP_RE = re.compile(r"^Step (\d+/\d+) : (.*)$")
_ID_RE = re.compile(r"^Successfully built ([0-9a-f]{12,64})$")
_ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # the builder colours a step's stderr
_BOOKKEEPING = (" ---> ", "Removing intermediate container ")


@dataclass(frozen=True)
class BuildRequest:
    """Everything one build needs. ``dockerfile`` is relative to ``context``."""

    context: Path
    dockerfile: str
    references: list[str]
    build_args: Mapping[str, str] = field(default_factory=dict)
    target: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    cache_from: list[str] = field(default_factory=list)
    pull: bool = False

    def check(self) -> None:
        """Refuse a context or Dockerfile that is not there (bad input: exit 2)."""
        if not self.context.is_dir():
            raise UsageError(f"build context {self.context} is not a directory; "
                             "set image.context or pass --context DIR")
        path = self.context / self.dockerfile
        if not path.is_file():
            raise UsageError(f"Dockerfile {path} not found; image.dockerfile is relative to the "
                             f"build context {self.context}")
        if not self.references:
            raise UsageError("no image reference to build; image.tags is empty")


@dataclass(frozen=True)
class BuildResult:
    image_id: str
    references: list[str]


def follow_build(chunks: Iterable[Mapping[str, Any]], progress: Progress) -> str | None:
    """Read the engine's build stream; return the image ID, raise ImageBuildError on failure."""
    step: str | None = None
    image_id: str | None = None
    for chunk in chunks:
        if "error" in chunk or "errorDetail" in chunk:
            detail = (chunk.get("errorDetail") or {}).get("message") or chunk.get("error") or ""
            progress.failed()
            message = " ".join(str(detail).split())
            where = f"at step {step}" if step else "before the first step"
            raise ImageBuildError(f"image build failed {where}: {message}", step=step, detail=message)
        aux = chunk.get("aux")
        if isinstance(aux, dict) and isinstance(aux.get("ID"), str):
            image_id = aux["ID"]
        text = chunk.get("stream")
        if not isinstance(text, str):
            continue
        for raw in text.splitlines():
            line = _ANSI_RE.sub("", raw).rstrip()
            if not line:
                continue
            m = _STEP_RE.match(line)
            if m:
                step = f"{m.group(1)} ({m.group(2)})"
                progress.step(line)
                continue
            found = _ID_RE.match(line)
            if found and image_id is None:
                image_id = found.group(1)
            progress.output(line, noise=line.startswith(_BOOKKEEPING))
    return image_id


def build_image(client: Any, request: BuildRequest, progress: Progress | None = None) -> BuildResult:
    """Build ``request`` with ``client`` (a docker.DockerClient) and tag every reference."""
    import docker.errors

    request.check()
    shown: Progress = progress or NullProgress()
    first, *others = request.references
    log.debug("building %s from %s (%s)", first, request.context, request.dockerfile)
    try:
        chunks = client.api.build(
            path=str(request.context), dockerfile=request.dockerfile, tag=first,
            buildargs=dict(request.build_args) or None, target=request.target,
            labels=dict(request.labels) or None, cache_from=list(request.cache_from) or None,
            rm=True, forcerm=True, pull=request.pull, decode=True,
        )
        image_id = follow_build(chunks, shown)
        image = client.images.get(first)
        for ref in others:
            repository, tag = ref.rsplit(":", 1)
            image.tag(repository, tag)
    except docker.errors.DockerException as e:
        shown.failed()
        err = from_docker_error(e, action="image build")
        raise ImageBuildError(str(err), detail=str(err)) from e
    finally:
        shown.close()
    full_id = str(image.id)
    if image_id and not full_id.removeprefix("sha256:").startswith(image_id.removeprefix("sha256:")):
        log.debug("build stream reported %s, the engine has %s", image_id, full_id)
    return BuildResult(image_id=full_id, references=list(request.references))
