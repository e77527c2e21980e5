"""The wizard's question catalogue: every question, in the order it is asked (what a
question is lives in :mod:`question`). Defaults come from detection and each language's
best practice; checks are the spec's own (jenkinsbridge.spec.checks), so an answer the
wizard accepts is one the spec accepts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jenkinsbridge.render.languages import default_label, language_defaults
from jenkinsbridge.spec import checks
from jenkinsbridge.spec.models import LANGUAGES

from .detect import Candidate, Detection
from .gitinfo import GitInfo, remote_parts
from .question import Answers, Choice, Question, Repeat
from .stages import StagePlan, plan_stages

__all__ = ["Context", "catalogue", "env_questions", "known_key", "static_keys"]

DEFAULT_REGISTRY = "localhost:5000"
DEFAULT_TAGS = ["{short_commit}", "{build}"]
CONDITIONS = ("failure", "fixed", "success", "unstable", "aborted", "always", "changed", "regression")


LANGUAGE_TITLES = {
    "java-maven": "Java built with Maven", "java-gradle": "Java built with Gradle",
    "node": "Node.js (npm, pnpm or yarn)", "php": "PHP with Composer",
    "python": "Python (pip, Poetry or uv)", "go": "Go modules", "cpp": "C++ with CMake",
}


@dataclass
class Context:
    """What the questions' defaults are computed from."""

    detection: Detection
    language: str | None = None  # forced with --language

    def candidate(self, answers: Answers) -> Candidate | None:
        cands = self.detection.candidates
        if not cands:
            return None
        path = answers.get("project", cands[0].path)
        lang = answers.get("language")
        same_dir = [c for c in cands if c.path == path]
        for c in same_dir:
            if lang is None or c.language == lang:
                return c
        return same_dir[0] if same_dir else cands[0]

    def language_of(self, answers: Answers) -> str:
        return str(answers.get("language") or self.language or "python")

    def plan(self, answers: Answers) -> StagePlan:
        return plan_stages(self.language_of(answers), self.candidate(answers))

    def remote_path(self) -> list[str]:
        url = self.detection.git.remote
        parts = remote_parts(url) if url else None
        return [p for p in parts[1].split("/") if p] if parts else []


def _name(text: str) -> str:
    out = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return out or "app"


def _repo_component(text: str) -> str:
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return out or "app"


def _check_envs(text: str) -> None:
    checks.check_item_name(text)
    if not re.fullmatch(r"[A-Za-z0-9._-]+", text):
        raise ValueError(f"{text!r}: an environment name is letters, digits, '.', '_', '-'")


def _check_health(text: str) -> None:
    if not text.startswith("/"):
        raise ValueError(f"{text!r} is not a path; it starts with '/', e.g. /healthz")


