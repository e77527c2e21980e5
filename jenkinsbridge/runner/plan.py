"""What a local run executes: the job's stages in waves, the image and the environment.

Pure functions of the job, the options and the working tree, so the plan is testable
without Docker. Stages, order and commands are the rendered Jenkinsfile's: the spec's
``stages`` or the language defaults, grouped by :func:`stage_waves`.
"""

from __future__ import annotations

import logging
import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jenkinsbridge.errors import UsageError
from jenkinsbridge.render.languages import agent_label, job_stages, language_defaults, tool_version
from jenkinsbridge.spec import checks
from jenkinsbridge.spec.graph import stage_waves
from jenkinsbridge.spec.models import LANGUAGES, Job, Stage

__all__ = [
    "AGENT_HOME",
    "CACHE_VOLUME",
    "DEFAULT_IMAGE",
    "RunPlan",
    "agent_image",
    "cache_volume",
    "git_facts",
    "job_environment",
    "make_plan",
    "parse_image_overrides",
    "workspace_path",
]

log = logging.getLogger(__name__)

# the agent image of the job's language and toolchain version: the image the agent
# templates of that version's label use (jenkins-docker/agents/build tags it)
DEFAULT_IMAGE = "jenkinsbridge/agent-{language}:{version}"
AGENT_HOME = "/home/jenkins"
_WORKSPACE_ROOT = f"{AGENT_HOME}/agent/workspace"
# the named volume that keeps a language's tool caches (~/.cache) between runs, as the
# example agent templates mount one (jenkins-docker/controller/agents.yaml)
CACHE_VOLUME = "jenkinsbridge-cache-{language}"


def cache_volume(job: Job, name: str | None, enabled: bool = True) -> str | None:
    """The cache volume of a run: ``name`` when given, else the language's; None when off."""
    if not enabled:
        return None
    volume = name or CACHE_VOLUME.format(language=job.language)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", volume):
        raise UsageError(f"--cache-volume {volume!r}: a volume name holds letters, digits, '_', '.', '-'")
    return volume


@dataclass(frozen=True)
class RunPlan:
    """Everything a run needs, decided before any container exists."""

    job: Job
    image: str
    waves: tuple[tuple[Stage, ...], ...]
    tree: Path
    workspace: str
    environment: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    tool_version: str = ""

    @property
    def stages(self) -> list[Stage]:
        return [s for wave in self.waves for s in wave]


def parse_image_overrides(values: Sequence[str]) -> dict[str, str]:
    """``LANG=IMAGE`` or a bare ``IMAGE`` (key ``*``: any language) -> mapping."""
    out: dict[str, str] = {}
    for value in values:
        lang, sep, image = value.partition("=")
        if not sep:
            lang, image = "*", value
        elif lang not in LANGUAGES:
            raise UsageError(
                f"--image-override {value!r}: unknown language {lang!r}; use LANG=IMAGE with "
                f"LANG one of {', '.join(LANGUAGES)}, or a bare IMAGE")
        try:
            checks.check_image_reference(image)
        except ValueError as e:
            raise UsageError(f"--image-override {value!r}: {e}") from e
        out[lang] = image
    return out


def agent_image(job: Job, overrides: Mapping[str, str]) -> str:
    """The override for the job's language, then any-language override, the spec's
    ``agent.image``, and the agent image of the job's language and toolchain version."""
    return (overrides.get(job.language) or overrides.get("*") or job.agent.image
            or DEFAULT_IMAGE.format(language=job.language, version=tool_version(job)))


def select_stages(stages: Sequence[Stage], wanted: Sequence[str]) -> list[Stage]:
    if not wanted:
        return list(stages)
    names = [s.name for s in stages]
    unknown = [w for w in wanted if w not in names]
    if unknown:
        raise UsageError(f"--stage {unknown[0]!r}: the job has no such stage; stages are: {', '.join(names)}")
    # a chosen stage runs alone: what it needs is taken as done (the tree holds its output)
    return [
        s.model_copy(update={"needs": [n for n in s.needs if n in wanted]})
        for s in stages if s.name in wanted
    ]


_UNSAFE = re.compile(r"[^A-Za-z0-9._/-]")


def workspace_path(job: Job) -> str:
    """Where the tree lives in the container, as Jenkins names a job's workspace."""
    return f"{_WORKSPACE_ROOT}/{_UNSAFE.sub('_', job.full_name)}"


def git_facts(tree: Path) -> dict[str, str]:
    """GIT_COMMIT and the branch of the working tree, when it is a git checkout."""
    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", "-C", str(tree), *args], capture_output=True, text=True,
                                  timeout=10, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "HEAD")
    branch = git("rev-parse", "--abbrev-ref", "HEAD")
    facts: dict[str, str] = {}
    if commit:
        facts["GIT_COMMIT"] = commit
    if branch and branch != "HEAD":
        facts["BRANCH_NAME"] = branch
    return facts


def job_environment(job: Job, *, workspace: str, tool_version: str, build_number: str,
                    git: Mapping[str, str], node_name: str) -> dict[str, str]:
    """The variables a Jenkins build of this job sees, then the spec's ``environment``."""
    branch = git.get("BRANCH_NAME") or job.source.branch
    url = f"local://jenkinsbridge/job/{job.full_name}/{build_number}/"
    env = {
        "BUILD_NUMBER": build_number,
        "BUILD_ID": build_number,
        "BUILD_TAG": f"jenkins-{job.full_name.replace('/', '-')}-{build_number}",
        "BUILD_URL": url,
        "JOB_NAME": job.full_name,
        "JOB_BASE_NAME": job.name,
        "JOB_URL": url.rsplit("/", 2)[0] + "/",
        "NODE_NAME": node_name,
        "NODE_LABELS": " ".join(agent_label(job).replace("&&", " ").split()),
        "EXECUTOR_NUMBER": "0",
        "WORKSPACE": workspace,
        "BRANCH_NAME": branch,
        "GIT_BRANCH": f"origin/{branch}",
        "GIT_URL": job.source.url,
        "HOME": AGENT_HOME,
        "JB_LANGUAGE": job.language,
        "JB_TOOL_VERSION": tool_version,
        "CI": "true",  # as the Jenkinsfile's environment: test runners' CI mode, no prompts
    }
    if git.get("GIT_COMMIT"):
        env["GIT_COMMIT"] = git["GIT_COMMIT"]
    env.update(job.environment)
    return env


def make_plan(job: Job, *, tree: Path, stages: Sequence[str] = (),
              image_overrides: Mapping[str, str] | None = None, build_number: str = "1",
              secrets: Mapping[str, str] | None = None, node_name: str = "local") -> RunPlan:
    if not tree.is_dir():
        raise UsageError(f"working tree {str(tree)!r} is not a directory; give the project's root")
    lang = language_defaults(job.language)
    all_stages = job_stages(job)
    chosen = select_stages(all_stages, stages)
    tool_version = job.version or lang.version
    workspace = workspace_path(job)
    env = job_environment(job, workspace=workspace, tool_version=tool_version,
                          build_number=build_number, git=git_facts(tree), node_name=node_name)
    clash = sorted(set(secrets or {}) & {"WORKSPACE", "HOME", "JB_LANGUAGE"})
    if clash:
        raise UsageError(f"the env file sets {clash[0]}, which the run defines; remove it from the file")
    return RunPlan(
        job=job, image=agent_image(job, image_overrides or {}),
        waves=tuple(tuple(w) for w in stage_waves(chosen)), tree=tree.resolve(),
        workspace=workspace, environment=env, secrets=dict(secrets or {}),
        tool_version=tool_version,
    )
