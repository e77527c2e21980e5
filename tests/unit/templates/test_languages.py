"""Each language's defaults and default Dockerfile."""

import re

import pytest

from jenkinsbridge.render.environment import templates_dir
from jenkinsbridge.render.languages import language_defaults
from jenkinsbridge.spec.graph import stage_graph_problems
from jenkinsbridge.spec.models import LANGUAGES


@pytest.mark.parametrize("lang", LANGUAGES)
def test_defaults(lang: str) -> None:
    d = language_defaults(lang)
    assert d.label and d.version and d.extra["tools"]
    assert stage_graph_problems(d.stages) == []
    assert any(s.junit for s in d.stages), "some stage publishes JUnit results"
    assert any(s.coverage for s in d.stages), "some stage publishes coverage"
    assert any(s.issues for s in d.stages), "some stage publishes lint issues"


# the linter of each language's defaults and what keeps its findings from failing the stage
LINTERS = {"python": ("ruff check", "--exit-zero"), "node": ("eslint", "|| true"),
           "php": ("phpstan", "|| true"), "go": ("golangci-lint run", "--issues-exit-code=0"),
           "cpp": ("clang-tidy", "|| true"), "java-maven": ("showWarnings=true", ""),
           "java-gradle": ("-Xlint:all", "")}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_lint_findings_never_fail_the_stage(lang: str) -> None:
    linter, tolerant = LINTERS[lang]
    lint = [s for s in language_defaults(lang).stages if s.issues]
    assert lint and linter in lint[0].run and tolerant in lint[0].run


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dockerfile_is_multistage_pinned_and_unprivileged(lang: str) -> None:
    text = (templates_dir() / "languages" / lang / "Dockerfile").read_text()
    assert re.search(r"^ARG BASE_IMAGE=\S+:\S+", text, re.M), "pinned default base"
    froms = re.findall(r"^FROM (\S+)", text, re.M)
    assert len(froms) >= 2 and froms[-1] == "${BASE_IMAGE}"
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1] not in ("root", "0", "0:0")


@pytest.mark.parametrize(("lang", "needle"), [
    ("java-maven", "prepare-agent verify"), ("java-gradle", "./gradlew"), ("node", "npm ci"),
    ("php", "--log-junit"), ("python", "--junitxml="), ("go", "--junitfile"), ("cpp", "--output-junit"),
])
def test_expert_commands(lang: str, needle: str) -> None:
    assert any(needle in s.run for s in language_defaults(lang).stages)
