"""Per-language defaults (job_templates/languages/<lang>/defaults.yaml), as typed data."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import yaml

from jenkinsbridge.errors import UsageError
from jenkinsbridge.render.environment import templates_dir
from jenkinsbridge.spec.models import Job, Stage

__all__ = ["LanguageDefaults", "agent_label", "default_label", "job_stages", "language_defaults", "tool_version",
           "version_label"]


@dataclass(frozen=True)
class LanguageDefaults:
    language: str
    label: str
    version: str
    version_label: str  # e.g. "jdk-{version}": the label agents with that toolchain carry
    stages: tuple[Stage, ...]
    artifacts: str | None
    audit: Stage | None  # the dependency audit a spec's quality.fail_on adds
    extra: dict[str, Any]


# libyaml's safe loader where PyYAML has it: each worker process reads every language's
# defaults once, and the pure-Python loader takes ten times as long
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def language_defaults(language: str) -> LanguageDefaults:
    path = templates_dir() / "languages" / language / "defaults.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    stages = tuple(Stage.model_validate(s) for s in data.pop("stages"))
    audit = data.pop("audit", None)
    return LanguageDefaults(
        language=language,
        label=str(data.pop("label")),
        version=str(data.pop("version")),
        version_label=str(data.pop("version_label")),
        stages=stages,
        artifacts=data.pop("artifacts", None),
        audit=Stage.model_validate(audit) if audit else None,
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
    return default_label(job.language, tool_version(job))


def default_label(language: str, version: str) -> str:
    """The label a job of this language and version binds to when its spec names none."""
    return f"{language_defaults(language).label} && {version_label(language, version)}"


def version_label(language: str, version: str) -> str:
    return language_defaults(language).version_label.format(version=version)


# quality.fail_on -> the CVSS score from which an advisory is that severe (CVSS v3 bands)
_CVSS = {"low": "0.1", "moderate": "4.0", "high": "7.0", "critical": "9.0"}


def job_stages(job: Job) -> list[Stage]:
    """The stages a job runs, in Jenkins and in `run`: the spec's, else the language's
    defaults; with ``quality.fail_on`` the language's dependency audit is added (after
    the stages it needs, when the job has them)."""
    lang = language_defaults(job.language)
    stages = list(job.stages) if job.stages is not None else list(lang.stages)
    level = job.quality.fail_on
    if level is None:
        return stages
    if lang.audit is None:
        raise UsageError(f"job {job.full_name}: quality.fail_on: jenkinsbridge has no dependency audit for "
                         f"{job.language}; add an audit stage of your own and leave fail_on out")
    names = {s.name for s in stages}
    if lang.audit.name in names:
        raise UsageError(f"job {job.full_name}: quality.fail_on adds a stage {lang.audit.name!r}, "
                         "which the job already has; rename that stage")
    run = lang.audit.run.replace("{fail_on}", level).replace("{cvss}", _CVSS[level])
    audit = lang.audit.model_copy(update={"run": run, "needs": [n for n in lang.audit.needs if n in names]})
    return [*stages, audit]
