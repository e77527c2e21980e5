"""Detect what a project is: its language and build tool, the toolchain version its
files state, a Dockerfile, and its git remote. Every finding carries its reasons (which
file said what), so the wizard can explain itself. A monorepo gives several candidates."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import versions as v
from .gitinfo import GitInfo, git_info

__all__ = ["Candidate", "Detection", "detect", "detect_dir"]

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "vendor", ".venv", "venv", "env", "build", "target",
    "dist", "out", "bin", "obj", "__pycache__", ".gradle", ".idea", ".vscode", ".tox", ".mypy_cache",
    ".pytest_cache", "site-packages", "third_party", "testdata",
})
MAX_DEPTH = 2  # subdirectories searched below the root
_DOCKERFILES = ("Dockerfile", "Containerfile")


@dataclass(frozen=True)
class Candidate:
    """One buildable project: a directory (relative to the root), language and tool."""

    path: str
    language: str
    tool: str
    version: str | None
    reasons: tuple[str, ...]
    dockerfile: str | None = None
    port: int | None = None
    facts: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    covers_subdirs: bool = field(default=False, compare=False)

    def title(self) -> str:
        where = "the root" if self.path == "." else self.path
        ver = f" {self.version}" if self.version else ""
        return f"{where}: {self.language}{ver} ({self.tool})"


@dataclass(frozen=True)
class Detection:
    root: Path
    candidates: tuple[Candidate, ...]
    git: GitInfo

    def explain(self) -> list[str]:
        lines = []
        if not self.candidates:
            lines.append(f"No build files found in {self.root} (looked for pom.xml, build.gradle, "
                         "package.json, composer.json, pyproject.toml, requirements.txt, go.mod, "
                         "CMakeLists.txt)")
        for c in self.candidates:
            lines.append(f"Detected {c.title()}")
            lines.extend(f"  - {r}" for r in c.reasons)
        lines.extend(f"Git: {r}" for r in self.git.reasons)
        return lines


Detector = Callable[[Path], Candidate | None]


def _rel(root: Path, path: Path) -> str:
    rel = path.relative_to(root).as_posix()
    return rel or "."


def _maven(d: Path) -> Candidate | None:
    pom = d / "pom.xml"
    if not pom.is_file():
        return None
    version, why = v.pom_java(pom)
    modules = "<modules>" in (v.read_text(pom) or "")
    return Candidate(".", "java-maven", "maven", version, ("pom.xml: a Maven project", *why),
                     facts={"wrapper": (d / "mvnw").is_file()}, covers_subdirs=modules)


def _gradle(d: Path) -> Candidate | None:
    names = ("build.gradle.kts", "build.gradle", "settings.gradle.kts", "settings.gradle", "gradlew")
    found = [n for n in names if (d / n).is_file()]
    if not found:
        return None
    reasons = [f"{found[0]}: a Gradle project" + (" (Kotlin DSL)" if found[0].endswith(".kts") else "")]
    version = None
    for n in found:
        if n.startswith("build.gradle"):
            version, why = v.gradle_java(d / n)
            reasons += why
            break
    # gradlew runs gradle/wrapper/gradle-wrapper.jar and cannot fetch it: a source release
    # that strips the jar (as Debian's upstream tarballs do) builds with the agent's gradle
    script = (d / "gradlew").is_file()
    wrapper = script and (d / "gradle" / "wrapper" / "gradle-wrapper.jar").is_file()
    reasons.append("gradlew: the Gradle wrapper" if wrapper else
                   "gradlew without gradle/wrapper/gradle-wrapper.jar: the agent's gradle is used" if script else
                   "no gradlew: the agent's gradle is used")
    settings = any(n.startswith("settings.gradle") for n in found)
    return Candidate(".", "java-gradle", "gradle", version, tuple(reasons),
                     facts={"wrapper": wrapper, "kotlin_dsl": any(n.endswith(".kts") for n in found)},
                     covers_subdirs=settings)


_LOCKS = (("pnpm-lock.yaml", "pnpm"), ("yarn.lock", "yarn"), ("package-lock.json", "npm"),
          ("npm-shrinkwrap.json", "npm"))


def _node(d: Path) -> Candidate | None:
    if not (d / "package.json").is_file():
        return None
    pkg = v.read_json(d / "package.json")
    reasons = ["package.json: a Node.js project"]
    readable = pkg is not None
    if pkg is None:
        reasons.append("package.json could not be read as JSON; its fields are ignored")
        pkg = {}
    locks = [(name, tool) for name, tool in _LOCKS if (d / name).is_file()]
    tool, lock = "npm", None
    pm = pkg.get("packageManager")
    if isinstance(pm, str) and (m := re.match(r"(npm|pnpm|yarn)@(\d+)", pm)):
        tool = m.group(1)
        reasons.append(f"package.json: packageManager {pm!r}")
        lock = next((name for name, t in locks if t == tool), None)
    elif locks:
        lock, tool = locks[0]
        reasons.append(f"{lock}: installs with {tool}")
        if len(locks) > 1:
            reasons.append("several lockfiles: " + ", ".join(n for n, _ in locks) + f"; using {lock}")
    else:
        reasons.append("no lockfile: installs with npm install")
    berry = False
    if tool == "yarn":
        berry = (d / ".yarnrc.yml").is_file() or bool(
            isinstance(pm, str) and re.match(r"yarn@([2-9]|\d\d)", pm))
        reasons.append("Yarn 2+ (Berry)" if berry else "Yarn 1 (classic)")
    version, why = v.node_version(d, pkg)
    scripts = pkg.get("scripts") if isinstance(pkg.get("scripts"), dict) else {}
    workspaces = "workspaces" in pkg or (d / "pnpm-workspace.yaml").is_file()
    if workspaces:
        reasons.append("workspaces: the packages below build together")
    runner = _node_test_runner(pkg, scripts or {})
    if runner:
        reasons.append(f"tests run with {runner}")
    return Candidate(".", "node", tool, version, (*reasons, *why),
                     facts={"lock": lock, "berry": berry, "scripts": sorted(scripts or {}) if readable else None,
                            "test_runner": runner, "dev": sorted(_dev_packages(pkg)),
                            "test_script": str((scripts or {}).get("test") or "")},
                     covers_subdirs=workspaces)


def _php(d: Path) -> Candidate | None:
    if not (d / "composer.json").is_file():
        return None
    composer = v.read_json(d / "composer.json") or {}
    version, why = v.composer_php(composer)
    dev = composer.get("require-dev") if isinstance(composer.get("require-dev"), dict) else {}
    return Candidate(".", "php", "composer", version, ("composer.json: a PHP project", *why),
                     facts={"phpunit": "phpunit/phpunit" in (dev or {}),
                            "lock": (d / "composer.lock").is_file()})


def _dev_packages(pkg: dict[str, Any]) -> set[str]:
    deps: set[str] = set()
    for key in ("dependencies", "devDependencies"):
        if isinstance(pkg.get(key), dict):
            deps |= set(pkg[key])
    return deps


def _node_test_runner(pkg: dict[str, Any], scripts: dict[str, Any]) -> str | None:
    """vitest, jest, mocha or node (node --test), read from the test script, else from the
    dependencies; None when unknown."""
    test = str(scripts.get("test") or "")
    for runner, pattern in (("vitest", r"\bvitest\b"), ("jest", r"\bjest\b"), ("mocha", r"\bmocha\b"),
                            ("node", r"\bnode\b.*--test\b")):
        if re.search(pattern, test):
            return runner
    deps = _dev_packages(pkg)
    return next((r for r in ("vitest", "jest", "mocha") if r in deps), None) if test else None


_PY_MARKERS = ("pyproject.toml", "requirements.txt", "poetry.lock", "uv.lock", "setup.py",
               "setup.cfg", "Pipfile")


def _python(d: Path) -> Candidate | None:
    found = [n for n in _PY_MARKERS if (d / n).is_file()]
    if not found:
        return None
    pyproject = v.read_toml(d / "pyproject.toml") if "pyproject.toml" in found else None
    tool_table = (pyproject or {}).get("tool") or {}
    reasons = [f"{found[0]}: a Python project"]
    if "uv.lock" in found:
        tool = "uv"
        reasons.append("uv.lock: installs with uv")
    elif "poetry.lock" in found:
        tool = "poetry"
        reasons.append("poetry.lock: installs with Poetry")
    elif "poetry" in tool_table:
        tool = "poetry"
        reasons.append("pyproject.toml: [tool.poetry] section")
    elif "uv" in tool_table:
        tool = "uv"
        reasons.append("pyproject.toml: [tool.uv] section")
    else:
        tool = "pip"
        reasons.append("requirements.txt: installs with pip" if "requirements.txt" in found
                       else "no lockfile: installs with pip")
    version, why = v.python_version(d, pyproject)
    texts = [v.read_text(d / n) or "" for n in ("pyproject.toml", "requirements.txt",
                                                "requirements-dev.txt", "setup.cfg")]
    extras = ((pyproject or {}).get("project") or {}).get("optional-dependencies") or {}
    facts = {
        "requirements": "requirements.txt" in found,
        "dev_requirements": next((n for n in ("requirements-dev.txt", "requirements-test.txt")
                                  if (d / n).is_file()), None),
        "extra": next((e for e in ("test", "tests", "dev") if e in extras), None),
        "installable": "setup.py" in found or bool({"project", "build-system"} & set(pyproject or {})),
        "ruff": any("ruff" in t for t in texts),
        "pytest_cov": any("pytest-cov" in t or "pytest_cov" in t for t in texts),
        "lock": next((n for n in ("uv.lock", "poetry.lock") if n in found), None),
    }
    return Candidate(".", "python", tool, version, (*reasons, *why), facts=facts)


_GO_SCAN_LIMIT = 5000  # .go files looked at for a `package main`; beyond that, assume one


def _go_has_command(d: Path) -> bool:
    """Whether the module has a main package (a command `go build -o bin/` can write);
    vendor/, testdata/ and hidden or _-prefixed directories are not the module's code."""
    seen = 0
    for path in sorted(d.rglob("*.go")):
        rel = path.relative_to(d).parts
        if path.name.endswith("_test.go") or any(p in ("vendor", "testdata") or p[:1] in "._" for p in rel[:-1]):
            continue
        seen += 1
        if seen > _GO_SCAN_LIMIT:
            return True
        head = v.read_text(path)
        if head is not None and re.search(r"^package\s+main\b", head, re.M):
            return True
    return False


