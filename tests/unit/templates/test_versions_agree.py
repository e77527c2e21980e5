"""`version: "21"` means JDK 21 everywhere: the Jenkinsfile's label, the example agent
template of that label, the agent image that template runs (the tag the agents build
script gives the version), and the image `jenkinsbridge run` picks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jenkinsbridge.casc.agents import load_agents
from jenkinsbridge.render import render_job
from jenkinsbridge.runner.plan import agent_image
from jenkinsbridge.spec import load_spec_text
from jenkinsbridge.spec.labels import parse_label_expression

ROOT = Path(__file__).resolve().parents[3]
AGENTS = ROOT / "jenkins-docker" / "agents"

SPEC = """\
version: 1
jobs:
  - name: app
    language: {language}
    version: "{version}"
    source: {{url: "https://git.example.com/a/app.git"}}
"""


@pytest.mark.parametrize(("language", "version", "label"), [
    ("java-maven", "21", "java-maven && jdk-21"),
    ("python", "3.13", "python && python-3.13"),
    ("node", "24", "node && node-24"),
])
def test_jenkinsfile_template_image_and_run_agree(language: str, version: str, label: str) -> None:
    (job,) = load_spec_text(SPEC.format(language=language, version=version)).jobs
    assert f"agent {{ label '{label}' }}" in render_job(job).jenkinsfile
    templates = load_agents(ROOT / "jenkins-docker" / "controller" / "agents.yaml").templates
    expr = parse_label_expression(label)
    (template,) = [t for t in templates if expr.matches(set(t.label.split()))]
    assert template.image == f"jenkinsbridge/agent-{language}:{version}"
    assert agent_image(job, {}) == template.image
    # the agents build script tags PREFIX/agent-LANG:<TOOL_VERSION>, whose default is the Dockerfile's
    dockerfile = (AGENTS / language / "Dockerfile").read_text()
    assert re.search(rf"^ARG TOOL_VERSION={re.escape(version)}$", dockerfile, re.M)
    build = (AGENTS / "build").read_text()
    assert 'image="$PREFIX/agent-$lang:${TAG:-$version}"' in build


def test_agent_dockerfiles_start_from_the_official_toolchain_image() -> None:
    for lang in ("java-maven", "java-gradle", "node", "php", "python", "go", "cpp", "tools"):
        text = (AGENTS / lang / "Dockerfile").read_text()
        assert re.search(r"^ARG TOOLCHAIN_IMAGE=\S*\$\{TOOL_VERSION\}", text, re.M), lang
        assert "FROM ${TOOLCHAIN_IMAGE}" in text, lang
        assert (AGENTS / "airgap" / f"{lang}.Dockerfile").is_file(), lang
