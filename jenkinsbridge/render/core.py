"""Render a spec into Jenkins files: a Jenkinsfile and config.xml per job, a config.xml
per folder. Pure functions of the spec: the same spec gives byte-identical files."""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from jenkinsbridge.errors import RenderError, UsageError
from jenkinsbridge.fsutil import commit_files
from jenkinsbridge.render.environment import GroovyCode, environment, templates_dir
from jenkinsbridge.render.jobxml import branch_source, job_parameters, job_triggers, scan_trigger
from jenkinsbridge.render.languages import agent_label, job_stages, language_defaults, tool_version
from jenkinsbridge.render.scripts import pipeline_scripts
from jenkinsbridge.spec.graph import stage_waves
from jenkinsbridge.spec.loader import Spec
from jenkinsbridge.spec.models import Job, Quality, Stage
from jenkinsbridge.spec.semantic import reserved_stage_names, wave_name

__all__ = [
    "COVERAGE_PARSERS",
    "ISSUE_TOOLS",
    "MANAGED_MARKER",
    "RenderResult",
    "RenderedFolder",
    "RenderedJob",
    "issue_id",
    "job_context",
    "render_folder",
    "render_job",
    "render_spec",
    "write_rendered",
]

log = logging.getLogger(__name__)

MANAGED_MARKER = "Managed by jenkinsbridge: edit the spec, not this job."

# job type -> config.xml template
_JOB_XML = {
    "pipeline": "xml/pipeline-job.xml.j2",
    "multibranch": "xml/multibranch-job.xml.j2",
}


@dataclass(frozen=True)
class RenderedJob:
    job: Job
    path: str
    jenkinsfile: str
    config_xml: str


@dataclass(frozen=True)
class RenderedFolder:
    path: str
    config_xml: str


@dataclass(frozen=True)
class RenderResult:
    folders: tuple[RenderedFolder, ...]
    jobs: tuple[RenderedJob, ...]

    def files(self) -> dict[str, str]:
        """Relative path -> content, in a stable order."""
        out: dict[str, str] = {}
        for f in self.folders:
            out[f"{f.path}/config.xml"] = f.config_xml
        for j in self.jobs:
            out[f"{j.path}/config.xml"] = j.config_xml
            out[f"{j.path}/Jenkinsfile"] = j.jenkinsfile
        return out


@functools.cache
def _template_for(language: str, name: str, fallback: str) -> str:
    own = f"languages/{language}/{name}"
    return own if (templates_dir() / own).is_file() else fallback


# stage `coverage.format` -> the coverage plugin's parser name (jenkinsci/coverage-plugin
# plugin/src/main/java/io/jenkins/plugins/coverage/metrics/steps/CoverageTool.java, enum Parser;
# GO_COV since coverage 2.8.0 / coverage-model 0.56.0)
COVERAGE_PARSERS = {"cobertura": "COBERTURA", "jacoco": "JACOCO", "go-cov": "GO_COV"}
# stage `issues.format` -> warnings-ng tool symbol (the @Symbol of each parser class in
# jenkinsci/warnings-ng-plugin plugin/src/main/java/io/jenkins/plugins/analysis/warnings/:
# Sarif, CheckStyle, EsLint, PhpStan, ClangTidy, GoVet, Java)
ISSUE_TOOLS = {"sarif": "sarif", "checkstyle": "checkStyle", "eslint": "esLint", "phpstan": "phpStan",
               "clang-tidy": "clangTidy", "go-vet": "goVet", "java": "java"}


def issue_id(name: str) -> str:
    """warnings-ng result ids are URL parts: lower-case letters, digits and '-'."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "lint"
    digest = hashlib.sha256(name.encode()).hexdigest()[:6]
    return f"{slug[:40]}-{digest}" if slug != name else slug


def _stage_block(stages: list[Stage], quality: Quality | None = None) -> GroovyCode:
    ctx = {"waves": stage_waves(stages), "pads": _PADS, "issue_tools": ISSUE_TOOLS,
           "issue_ids": {s.name: issue_id(s.name) for s in stages if s.issues or s.coverage},
           "coverage_parsers": COVERAGE_PARSERS, "quality": quality or Quality()}
    return GroovyCode(_render("pipeline/stages.groovy.j2", ctx, "stages"))


@functools.cache
def _default_stage_block(language: str) -> GroovyCode:
    """The stages of a language's defaults, the same text for every job that uses them."""
    return _stage_block(list(language_defaults(language).stages))


@functools.cache
def _default_waves(language: str) -> list[list[Stage]]:
    """The waves of a language's default stages, shared by every job that uses them
    (read only)."""
    return stage_waves(list(language_defaults(language).stages))


# indentation of a stage at the top level and inside `parallel`
_PADS = (GroovyCode(" " * 8), GroovyCode(" " * 16))