def _go(d: Path) -> Candidate | None:
    if not (d / "go.mod").is_file():
        return None
    version, why = v.go_version(d / "go.mod")
    commands = _go_has_command(d)
    reasons = ("go.mod: a Go module", *why,
               *(() if commands else ("no package main: a library, no binaries to build",)))
    return Candidate(".", "go", "go", version, reasons, facts={"commands": commands})


def _cpp(d: Path) -> Candidate | None:
    if not (d / "CMakeLists.txt").is_file():
        return None
    facts, why = v.cmake_facts(d / "CMakeLists.txt")
    return Candidate(".", "cpp", "cmake", None, ("CMakeLists.txt: a CMake project", *why), facts=facts)


# Order matters: in a directory with several build files, the first is the default.
DETECTORS: tuple[Detector, ...] = (_maven, _gradle, _go, _cpp, _php, _python, _node)


def _dockerfile(root: Path, d: Path) -> tuple[str | None, int | None, list[str]]:
    for base in (d, root):
        for name in _DOCKERFILES:
            f = base / name
            if f.is_file():
                rel = _rel(root, f)
                text = v.read_text(f) or ""
                m = re.search(r"^\s*EXPOSE\s+(\d+)", text, re.M | re.I)
                port = int(m.group(1)) if m else None
                why = [f"{rel}: builds the image"] + ([f"{rel}: EXPOSE {port}"] if port else [])
                return rel, port, why
    return None, None, []


