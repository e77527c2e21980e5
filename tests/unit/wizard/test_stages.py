"""Stages offered per detected tool: the language defaults, fitted to pnpm, yarn,
poetry, uv, a missing Gradle wrapper, and a project in a subdirectory."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jenkinsbridge.render.languages import language_defaults
from jenkinsbridge.spec.models import Stage
from jenkinsbridge.wizard.detect import Candidate, detect
from jenkinsbridge.wizard.stages import default_artifacts, plan_stages, select_stages, stages_for_spec
from tests.support.wizard import FIXTURES


def _plan(name: str, path: str = "."):  # type: ignore[no-untyped-def]
    c = next(c for c in detect(FIXTURES / name).candidates if c.path == path)
    return c, plan_stages(c.language, c)


def _runs(plan) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(s["run"] for s in plan.stages)


@pytest.mark.parametrize(("name", "install", "absent"), [
    ("node-npm", "npm ci", "npm install"),
    ("node-nolock", "npm install", "npm ci"),
    ("node-pnpm", "pnpm install --frozen-lockfile", "npm "),
    ("node-yarn", "yarn install --frozen-lockfile", "npm "),
    ("node-yarn-berry", "yarn install --immutable", "npm "),
    ("python-poetry", "poetry install --no-interaction", ".venv/bin/"),
    ("python-uv", "uv sync --frozen", ".venv/bin/"),
])
def test_install_command_fits_the_tool(name: str, install: str, absent: str) -> None:
    _, plan = _plan(name)
    runs = _runs(plan)
    assert install in runs
    # (a test reporter the project lacks is added without touching package.json or the lockfile)
    runs = re.sub(r"(?m)^npm install --no-save .*$", "", runs)
    assert not re.search(rf"(^|\s){re.escape(absent)}", runs, re.M)
    for s in plan.stages:  # every offered stage is a valid spec stage
        Stage.model_validate(s)


def test_python_tools_run_through_the_manager() -> None:
    _, poetry = _plan("python-poetry")
    _, uv = _plan("python-uv")
    assert "poetry run pytest" in _runs(poetry) and "poetry run ruff" in _runs(poetry)
    assert "uv run pytest" in _runs(uv)


def test_pip_without_requirements_installs_the_project() -> None:
    _, plan = _plan("python-pyproject")
    assert "-e '.[test]'" in _runs(plan) and "requirements.txt" not in _runs(plan)
    assert "lint" in plan.off  # the project does not use ruff
    assert any("ruff" in n for n in plan.notes)


def test_defaults_that_fit_are_left_to_the_language() -> None:
    _, plan = _plan("python-pip")
    keep = [s["name"] for s in plan.stages]
    assert stages_for_spec("python", select_stages(plan.stages, keep)) is None
    # dropping a stage makes the list custom, and needs on it disappear
    picked = select_stages(plan.stages, ["lint", "test"])
    assert all("needs" not in s for s in picked)
    assert stages_for_spec("python", picked) == picked


def test_scripts_package_json_lacks_are_dropped() -> None:
    _, plan = _plan("node-yarn")  # no lint script: the lint stage runs the project's ESLint, if any
    assert "run lint" not in _runs(plan) and "node_modules/.bin/eslint --format json" in _runs(plan)
    _, berry = _plan("node-yarn-berry")
    assert "node_modules/.bin/eslint --format json" in _runs(berry)


def test_missing_test_script_is_offered_but_off() -> None:
    c = Candidate(".", "node", "npm", None, ("package.json",), facts={"lock": "package-lock.json",
                                                                    "scripts": ["build"]})
    plan = plan_stages("node", c)
    assert "test" in plan.off and "test" in [s["name"] for s in plan.stages]


def test_gradle_without_wrapper() -> None:
    _, plan = _plan("java-gradle-groovy")
    assert "./gradlew" not in _runs(plan) and re.search(r"(^|\s)gradle\s", _runs(plan))
    _, kts = _plan("java-gradle-kts")
    assert kts.stages == [s.model_dump(exclude_defaults=True)
                          for s in language_defaults("java-gradle").stages]


def test_gradle_wrapper_without_its_jar_uses_the_agents_gradle(tmp_path: Path) -> None:
    # gradlew cannot run without gradle/wrapper/gradle-wrapper.jar (source releases strip it)
    (tmp_path / "build.gradle").write_text("apply plugin: 'java'\n")
    (tmp_path / "gradlew").write_text("#!/bin/sh\n")
    (tmp_path / "gradle" / "wrapper").mkdir(parents=True)
    (tmp_path / "gradle" / "wrapper" / "gradle-wrapper.properties").write_text("distributionUrl=x\n")
    c = next(c for c in detect(tmp_path).candidates if c.language == "java-gradle")
    assert not c.facts["wrapper"] and any("gradle-wrapper.jar" in r for r in c.reasons)
    assert "./gradlew" not in _runs(plan_stages(c.language, c))
    (tmp_path / "gradle" / "wrapper" / "gradle-wrapper.jar").write_bytes(b"PK")
    c = next(c for c in detect(tmp_path).candidates if c.language == "java-gradle")
    assert c.facts["wrapper"] and "./gradlew" in _runs(plan_stages(c.language, c))


def test_subdirectory_project_changes_directory() -> None:
    _, plan = _plan("monorepo", "services/web")
    for s in plan.stages:
        assert s["run"].startswith("cd services/web\n")
        if "junit" in s:
            assert s["junit"].startswith("services/web/")


def test_other_language_candidate_is_ignored() -> None:
    c, _ = _plan("node-pnpm")
    plan = plan_stages("python", c)  # --language python over a node project
    assert plan.notes == [] and "pnpm" not in _runs(plan)


def test_project_without_ruff_keeps_its_install_stage() -> None:
    """requirements.txt with flask and pytest, no ruff: only the lint stage goes; the
    install stage stays (without ruff) so pytest exists when the test stage runs it."""
    _, plan = _plan("python-requirements")
    on = [s for s in plan.stages if s["name"] not in plan.off]
    assert [s["name"] for s in on] == ["install", "test"]
    install = on[0]["run"]
    assert "-r requirements.txt" in install and ".venv/bin/pip install -q pytest" in install
    assert not re.search(r"\bruff\b", install)
    assert "lint" in plan.off
    assert on[1].get("needs") == ["install"]


def test_installable_project_with_requirements_installs_both(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "requirements.txt").write_text("requests\n")
    (tmp_path / "requirements-dev.txt").write_text("pytest\n")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\n')
    c = next(c for c in detect(tmp_path).candidates)
    runs = _runs(plan_stages("python", c))
    assert "-r requirements.txt -r requirements-dev.txt; fi" in runs
    assert ".venv/bin/pip install -q -e ." in runs


@pytest.mark.parametrize(("name", "runner", "line"), [
    ("node-npm", "jest", "JEST_JUNIT_OUTPUT_DIR=reports c8 --reporter=text --reporter=cobertura "
     "--report-dir=reports/coverage npm test -- --ci --reporters=default --reporters=jest-junit"),
    ("node-pnpm", "vitest", "c8 --reporter=text --reporter=cobertura --report-dir=reports/coverage "
     "pnpm test --reporter=default --reporter=junit --outputFile.junit=reports/junit.xml"),
])
def test_node_test_runner_gets_its_reporter_flags(name: str, runner: str, line: str) -> None:
    c, plan = _plan(name)
    assert c.facts["test_runner"] == runner
    (test,) = [s for s in plan.stages if s["name"] == "test"]
    assert line in test["run"].splitlines()
    assert test["junit"] == "reports/*.xml"
    if runner == "jest":  # jest-junit is not among the project's packages: added for the build only
        assert "npm install --no-save --no-audit --no-fund jest-junit" in test["run"].splitlines()


def test_maven_wrapper_is_used(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pom.xml").write_text("<project><modelVersion>4.0.0</modelVersion></project>")
    (tmp_path / "mvnw").write_text("#!/bin/sh\n")
    c = detect(tmp_path).candidates[0]
    runs = _runs(plan_stages("java-maven", c))
    assert runs.startswith("./mvnw -B -ntp") and " verify " in runs and not re.search(r"(^|\s)mvn\b", runs)


def test_go_library_builds_without_binaries(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """google/uuid 1.3.0 has no main package: `go build -o bin/ ./...` fails there with
    "no main packages to build", so the wizard compiles every package instead."""
    (tmp_path / "go.mod").write_text("module example.com/lib\n\ngo 1.21\n")
    (tmp_path / "lib.go").write_text("package lib\n")
    (tmp_path / "cmd_test.go").write_text("package main\n")  # a test file is no command
    (tmp_path / "testdata").mkdir()
    (tmp_path / "testdata" / "x.go").write_text("package main\n")
    (c,) = detect(tmp_path).candidates
    plan = plan_stages("go", c)
    build = next(s for s in plan.stages if s["name"] == "build")
    assert build["run"] == "CGO_ENABLED=0 go build -trimpath ./..."
    assert any("no package main" in n for n in plan.notes)
    assert default_artifacts("go", c) is None
    (tmp_path / "cmd").mkdir()
    (tmp_path / "cmd" / "main.go").write_text("// a command\npackage main\n")
    (c,) = detect(tmp_path).candidates
    plan = plan_stages("go", c)
    assert next(s for s in plan.stages if s["name"] == "build")["run"].endswith("-o bin/ ./...")
    assert default_artifacts("go", c) == "bin/*"


def test_compound_test_script_gets_the_reporter_flags_where_the_runner_is(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """commander 9.4.1: "test": "jest && npm run test-typings". `npm test -- --reporters=...`
    hands the flags to the last command (tsd), so jest wrote no JUnit report."""
    import json

    pkg = {"name": "x", "scripts": {"test": "jest && npm run test-typings", "pretest": "echo pre"},
           "devDependencies": {"jest": "^28", "jest-junit": "^14"}}
    (tmp_path / "package.json").write_text(json.dumps(pkg))
    (tmp_path / "package-lock.json").write_text("{}")
    (c,) = detect(tmp_path).candidates
    test = next(s for s in plan_stages("node", c).stages if s["name"] == "test")
    lines = test["run"].splitlines()
    assert "npm run pretest" in lines
    (exec_line,) = [ln for ln in lines if "npm exec -c" in ln]
    assert exec_line.endswith("npm exec -c 'jest --ci --reporters=default --reporters=jest-junit "
                              "&& npm run test-typings'")
    assert "npm test" not in test["run"]
    pkg["scripts"] = {"test": "jest --coverage"}  # one command: flags after -- reach it
    (tmp_path / "package.json").write_text(json.dumps(pkg))
    (c,) = detect(tmp_path).candidates
    test = next(s for s in plan_stages("node", c).stages if s["name"] == "test")
    assert "npm test -- --ci --reporters=default --reporters=jest-junit" in test["run"]


def test_poetry_project_without_pytest_cov_runs_pytest_without_coverage() -> None:
    c, plan = _plan("python-poetry")
    assert not c.facts["pytest_cov"]
    test = next(s for s in plan.stages if s["name"] == "test")
    assert "poetry run pytest" in test["run"] and "--cov" not in test["run"] and "coverage" not in test
    assert any("pytest-cov" in n for n in plan.notes)
    with_cov = Candidate(".", "python", "poetry", None, ("pyproject.toml",), facts={**c.facts, "pytest_cov": True})
    test = next(s for s in plan_stages("python", with_cov).stages if s["name"] == "test")
    assert "--cov-report=xml:reports/coverage.xml" in test["run"] and test["coverage"]["format"] == "cobertura"


def test_reports_of_a_project_in_a_subdirectory_are_under_it() -> None:
    c = Candidate("services/api", "go", "go", None, ("go.mod",))
    stages = {s["name"]: s for s in plan_stages("go", c).stages}
    assert stages["lint"]["issues"]["report"] == "services/api/reports/go-lint.txt"
    assert stages["test"]["coverage"]["report"] == "services/api/reports/coverage.out"
    assert stages["test"]["junit"] == "services/api/reports/junit.xml"
