"""Checks across the fields of one job, run on its raw (merged) data.

They run whether or not the job passes model validation, so one run reports a type
error and a `needs` cycle of the same job together. Parts that are malformed are
skipped here: model validation reports them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from jenkinsbridge.spec.checks import GROOVY_CONSTANT_MAX, groovy_constant_size
from jenkinsbridge.spec.graph import stage_graph_problems, stage_waves
from jenkinsbridge.spec.messages import PathT

__all__ = ["PARALLEL_PREFIX", "job_problems", "reserved_stage_names", "stage_texts", "wave_name"]

# a wave of stages side by side is one stage named "parallel: a, b" around them
PARALLEL_PREFIX = "parallel: "


def wave_name(names: Sequence[str]) -> str:
    """The name of the stage around a wave of stages side by side (written so by
    job_templates/pipeline/stages.groovy.j2)."""
    return PARALLEL_PREFIX + ", ".join(names)


def stage_texts(name: str, junit: str | None, coverage: bool) -> dict[str, str]:
    """The strings job_templates/pipeline/stage.groovy.j2 builds from a stage's name and
    other fields, by what they are; each becomes one Groovy string constant."""
    return {**({"message for a missing test report": f"stage {name} wrote no test report matching {junit}"}
               if junit is not None else {}),
            **({"coverage report's name": f"Coverage: {name}"} if coverage else {})}


def reserved_stage_names(has_image: bool, deploy_envs: list[str], approval_envs: list[str] | None = None) -> list[str]:
    """The stages jenkinsbridge adds to a job's pipeline; a spec stage may not take one
    of these names (declarative pipelines need unique stage names)."""
    return ["Build", "Checkout", *(["Image"] if has_image else []), *(f"Deploy {e}" for e in deploy_envs),
            *(f"Approve {e}" for e in approval_envs or [])]


@dataclass(frozen=True)
class _RawStage:
    name: str
    needs: list[str] = field(default_factory=list)


def job_problems(job: dict[str, Any]) -> list[tuple[PathT, str]]:
    """(path inside the job, message) for every problem between fields of ``job``."""
    return [*_stage_problems(job.get("stages")), *_reserved_stage_problems(job), *_deploy_problems(job),
            *_parameter_problems(job.get("parameters")), *_trigger_problems(job)]


def _stage_problems(stages: Any) -> list[tuple[PathT, str]]:
    if not isinstance(stages, list):
        return []
    raw: list[_RawStage] = []
    for st in stages:
        if not isinstance(st, dict) or not isinstance(st.get("name"), str):
            return []  # without every name, unknown `needs` cannot be told apart
        needs = st.get("needs", [])
        raw.append(_RawStage(st["name"], [n for n in needs if isinstance(n, str)]
                             if isinstance(needs, list) else []))
    problems = [(("stages", *sub), msg) for sub, msg in stage_graph_problems(raw)]
    return problems or _constant_problems(stages, raw)


def _constant_problems(stages: list[dict[str, Any]], raw: list[_RawStage]) -> list[tuple[PathT, str]]:
    """Strings built from stage names that would pass Groovy's limit on one constant
    (each name alone is checked with its field): a wave's name, a stage's messages."""
    out: list[tuple[PathT, str]] = []
    limit = f"a Jenkinsfile holds at most {GROOVY_CONSTANT_MAX:,} bytes in one string"
    for i, st in enumerate(stages):
        junit = st.get("junit")
        texts = stage_texts(st["name"], junit if isinstance(junit, str) else None, st.get("coverage") is not None)
        for what, text in texts.items():
            size = groovy_constant_size(text)
            if size > GROOVY_CONSTANT_MAX:
                out.append((("stages", i, "name"), f"the stage's {what} is {size:,} bytes with this "
                            f"name; {limit}, so shorten the name"))
    index = {s.name: i for i, s in enumerate(raw)}
    for wave in stage_waves(raw):
        if len(wave) < 2:
            continue
        size = groovy_constant_size(wave_name([s.name for s in wave]))
        if size > GROOVY_CONSTANT_MAX:
            where = ", ".join(f"stages[{index[s.name]}]" for s in wave[:3]) + (", ..." if len(wave) > 3 else "")
            out.append((("stages", index[wave[0].name], "name"),
                        f"the {len(wave)} stages that run side by side here ({where}) make one stage "
                        f"named {PARALLEL_PREFIX!r} and their names, {size:,} bytes; {limit}, so "
                        "shorten their names"))
    return out


def _reserved_stage_problems(job: dict[str, Any]) -> list[tuple[PathT, str]]:
    stages, deploy = job.get("stages"), job.get("deploy")
    if not isinstance(stages, list):
        return []
    deps = [d for d in deploy if isinstance(d, dict) and isinstance(d.get("env"), str)] \
        if isinstance(deploy, list) else []
    ours = reserved_stage_names(job.get("image") is not None, [d["env"] for d in deps],
                                [d["env"] for d in deps if d.get("approval")])
    out: list[tuple[PathT, str]] = []
    for i, st in enumerate(stages):
        name = st.get("name") if isinstance(st, dict) else None
        if isinstance(name, str) and (name in ours or name.startswith(PARALLEL_PREFIX)):
            out.append((("stages", i, "name"), f"stage name {name!r} is taken by a stage "
                        "jenkinsbridge adds; rename the stage"))
    return out


def _deploy_problems(job: dict[str, Any]) -> list[tuple[PathT, str]]:
    deploy = job.get("deploy")
    if not isinstance(deploy, list):
        return []
    out: list[tuple[PathT, str]] = []
    envs: dict[str, int] = {}
    for i, d in enumerate(deploy):
        env = d.get("env") if isinstance(d, dict) else None
        if not isinstance(env, str):
            continue
        key = env.casefold()
        if key in envs:
            out.append((("deploy", i, "env"), f"environment {env!r} is listed twice (also deploy[{envs[key]}]); "
                        "each environment appears once"))
        envs.setdefault(key, i)
    if deploy and job.get("image") is None:
        out.append((("deploy",), "deploying needs an 'image' section; add image: {registry: ..., "
                    "repository: ...} for the image to deploy"))
    return out


def _parameter_problems(params: Any) -> list[tuple[PathT, str]]:
    if not isinstance(params, list):
        return []
    out: list[tuple[PathT, str]] = []
    names: dict[str, int] = {}
    for i, p in enumerate(params):
        name = p.get("name") if isinstance(p, dict) else None
        if not isinstance(name, str):
            continue
        if name in names:
            out.append((("parameters", i, "name"), f"parameter {name!r} is defined twice (also "
                        f"parameters[{names[name]}]); each parameter has its own name"))
        names.setdefault(name, i)
    return out


def _trigger_problems(job: dict[str, Any]) -> list[tuple[PathT, str]]:
    triggers, source = job.get("triggers"), job.get("source")
    if not isinstance(triggers, dict) or triggers.get("push") is not True:
        return []
    provider = source.get("provider", "git") if isinstance(source, dict) else None
    if provider == "git" and job.get("type", "pipeline") == "pipeline":
        return [(("triggers", "push"), "push triggers need source.provider github or gitlab; "
                 "use triggers.poll for a plain git server")]
    return []
