"""Per-language defaults (job_templates/languages/<lang>/defaults.yaml), as typed data."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import yaml

from jenkinsbridge.render.environment import templates_dir
from jenkinsbridge.spec.models import Job, Stage

__all__ = ["LanguageDefaults", "agent_label", "language_defaults", "tool_version", "version_label"]


@dataclass(frozen=True)
class LanguageDefaults:
    language: str
    label: str
    version: str
    version_label: str  # e.g. "jdk-{version}": the label agents with that toolchain carry
    stages: tuple[Stage, ...]
    artifacts: str | None
    extra: dict[str, Any]


@functools.cache
def language_defaults(language: str) -> LanguageDefaults:
    path = templates_dir() / "languages" / language / "defaults.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    stages = tuple(Stage.model_validate(s) for s in data.pop("stages"))
    return LanguageDefaults(
        language=language,
        label=str(data.pop("label")),
        version=str(data.pop("version")),
        version_label=str(data.pop("version_label")),
        stages=stages,
        artifacts=data.pop("artifacts", None),
        extra=data,
    )


def tool_version(job: Job) -> str:
    """The toolchain version a job builds with: its own, or the language's default."""
    return job.version or language_defaults(job.language).version


def agent_label(job: Job) -> str:
    """The label expression a job's build stages bind to: the spec's label as written,
    else the language's label and the label of its toolchain version (``node && node-24``),
    the labels the agent templates and agent images of jenkins-docker/ carry. A local
    ``run`` picks its image by the same version (runner.plan.agent_image)."""
    if job.agent.label:
        return job.agent.label
    lang = language_defaults(job.language)
    return f"{lang.label} && {version_label(job.language, tool_version(job))}"


def version_label(language: str, version: str) -> str:
    return language_defaults(language).version_label.format(version=version)