def catalogue(ctx: Context) -> list[Question | Repeat]:
    det = ctx.detection

    def job_name(a: Answers) -> str:
        c = ctx.candidate(a)
        if c is not None and c.path != ".":
            return _name(c.path.rsplit("/", 1)[-1])
        remote = ctx.remote_path()
        return _name(remote[-1] if remote else det.root.name)

    def folder(a: Answers) -> str | None:
        remote = ctx.remote_path()
        return "/".join(_name(p) for p in remote[:-1]) or None

    def source_url(a: Answers) -> str:
        if det.git.remote:
            try:
                checks.check_git_url(det.git.remote)
                return det.git.remote
            except ValueError:
                pass  # a remote Jenkins could not clone from: offer the local path instead
        return "file://" + (det.git.toplevel or det.root).resolve().as_posix()

    def version(a: Answers) -> str:
        c = ctx.candidate(a)
        lang = ctx.language_of(a)
        if c is not None and c.language == lang and c.version:
            return c.version
        return language_defaults(lang).version

    def stage_choices(a: Answers) -> list[Choice]:
        return [Choice(s["name"], f"{s['name']}: {s['run'].strip().splitlines()[-1]}")
                for s in ctx.plan(a).stages]

    def stage_default(a: Answers) -> list[str]:
        plan = ctx.plan(a)
        return [s["name"] for s in plan.stages if s["name"] not in plan.off]

    def has_dockerfile(a: Answers) -> bool:
        c = ctx.candidate(a)
        return bool(c and c.dockerfile)

    def repository(a: Answers) -> str:
        parts = [_repo_component(p) for p in ctx.remote_path()[:-1]]
        return "/".join([*parts, _repo_component(str(a.get("name") or "app"))])

    image = lambda a: bool(a.get("image"))  # noqa: E731
    git_host = lambda a: a.get("source.provider") in ("github", "gitlab")  # noqa: E731
    languages = [Choice(lang, f"{lang}: {LANGUAGE_TITLES[lang]}") for lang in LANGUAGES]
    return [
        Question("project", "Which project should the pipeline build?", "select",
                 default=lambda a: det.candidates[0].path if det.candidates else None,
                 choices=[Choice(c.path, c.title()) for c in det.candidates],
                 when=lambda a: len({c.path for c in det.candidates}) > 1,
                 help="Several build files were found (a monorepo)."),
        Question("language", "Language and build tool", "select",
                 default=lambda a: c.language if (c := ctx.candidate(a)) else None,
                 choices=languages, when=lambda a: ctx.language is None),
        Question("version", "Toolchain version", default=version, check=checks.check_tool_version,
                 help="The version the agent image provides (JDK, Node, Python, PHP, Go, compiler)."),
        Question("name", "Job name", default=job_name, check=checks.check_item_name),
        Question("folder", "Jenkins folder (empty for none; a/b nests)", default=folder,
                 optional=True, check=checks.check_folder_path),
        Question("source.url", "Git repository URL", default=source_url, check=checks.check_git_url,
                 explain=lambda a: [] if det.git.remote else [
                     "No git remote found: the default is the local path; give the server's URL "
                     "so Jenkins can check out"]),
        Question("source.branch", "Branch to build",
                 default=lambda a: det.git.branch or "main", check=_check_branch),
        Question("source.provider", "Git hosting", "select",
                 default=lambda a: det.git.provider,
                 choices=[Choice("github", "GitHub"), Choice("gitlab", "GitLab"),
                          Choice("git", "another git server")]),
        Question("source.credentials", "Jenkins credentials ID for checkout (empty for a public repository)",
                 optional=True, check=checks.check_credentials_id),
        Question("triggers.push", "Build on every push (webhook)?", "confirm", default=True, when=git_host),
        Question("triggers.poll", "Poll the repository for changes (cron; empty for no polling)",
                 default=lambda a: None if a.get("triggers.push") else "H/5 * * * *",
                 optional=True, check=checks.check_cron),
        Question("triggers.cron", "Also build on a schedule (cron, e.g. H 2 * * *; empty for none)",
                 optional=True, check=checks.check_cron),
        Question("agent.label", "Agent label the build runs on",
                 default=lambda a: default_label(ctx.language_of(a), str(a["version"])),
                 check=checks.check_label_expression),
        Question("agent.image", "Agent image for local runs (image reference; empty for the language's)",
                 optional=True, check=checks.check_image_reference),
        Question("stages", "Stages to keep", "checkbox", default=stage_default, choices=stage_choices,
                 min_selected=1, explain=lambda a: [f"Stages: {n}" for n in ctx.plan(a).notes]),
        Question("image", "Build and push a container image?", "confirm", default=has_dockerfile),
        Question("image.dockerfile", "Dockerfile",
                 default=lambda a: (c.dockerfile if (c := ctx.candidate(a)) and c.dockerfile
                                    else "Dockerfile"), when=image, check=checks.check_control_chars,
                 explain=lambda a: [] if has_dockerfile(a) else [
                     "No Dockerfile found: the image build needs one at the path you give"]),
        Question("image.registry", "Registry (host[:port])", default=DEFAULT_REGISTRY, when=image,
                 check=checks.check_registry),
        Question("image.repository", "Image repository", default=repository, when=image,
                 check=checks.check_repository),
        Question("image.tags", "Tags (comma separated; {short_commit} {commit} {build} {branch})",
                 default=DEFAULT_TAGS, when=image, value_type="list", check=checks.check_tag_template),
        Question("image.credentials", "Jenkins credentials ID for the registry (empty for none)",
                 when=image, optional=True, check=checks.check_credentials_id),
        Question("deploy.envs", "Deploy environments, in order (comma separated; empty for none)",
                 default=["staging"], when=image, value_type="list", optional=True, check=_check_envs),
        Repeat("deploy.envs", "deploy", lambda env: env_questions(env, ctx)),
        Question("notify.email", "Email addresses to notify (comma separated; empty for none)",
                 value_type="list", optional=True, check=checks.check_email),
        Question("notify.dingtalk", "DingTalk webhook credentials ID (empty for none)",
                 optional=True, check=checks.check_credentials_id),
        Question("notify.when", "Notify when the build...", "checkbox", default=["failure", "fixed"],
                 choices=[Choice(c, c) for c in CONDITIONS], min_selected=1,
                 when=lambda a: bool(a.get("notify.email") or a.get("notify.dingtalk"))),
        Question("keep.builds", "Builds to keep (empty keeps all)", default=30, value_type="int",
                 bounds=(1, 100000), optional=True),
    ]