def detect_dir(root: Path, d: Path) -> list[Candidate]:
    """Every candidate in one directory (not its subdirectories)."""
    out = []
    for detector in DETECTORS:
        c = detector(d)
        if c is None:
            continue
        dockerfile, port, why = _dockerfile(root, d)
        out.append(Candidate(_rel(root, d), c.language, c.tool, c.version, (*c.reasons, *why),
                             dockerfile, port, c.facts, c.covers_subdirs))
    return out


def _walk(root: Path, d: Path, depth: int, covered: set[str], out: list[Candidate]) -> None:
    found = detect_dir(root, d)
    out.extend(found)
    covered = covered | {c.language for c in found if c.covers_subdirs}
    if depth >= MAX_DEPTH:
        return
    try:
        subdirs = sorted(p for p in d.iterdir() if p.is_dir() and not p.is_symlink())
    except OSError:
        return
    for sub in subdirs:
        if sub.name in SKIP_DIRS or sub.name.startswith("."):
            continue
        before = len(out)
        _walk(root, sub, depth + 1, covered, out)
        out[before:] = [c for c in out[before:] if c.language not in covered]


def detect(root: Path) -> Detection:
    """Detect the candidates under ``root`` (root first) and its git remote."""
    root = root.resolve()
    candidates: list[Candidate] = []
    _walk(root, root, 0, set(), candidates)
    return Detection(root=root, candidates=tuple(candidates), git=git_info(root))
