from __future__ import annotations

import re
from pathlib import Path

import pytest

from jenkinsbridge.errors import UsageError
from jenkinsbridge.render import render_job
from jenkinsbridge.render.languages import language_defaults, version_label
from jenkinsbridge.runner.plan import agent_image, make_plan, parse_image_overrides, workspace_path
from jenkinsbridge.spec import LANGUAGES, load_spec_text
from jenkinsbridge.spec.graph import stage_waves
from tests.support.runner import SAMPLES

# sh label: '...', script: '...' -- or a multi-line script as a '''\ block
SH_STEP = re.compile(r"sh label: '((?:[^'\\]|\\.)*)', script: "
                     r"(?:'''\\\n((?:[^'\\]|\\.|'(?!''))*)'''|'((?:[^'\\]|\\.)*)')")


def _job(lang: str = "python", extra: str = "") -> object:
    text = (f"version: 1\njobs:\n  - name: app\n    language: {lang}\n"
            f"    source: {{url: 'https://git.example.com/a/app.git', branch: dev}}\n{extra}")
    return load_spec_text(text).jobs[0]


def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "r": "\r"}.get(m.group(1), m.group(1)), s)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_language_defaults_are_read_at_run_time(lang: str, tmp_path: Path) -> None:
    plan = make_plan(_job(lang), tree=tmp_path)  # type: ignore[arg-type]
    defaults = language_defaults(lang)
    assert [(s.name, s.run) for s in plan.stages] == [(s.name, s.run) for s in defaults.stages]
    assert [[s.name for s in w] for w in plan.waves] == \
        [[s.name for s in w] for w in stage_waves(list(defaults.stages))]
    assert plan.tool_version == defaults.version
    # the image of the toolchain version, the one the agent templates of its label use
    assert plan.image == f"jenkinsbridge/agent-{lang}:{defaults.version}"
    versioned = make_plan(_job(lang).model_copy(update={"version": "7.7"}), tree=tmp_path)  # type: ignore[attr-defined]
    assert versioned.image == f"jenkinsbridge/agent-{lang}:7.7"
    assert versioned.environment["NODE_LABELS"] == f"{defaults.label} {version_label(lang, '7.7')}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_same_commands_in_the_same_order_as_the_rendered_jenkinsfile(lang: str) -> None:
    spec = load_spec_text((SAMPLES / lang / "jenkinsbridge.yaml").read_text(), "sample.yaml")
    job = spec.jobs[0]
    plan = make_plan(job, tree=SAMPLES / lang)
    steps = [(_unescape(a), _unescape(block or line))
             for a, block, line in SH_STEP.findall(render_job(job).jenkinsfile)]
    assert [(s.name, s.run) for s in plan.stages] == steps


def test_environment_as_in_jenkins(tmp_path: Path) -> None:
    job = _job("go", "    folder: team\n    version: '1.19'\n    environment: {A: '1', BUILD_NUMBER: '7'}\n")
    plan = make_plan(job, tree=tmp_path, build_number="3")  # type: ignore[arg-type]
    env = plan.environment
    assert env["JOB_NAME"] == "team/app" and env["JOB_BASE_NAME"] == "app"
    assert env["WORKSPACE"] == "/home/jenkins/agent/workspace/team/app" == plan.workspace
    assert env["BRANCH_NAME"] == "dev" and env["GIT_BRANCH"] == "origin/dev"
    assert env["JB_LANGUAGE"] == "go" and env["JB_TOOL_VERSION"] == "1.19"
    assert env["A"] == "1"
    assert env["BUILD_NUMBER"] == "7"  # the spec's environment wins, as in the Jenkinsfile
    assert env["BUILD_URL"].endswith("/team/app/3/")
    assert "GIT_COMMIT" not in env  # not a git checkout


def test_image_precedence() -> None:
    job = _job("node", "    agent: {image: 'reg.example.com/node-agent:2'}\n")
    assert agent_image(job, {}) == "reg.example.com/node-agent:2"  # type: ignore[arg-type]
    assert agent_image(job, {"*": "any:1"}) == "any:1"  # type: ignore[arg-type]
    assert agent_image(job, {"*": "any:1", "node": "mine:3"}) == "mine:3"  # type: ignore[arg-type]
    assert agent_image(job, {"go": "go:1"}) == "reg.example.com/node-agent:2"  # type: ignore[arg-type]


def test_image_override_parsing() -> None:
    assert parse_image_overrides(["go=a/b:1", "c:2"]) == {"go": "a/b:1", "*": "c:2"}
    with pytest.raises(UsageError, match="unknown language 'rust'"):
        parse_image_overrides(["rust=a:1"])
    with pytest.raises(UsageError, match="is not an image reference"):
        parse_image_overrides(["go=Not An Image"])


def test_chosen_stages_run_alone(tmp_path: Path) -> None:
    plan = make_plan(_job("python"), tree=tmp_path, stages=["test"])  # type: ignore[arg-type]
    assert [[s.name for s in w] for w in plan.waves] == [["test"]]
    plan = make_plan(_job("python"), tree=tmp_path, stages=["install", "test"])  # type: ignore[arg-type]
    assert [[s.name for s in w] for w in plan.waves] == [["install"], ["test"]]
    with pytest.raises(UsageError, match="no such stage; stages are: install, lint, test"):
        make_plan(_job("python"), tree=tmp_path, stages=["deploy"])  # type: ignore[arg-type]


def test_tree_must_exist(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is not a directory"):
        make_plan(_job(), tree=tmp_path / "nope")  # type: ignore[arg-type]


def test_workspace_path_keeps_shell_and_path_safe() -> None:
    job = _job("python", "    folder: 'a b/c'\n")
    assert workspace_path(job) == "/home/jenkins/agent/workspace/a_b/c/app"  # type: ignore[arg-type]