def _check_branch(text: str) -> None:
    if any(c in text for c in " ~^:?[\\") or ".." in text or text.endswith((".lock", "/")):
        raise ValueError(f"{text!r} is not a git branch name")


def env_questions(env: str, ctx: Context) -> Sequence[Question]:
    k = f"deploy.{env}."
    prod = env.lower() in ("prod", "production", "live")

    def port(a: Answers) -> int:
        c = ctx.candidate(a)
        return c.port if c is not None and c.port else 8080

    def endpoint_check(text: str) -> None:
        checks.check_docker_endpoint(text)

    tcp = lambda a: str(a.get(k + "endpoint") or "").startswith("tcp://")  # noqa: E731
    return [
        Question(k + "target", f"[{env}] Deploy with", "select", default="compose",
                 choices=[Choice("compose", "Docker Compose"), Choice("swarm", "Docker Swarm")]),
        Question(k + "endpoint", f"[{env}] Docker endpoint (tcp://host:2376, ssh://...; empty for the local engine)",
                 optional=True, check=endpoint_check),
        Question(k + "tls_credentials", f"[{env}] Credentials ID of the TLS client certificate",
                 when=tcp, check=checks.check_credentials_id),
        Question(k + "strategy", f"[{env}] Release strategy", "select",
                 default="blue-green" if prod else "standard",
                 choices=[Choice("standard", "standard: the new version replaces the old"),
                          Choice("rolling", "rolling: replace replicas in batches"),
                          Choice("blue-green", "blue-green: switch traffic after the new one is healthy")]),
        Question(k + "replicas", f"[{env}] Replicas", value_type="int", bounds=(1, 1000),
                 default=lambda a: 2 if a.get(k + "target") == "swarm" else 1),
        Question(k + "port", f"[{env}] The container's port", value_type="int", bounds=(1, 65535),
                 default=port),
        Question(k + "publish", f"[{env}] Publish on host port (empty for none)", value_type="int",
                 bounds=(1, 65535), optional=True),
        Question(k + "health", f"[{env}] Health check path", default="/", check=_check_health),
        Question(k + "approval", f"[{env}] Who must approve the deploy (users or groups; empty for nobody)",
                 optional=True, check=checks.check_control_chars),
    ]


def known_key(key: str, static: set[str]) -> bool:
    """Whether ``key`` names a question (per-environment keys included)."""
    if key in static:
        return True
    m = re.fullmatch(r"deploy\.([^.]+)\.([a-z_]+)", key)
    return bool(m and m.group(2) in _ENV_FIELDS)


_ENV_FIELDS = frozenset({"target", "endpoint", "tls_credentials", "strategy", "replicas", "port",
                         "publish", "health", "approval"})


def static_keys() -> set[str]:
    """The keys of every question that is not per-environment."""
    empty = Detection(Path("."), (), GitInfo(None, None, None, "git", ()))
    return {q.key for q in catalogue(Context(empty)) if isinstance(q, Question)}


def describe(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
