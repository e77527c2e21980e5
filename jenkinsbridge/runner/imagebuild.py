"""Build a missing agent image for `jenkinsbridge run`, as Compose builds a missing
service image: from the agent Dockerfiles of jenkins-docker/agents/ (installed as
``jenkinsbridge.agent_images``), FROM the official toolchain image of the job's version,
with the build's progress on the run's log. An air-gapped site passes its own toolchain
image and OFFLINE=1 as build arguments (``run --build-arg``)."""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from jenkinsbridge.errors import DockerOperationError, UsageError, from_docker_error

__all__ = ["agent_images_dir", "build_agent_image", "parse_build_args"]

log = logging.getLogger(__name__)


def agent_images_dir() -> Path:
    """jenkins-docker/agents/, installed as jenkinsbridge.agent_images or in the checkout."""
    try:
        path = Path(str(resources.files("jenkinsbridge.agent_images")))
        if (path / "base").is_dir():
            return path
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parents[2] / "jenkins-docker" / "agents"


def parse_build_args(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        name, sep, arg = value.partition("=")
        if not sep or not name.isidentifier():
            raise UsageError(f"--build-arg {value!r}: write NAME=VALUE, e.g. TOOLCHAIN_IMAGE=my/python:3.13")
        out[name] = arg
    return out


def build_agent_image(client: Any, *, language: str, version: str, tag: str,
                      build_args: Mapping[str, str], on_line: Callable[[str], None]) -> None:
    """Build ``tag`` from the language's agent Dockerfile with TOOL_VERSION=``version``."""
    src = agent_images_dir()
    if not (src / language / "Dockerfile").is_file():
        raise DockerOperationError(f"no agent Dockerfile for {language} under {src}")
    with tempfile.TemporaryDirectory(prefix="jb-agent-build-") as ctx:
        shutil.copytree(src / language, ctx, dirs_exist_ok=True)
        shutil.copytree(src / "base", Path(ctx) / "agent")
        args = {"TOOL_VERSION": version, **build_args}
        on_line(f"building {tag} (not on this engine) from {language}/Dockerfile, TOOL_VERSION={version}")
        import docker.errors

        try:
            for chunk in client.api.build(path=ctx, tag=tag, buildargs=args, rm=True, forcerm=True,
                                          decode=True, labels={"io.jenkinsbridge.built-by": "run"}):
                if "error" in chunk:
                    raise DockerOperationError(f"building agent image {tag} failed: {chunk['error'].strip()}")
                text = (chunk.get("stream") or chunk.get("status") or "").rstrip()
                for line in text.splitlines():
                    if line.strip():
                        on_line(line)
        except docker.errors.DockerException as e:
            raise from_docker_error(e, action=f"build agent image {tag}") from e
    log.info("built agent image %s", tag)
