"""Rendered Jenkinsfiles run against the recording DSL stub (groovy/pipeline_harness.groovy).

:func:`run_harness` evaluates many files in one JVM and returns, per file, the tree of
DSL calls. :func:`structure_problems` checks the declarative shape, :func:`sh_steps`
lists every ``sh`` step with the stage it runs in and the environment and credentials
bound around it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.groovy import GroovyChecker

HARNESS = Path(__file__).parent / "groovy" / "pipeline_harness.groovy"

Node = dict[str, Any]


def run_harness(groovy: GroovyChecker, paths: list[Path]) -> dict[str, Node]:
    """path -> {"tree": root node, "env": env after the run}; raises on any failure."""
    proc = groovy.run_script(HARNESS, *map(str, paths), timeout=300)
    out: dict[str, Node] = {}
    errors = []
    for line in proc.stdout.splitlines():
        kind, _, rest = line.partition("\t")
        path, _, payload = rest.partition("\t")
        if kind == "JSON":
            out[path] = json.loads(payload)
        elif kind == "ERR":
            errors.append(f"{path}: {payload}")
    assert not errors, "harness failed:\n" + "\n".join(errors)
    missing = [str(p) for p in paths if str(p) not in out]
    assert not missing, f"no harness result for {missing}: {proc.stderr[-2000:]}"
    return out


def children(node: Node, step: str | None = None) -> list[Node]:
    return [c for c in node["children"] if step is None or c["step"] == step]


def only(node: Node, step: str) -> Node:
    found = children(node, step)
    assert len(found) == 1, f"expected one {step!r} under {node['step']!r}, found {len(found)}"
    return found[0]


def pipeline(result: Node) -> Node:
    return only(result["tree"], "pipeline")


_TOP = {"agent", "options", "triggers", "parameters", "environment", "stages", "post"}
_STAGE = {"when", "input", "steps", "parallel", "stages", "post", "agent", "environment", "options"}
_POST = {"always", "success", "failure", "unstable", "aborted", "changed", "fixed", "regression",
         "cleanup", "unsuccessful"}


def structure_problems(result: Node) -> list[str]:
    """Where the tree departs from pipeline > agent/options/stages > stage > steps|parallel."""
    problems: list[str] = []
    top = children(result["tree"])
    if [n["step"] for n in top if n["step"] != "library_annotation"] != ["pipeline"]:
        return [f"top level holds {[n['step'] for n in top]}, expected one pipeline"]
    p = top[-1]
    steps = [c["step"] for c in children(p)]
    problems += [f"pipeline holds {s!r}" for s in steps if s not in _TOP]
    for need in ("agent", "stages"):
        if steps.count(need) != 1:
            problems.append(f"pipeline needs one {need!r}, has {steps.count(need)}")
    if "stages" in steps:
        problems += _stages(only(p, "stages"), "stages")
    for post in children(p, "post"):
        problems += [f"post holds {c['step']!r}" for c in children(post) if c["step"] not in _POST]
    return problems


def _stages(stages: Node, where: str) -> list[str]:
    problems = []
    if not children(stages):
        problems.append(f"{where} is empty")
    for st in children(stages):
        if st["step"] != "stage" or len(st["args"]) != 1 or not isinstance(st["args"][0], str):
            problems.append(f"{where} holds {st['step']}{st['args']!r}, expected stage('name')")
            continue
        name = f"{where}/{st['args'][0]}"
        kinds = [c["step"] for c in children(st)]
        problems += [f"{name} holds {k!r}" for k in kinds if k not in _STAGE]
        if (kinds.count("steps") + kinds.count("parallel") + kinds.count("stages")) != 1:
            problems.append(f"{name} needs exactly one of steps/parallel/stages, has {kinds}")
        for par in children(st, "parallel"):
            problems += _stages(par, name)
        for nested in children(st, "stages"):
            problems += _stages(nested, name)
    return problems


def all_stages(result: Node) -> list[tuple[str, Node]]:
    """Every stage at any depth as ("outer / inner", node), in document order."""
    out: list[tuple[str, Node]] = []

    def walk(n: Node, path: list[str]) -> None:
        for c in children(n):
            if c["step"] == "stage":
                name = [*path, str(c["args"][0])]
                out.append((" / ".join(name), c))
                walk(c, name)
            elif c["step"] in ("stages", "parallel"):
                walk(c, path)

    walk(only(pipeline(result), "stages"), [])
    return out


def input_problems(result: Node) -> list[str]:
    """An `input` must not hold an executor: the pipeline's top agent is `none`, and no
    stage that waits for input has (or sits inside a stage with) an agent."""
    problems = []
    top = only(pipeline(result), "agent")
    top_none = top["args"] == ["none"]
    holds: dict[str, bool] = {}
    for name, st in all_stages(result):
        parent = name.rpartition(" / ")[0]
        holds[name] = bool(children(st, "agent")) or holds.get(parent, False)
        if children(st, "input"):
            if holds[name]:
                problems.append(f"stage {name!r} waits for input on an agent")
            if not top_none:
                problems.append(f"stage {name!r} waits for input under a pipeline-wide agent")
    return problems


def gated(stage: Node) -> bool:
    """The stage has a `when` that limits it to branches (branch, or the primary branch)."""
    def names(n: Node) -> set[str]:
        found = {c["step"] for c in children(n)}
        for c in children(n):
            found |= names(c)
        return found
    return any({"branch", "expression"} & names(w) for w in children(stage, "when"))


def gate_problems(result: Node) -> list[str]:
    """In a multibranch job the Image, Approve and Deploy stages run only on gated branches:
    pull/merge requests never push an image or deploy."""
    return [f"stage {name!r} has no branch gate" for name, st in all_stages(result)
            if name.split(" ")[0] in ("Image", "Deploy", "Approve") and not gated(st)]


@dataclass
class ShStep:
    stage: str  # "" for post actions, else names joined by " / "
    label: str
    script: str
    env: list[str] = field(default_factory=list)  # withEnv entries around the step
    credentials: list[dict[str, Any]] = field(default_factory=list)  # withCredentials bindings
    section: str = "stages"  # or "post:<condition>"


def sh_steps(result: Node) -> list[ShStep]:
    out: list[ShStep] = []
    _walk(pipeline(result), [], [], [], "stages", out)
    return out


def _walk(node: Node, stage: list[str], env: list[str], creds: list[dict[str, Any]], section: str,
          out: list[ShStep]) -> None:
    for c in children(node):
        step = c["step"]
        if step == "stage":
            _walk(c, [*stage, c["args"][0]], env, creds, section, out)
        elif step == "post" and not stage:
            for cond in children(c):
                _walk(cond, stage, env, creds, f"post:{cond['step']}", out)
        elif step == "withEnv":
            _walk(c, stage, [*env, *c["args"][0]], creds, section, out)
        elif step == "withCredentials":
            _walk(c, stage, env, [*creds, *(b for b in c["args"][0])], section, out)
        elif step == "sh":
            arg = c["args"][0]
            if isinstance(arg, dict):
                out.append(ShStep(" / ".join(stage), arg.get("label", ""), arg["script"], env, creds, section))
            else:
                out.append(ShStep(" / ".join(stage), "", arg, env, creds, section))
        else:
            _walk(c, stage, env, creds, section, out)


def find_steps(result: Node, step: str) -> list[Node]:
    """Every call named ``step`` anywhere in the tree (args folded in are not searched)."""
    found: list[Node] = []

    def walk(n: Node) -> None:
        for c in children(n):
            if c["step"] == step:
                found.append(c)
            walk(c)

    walk(result["tree"])
    return found


def stage_names(result: Node, within: str | None = None) -> list[str]:
    """Stage names in order (top level, or inside the stage ``within``), with parallel
    branches as 'a | b'."""
    out = []
    stages = only(pipeline(result), "stages")
    if within is not None:
        (outer,) = [st for st in children(stages, "stage") if st["args"][0] == within]
        stages = only(outer, "stages")
    for st in children(stages, "stage"):
        par = children(st, "parallel")
        if par:
            out.append(" | ".join(s["args"][0] for s in children(par[0], "stage")))
        else:
            out.append(st["args"][0])
    return out
