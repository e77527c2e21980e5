"""The stages the wizard offers: the language's defaults (read from
job_templates/languages/<lang>/defaults.yaml at run time), adjusted to the detected
build tool (pnpm, yarn, poetry, uv, no Gradle wrapper...) and to a project living in a
subdirectory. Stages are plain dicts in spec form."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from jenkinsbridge.render.languages import language_defaults

from .detect import Candidate

__all__ = ["StagePlan", "default_artifacts", "plan_stages", "select_stages", "stages_for_spec"]

StageDict = dict[str, Any]


@dataclass
class StagePlan:
    stages: list[StageDict]
    off: set[str] = field(default_factory=set)  # offered, but not selected by default
    notes: list[str] = field(default_factory=list)


def _spec_form(language: str) -> list[StageDict]:
    return [s.model_dump(exclude_defaults=True) for s in language_defaults(language).stages]


def _is_install(stage: StageDict, pattern: str) -> bool:
    return stage["name"] == "install" or bool(re.search(pattern, stage["run"], re.M))


# --- Node --------------------------------------------------------------------------------
_NODE_INSTALL = {
    ("npm", True): "npm ci", ("npm", False): "npm install",
    ("pnpm", True): "pnpm install --frozen-lockfile", ("pnpm", False): "pnpm install",
    ("yarn-classic", True): "yarn install --frozen-lockfile", ("yarn-classic", False): "yarn install",
    ("yarn-berry", True): "yarn install --immutable", ("yarn-berry", False): "yarn install",
}


def _node(plan: StagePlan, c: Candidate) -> None:
    tool = c.tool if c.tool != "yarn" else ("yarn-berry" if c.facts.get("berry") else "yarn-classic")
    install = _NODE_INSTALL[(tool, bool(c.facts.get("lock")))]
    known = c.facts.get("scripts") is not None
    scripts: list[str] = list(c.facts.get("scripts") or [])
    runner = {"npm": "npm", "pnpm": "pnpm", "yarn-classic": "yarn", "yarn-berry": "yarn"}[tool]

    def line(text: str) -> str | None:
        if re.match(r"^\s*npm (ci|install)\b", text):
            return install
        m = re.match(r"^(\s*)npm run (\S+)( --if-present)?(.*)$", text)
        if m:
            indent, script, _, rest = m.groups()
            if known and script not in scripts:
                return None  # package.json has no such script
            return f"{indent}{runner} run {script}{rest}"
        if runner != "npm":  # `npm test`, maybe after VAR=value assignments
            text = re.sub(r"^(\s*(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*(?:c8(?: --\S+)*\s+)?)npm test\b",
                          rf"\1{runner} test", text)
            text = re.sub(r"^(\s*)npx ", r"\1pnpm exec " if runner == "pnpm" else r"\1yarn exec ", text)
        return text

    _rewrite(plan, line)
    _node_reporter(plan, c, runner)
    if runner != "npm" or not c.facts.get("lock"):
        plan.notes.append(f"{runner} project: install with `{install}`")
    for s in plan.stages:
        if re.search(r"\b(npm|pnpm|yarn) test\b", s["run"]) and known and "test" not in scripts:
            plan.off.add(s["name"])
            plan.notes.append(f"package.json has no test script: stage {s['name']!r} is off by default")


# The defaults' test line sets the output variables of jest-junit and mocha-junit-reporter;
# a known test runner gets the flags that make it write reports/junit.xml itself.
_DEFAULT_TEST = re.compile(
    r"^(\s*)JEST_JUNIT_OUTPUT_DIR=reports MOCHA_FILE=reports/junit\.xml (c8(?: --\S+)* )?(npm|pnpm|yarn) test$")
_REPORTER_FLAGS = {
    "vitest": (None, "--reporter=default --reporter=junit --outputFile.junit=reports/junit.xml"),
    "jest": ("jest-junit", "--ci --reporters=default --reporters=jest-junit"),
    "mocha": ("mocha-junit-reporter", "--reporter mocha-junit-reporter --reporter-options mochaFile=reports/junit.xml"),
    "node": (None, "--test-reporter=spec --test-reporter-destination=stdout --test-reporter=junit "
                   "--test-reporter-destination=reports/junit.xml"),
}


# Where a runner's reporter flags go inside a test script (after its command word, and
# after vitest's `run`).
_RUNNER_WORD = {"vitest": r"\bvitest(?: run)?\b", "jest": r"\bjest\b", "mocha": r"\bmocha\b",
                "node": r"\bnode\b(?=.*--test\b)"}


def _flagged_script(script: str, test_runner: str, flags: str) -> str | None:
    """A compound test script (`jest && npm run test-typings`) with the reporter flags
    after the runner's command: appended to `npm test -- ...` they would reach only the
    last command. None when the script is one command (flags after `--` reach it)."""
    if not re.search(r"&&|\|\||;|\|", script):
        return None
    m = re.search(_RUNNER_WORD[test_runner], script)
    if m is None:
        return None
    return f"{script[:m.end()]} {flags}{script[m.end():]}"


def _node_reporter(plan: StagePlan, c: Candidate, runner: str) -> None:
    test_runner = c.facts.get("test_runner")
    if test_runner not in _REPORTER_FLAGS:
        return
    package, flags = _REPORTER_FLAGS[test_runner]
    dev = set(c.facts.get("dev") or [])

    def line(text: str) -> str:
        m = _DEFAULT_TEST.match(text)
        if not m:
            return text
        indent = m.group(1)
        sep = "-- " if runner == "npm" else ""  # npm passes arguments after --; pnpm and yarn pass them as is
        env = "JEST_JUNIT_OUTPUT_DIR=reports " if test_runner == "jest" else ""
        out = f"{indent}{env}{m.group(2) or ''}{runner} test {sep}{flags}"
        script = str(c.facts.get("test_script") or "")
        compound = _flagged_script(script, test_runner, flags) if runner == "npm" else None
        if compound is not None:  # npm exec -c: the script's commands with node_modules/.bin on PATH
            hooks = set(c.facts.get("scripts") or [])  # npm test would run pretest and posttest
            out = "\n".join([*([f"{indent}npm run pretest"] if "pretest" in hooks else []),
                              f"{indent}{env}{m.group(2) or ''}npm exec -c {shlex.quote(compound)}",
                              *([f"{indent}npm run posttest"] if "posttest" in hooks else [])])
            plan.notes.append(f"the test script runs several commands: the reporter flags go to {test_runner} "
                              f"in it (npm exec -c)")
        if package and package not in dev:
            if runner != "npm":
                plan.notes.append(f"add {package} to devDependencies for a JUnit report of the {test_runner} tests")
                return text
            out = f"{indent}npm install --no-save --no-audit --no-fund {package}\n{out}"
        plan.notes.append(f"{test_runner} tests write reports/junit.xml ({flags.split()[-1]})")
        return out

    _rewrite(plan, line)


# --- Python ---------------------------------------------------------------------------------
def _python(plan: StagePlan, c: Candidate) -> None:
    f = c.facts
    if c.tool in ("poetry", "uv"):
        runner = f"{c.tool} run "
        install = "poetry install --no-interaction" if c.tool == "poetry" else "uv sync --frozen"
        if not f.get("lock"):
            install = install.replace(" --frozen", "")

        installed: list[str] = []

        def line(text: str) -> str | None:
            if re.match(r"^\s*python3? -m venv\b", text):
                return None
            if re.search(r"\bpip3? install\b", text):  # the tool installs everything, once
                if installed:
                    return None
                installed.append(text)
                return install
            return re.sub(r"(?:\.venv/bin/|\bpython3? -m )", runner, text)

        _rewrite(plan, line)
        plan.notes.append(f"install with `{install}`, run tools with `{runner.strip()}`")
        if not f.get("pytest_cov"):  # the tool installs the project's dependencies only
            _without_coverage(plan)
            plan.notes.append("pytest-cov is not among the project's dependencies: no coverage report")
    elif not f.get("requirements") and f.get("installable"):
        target = f".[{f['extra']}]" if f.get("extra") else "."
        args = f"-e {shlex.quote(target)}"
        def no_requirements(t: str) -> str:
            guarded = re.match(r"^(\s*)if \[ -f requirements\.txt \]; then (.*); fi$", t)
            if guarded:  # the file is known to be absent: install the project instead
                t = guarded.group(1) + guarded.group(2)
            return t.replace("-r requirements.txt", args)

        _rewrite(plan, no_requirements)
        plan.notes.append(f"no requirements.txt: install the project itself (pip install {args})")
    if f.get("dev_requirements"):
        extra = f" -r {f['dev_requirements']}"
        _rewrite(plan, lambda t: re.sub(r"(; fi)?$", lambda m: extra + (m.group(1) or ""), t, count=1)
                 if re.search(r"pip3? install .*-r ", t) else t)
    if f.get("requirements") and f.get("installable") and c.tool == "pip":
        target = f".[{f['extra']}]" if f.get("extra") else "."
        _rewrite(plan, lambda t: t + f"\n.venv/bin/pip install -q -e {shlex.quote(target)}"
                 if re.search(r"pip3? install .*-r requirements\.txt", t) else t)
    if not f.get("ruff"):
        _rewrite(plan, _without_ruff_install)
        for s in plan.stages:
            if re.search(r"\bruff\b", s["run"]):
                plan.off.add(s["name"])
                plan.notes.append(f"ruff is not among the project's tools: stage {s['name']!r} is off by default")


def _without_coverage(plan: StagePlan) -> None:
    """pytest without the pytest-cov options, and no coverage report to publish."""
    _rewrite(plan, lambda t: re.sub(r" --cov(?:-report)?(?:=\S+)?", "", t) if "pytest" in t else t)
    plan.stages = [{k: v for k, v in s.items() if k != "coverage"} for s in plan.stages]


def _without_ruff_install(text: str) -> str | None:
    """An install line without ruff (the lint stage that runs it is dropped, not the install)."""
    m = re.match(r"^(\s*\S*pip3? install)((?:\s+\S+)+)\s*$", text)
    if not m or not re.search(r"(^|\s)ruff(\s|$)", m.group(2)):
        return text
    rest = [w for w in m.group(2).split() if w != "ruff"]
    return None if all(w.startswith("-") for w in rest) else m.group(1) + " " + " ".join(rest)


# --- Java, PHP -----------------------------------------------------------------------------
def _gradle(plan: StagePlan, c: Candidate) -> None:
    if not c.facts.get("wrapper"):
        _rewrite(plan, lambda t: re.sub(r"(^|\s)\./gradlew\b", r"\1gradle", t))
        plan.notes.append("no Gradle wrapper: stages call the agent's gradle")


def _maven(plan: StagePlan, c: Candidate) -> None:
    if c.facts.get("wrapper"):
        _rewrite(plan, lambda t: re.sub(r"(^|\s)mvn\b", r"\1./mvnw", t))
        plan.notes.append("Maven wrapper: stages call ./mvnw (the Maven version the project pins)")


def _php(plan: StagePlan, c: Candidate) -> None:
    if not c.facts.get("phpunit"):
        for s in plan.stages:
            if "phpunit" in s["run"]:
                plan.off.add(s["name"])
                plan.notes.append(f"composer.json has no phpunit/phpunit in require-dev: stage "
                                  f"{s['name']!r} is off by default")


# --- Go --------------------------------------------------------------------------------------
def _go(plan: StagePlan, c: Candidate) -> None:
    if c.facts.get("commands") is False:  # `go build -o bin/ ./...` fails: "no main packages to build"
        _rewrite(plan, lambda t: re.sub(r"\s-o\s+bin/(?=\s)", "", t))
        plan.notes.append("no package main (a library): the build stage compiles every package, no binaries")


_ADJUST: dict[str, Callable[[StagePlan, Candidate], None]] = {
    "node": _node, "python": _python, "java-gradle": _gradle, "java-maven": _maven, "php": _php, "go": _go,
}


def _rewrite(plan: StagePlan, line: Callable[[str], str | None]) -> None:
    kept = []
    for s in plan.stages:
        lines = [out for text in s["run"].splitlines() if (out := line(text)) is not None]
        if not any(x.strip() for x in lines):
            plan.notes.append(f"stage {s['name']!r} does not apply to this project")
            continue
        trailing = "\n" if s["run"].endswith("\n") and len(lines) > 1 else ""
        kept.append({**s, "run": "\n".join(lines) + trailing})
    plan.stages = _prune_needs(kept)


def _in_dir(plan: StagePlan, path: str) -> None:
    for s in plan.stages:
        body = s["run"] if s["run"].endswith("\n") else s["run"] + "\n"
        s["run"] = f"cd {shlex.quote(path)}\n{body}"
        for key in ("junit", "archive"):
            if s.get(key):
                s[key] = f"{path}/{s[key]}"
        for key in ("issues", "coverage"):  # report globs are workspace-relative too
            if s.get(key) and s[key].get("report"):
                s[key] = {**s[key], "report": f"{path}/{s[key]['report']}"}
    plan.notes.append(f"the project lives in {path}/: every stage starts with `cd {path}`")


def plan_stages(language: str, candidate: Candidate | None) -> StagePlan:
    """The default stages of ``language``, fitted to ``candidate`` when it is of that language."""
    plan = StagePlan(_spec_form(language))
    if candidate is not None and candidate.language == language:
        adjust = _ADJUST.get(language)
        if adjust:
            adjust(plan, candidate)
        if candidate.path != ".":
            _in_dir(plan, candidate.path)
    return plan


def default_artifacts(language: str, candidate: Candidate | None) -> str | None:
    art = language_defaults(language).artifacts
    if language == "go" and candidate is not None and candidate.facts.get("commands") is False:
        return None  # a library builds no binaries
    if art and candidate is not None and candidate.language == language and candidate.path != ".":
        return f"{candidate.path}/{art}"
    return art


def _prune_needs(stages: list[StageDict]) -> list[StageDict]:
    names = {s["name"] for s in stages}
    out = []
    for s in stages:
        needs = [n for n in s.get("needs", []) if n in names]
        t = {k: val for k, val in s.items() if k != "needs"}
        if needs:
            t["needs"] = needs
        out.append(t)
    return out


def select_stages(stages: Sequence[StageDict], keep: Sequence[str]) -> list[StageDict]:
    """The stages named in ``keep`` (in their order), with `needs` on dropped ones removed."""
    wanted = set(keep)
    return _prune_needs([dict(s) for s in stages if s["name"] in wanted])


def stages_for_spec(language: str, stages: list[StageDict]) -> list[StageDict] | None:
    """None when the stages are the language's defaults (the spec then leaves them out)."""
    return None if stages == _prune_needs(_spec_form(language)) else stages