def job_context(job: Job) -> dict[str, Any]:
    """Everything the templates see for one job: the job plus resolved defaults."""
    lang = language_defaults(job.language)
    stages = job_stages(job)
    defaults = job.stages is None and job.quality.fail_on is None  # the language's stages as they are
    description = f"{job.description}\n\n{MANAGED_MARKER}" if job.description else MANAGED_MARKER
    multibranch = job.type == "multibranch"
    ctx: dict[str, Any] = {
        "job": job,
        "lang": lang,
        "label": agent_label(job),
        "tools_label": job.agent.tools or TOOLS_LABEL,
        "tool_version": tool_version(job),
        "stages": stages,
        "waves": _default_waves(job.language) if defaults else stage_waves(stages),
        "artifacts": job.artifacts if job.artifacts is not None else lang.artifacts,
        "keep": job.keep,
        "notify_when": sorted(set(job.notify.when)) if (job.notify.email or job.notify.dingtalk) else [],
        "marker": MANAGED_MARKER,
        "description": description,
        "multibranch": multibranch,
        "scripts": pipeline_scripts(),
        "image_env": _image_env(job),
        "approvals": any(d.approval for d in job.deploy),
        "image_gate": _gate(job, job.image.branches) if job.image and multibranch else None,
        "deploy_gates": [_gate(job, d.branches) if multibranch else None for d in job.deploy],
        "stash": _stashes(job),
    }
    _check_stage_names(job, stages, ctx["waves"])
    plain = job.stages is None and job.quality == Quality()
    ctx["stage_block"] = _default_stage_block(job.language) if plain else _stage_block(stages, job.quality)
    ctx["post"] = [c for c in _POST_ORDER if c in ctx["notify_when"]]
    if multibranch:
        ctx["scan"] = scan_trigger(job)
        ctx["source"] = branch_source(job)
    else:
        ctx["triggers"] = job_triggers(job)
        ctx["parameters"] = job_parameters(job)
    return ctx


def _check_stage_names(job: Job, stages: list[Stage], waves: list[list[Stage]]) -> None:
    """Declarative pipelines need unique stage names, ours included."""
    ours = reserved_stage_names(job.image is not None, [d.env for d in job.deploy],
                                [d.env for d in job.deploy if d.approval])
    ours += [wave_name([s.name for s in w]) for w in waves if len(w) > 1]
    for st in stages:
        if st.name in ours:
            raise UsageError(
                f"job {job.full_name}: stage name {st.name!r} is taken by a stage jenkinsbridge adds; "
                "rename the stage"
            )


# the order declarative pipelines run post conditions in
_POST_ORDER = ("always", "changed", "fixed", "regression", "aborted", "success", "unstable",
               "unsuccessful", "failure")


# the label of the agents that run Image and Deploy (docker CLI and jenkinsbridge on board;
# jenkins-docker/agents/tools)
TOOLS_LABEL = "jenkinsbridge-tools"


def _gate(job: Job, branches: list[str]) -> dict[str, Any]:
    """Which branches of a multibranch job run a stage: the spec's list, else the source
    branch, else (the source branch is a pattern such as ``*``) the primary branch."""
    if branches:
        return {"branches": branches, "primary": False}
    if not any(c in job.source.branch for c in "*?"):
        return {"branches": [job.source.branch], "primary": False}
    return {"branches": [], "primary": True}


def _stashes(job: Job) -> list[dict[str, str]]:
    """What the Build stage hands to the tools agents: the workspace (with .git, for the
    image's tags) to the Image stage, the spec and compose files to the Deploy stages."""
    out = []
    if job.image:
        # virtualenvs and node_modules are the build's, rebuilt inside the image
        out.append({"name": "jenkinsbridge-workspace", "includes": "**", "excludes": ".venv/**, **/node_modules/**"})
    if job.deploy:
        files = [job.spec_file, *sorted({d.compose_file for d in job.deploy if d.compose_file})]
        out.append({"name": "jenkinsbridge-deploy", "includes": ", ".join(files), "excludes": ""})
    return out


def _image_env(job: Job) -> list[str]:
    """NAME=value pairs the image script reads (withEnv); empty without an image."""
    image = job.image
    if image is None:
        return []
    env = [
        f"JB_IMAGE_REPO={image.registry}/{image.repository}",
        f"JB_IMAGE_TAGS={' '.join(image.tags)}",
        f"JB_DOCKERFILE={image.dockerfile}",
        f"JB_CONTEXT={image.context}",
        f"JB_BRANCH={job.source.branch}",
        f"JB_TARGET={image.target or ''}",
        f"JB_BUILD_ARGS={' '.join(image.build_args)}",
    ]
    env.extend(f"{name}={value}" for name, value in image.build_args.items())
    return env


def _render(template: str, context: dict[str, Any], what: str) -> str:
    try:
        return environment().get_template(template).render(context)
    except RenderError:
        raise
    except TemplateError as e:
        raise RenderError(f"rendering {what} with {template}: {e}") from e


def render_job(job: Job) -> RenderedJob:
    ctx = job_context(job)
    jenkinsfile = _render(
        _template_for(job.language, "Jenkinsfile.j2", "pipeline/Jenkinsfile.j2"), ctx, job.full_name
    )
    xml = _render(_JOB_XML[job.type], {**ctx, "script": jenkinsfile}, job.full_name)
    return RenderedJob(job=job, path=job.full_name, jenkinsfile=jenkinsfile, config_xml=xml)


def render_folder(path: str) -> RenderedFolder:
    xml = _render("xml/folder.xml.j2", {"description": MANAGED_MARKER, "path": path}, path)
    return RenderedFolder(path=path, config_xml=xml)


def render_spec(spec: Spec) -> RenderResult:
    folders = tuple(render_folder(p) for p in spec.folders())
    jobs = tuple(render_job(j) for j in sorted(spec.jobs, key=lambda j: j.full_name))
    return RenderResult(folders=folders, jobs=jobs)


def write_rendered(result: RenderResult, out: Path) -> list[Path]:
    """Write every file under ``out``: unchanged files untouched, the others written all
    together or not at all (fsutil.commit_files). Returns the files written."""
    changed: dict[str, bytes] = {}
    for rel, text in result.files().items():
        data = text.encode("utf-8")
        try:
            with open(out / rel, "rb") as fh:
                if fh.read() == data:
                    continue
        except (FileNotFoundError, NotADirectoryError):
            pass
        changed[rel] = data
    written = commit_files(out, changed) if changed else []
    log.debug("wrote %d of %d files under %s", len(written), len(result.files()), out)
    return written


def iter_paths(result: RenderResult) -> Iterable[str]:
    return result.files().keys()
