"""Read toolchain versions where a project's files state them. Each reader returns
(version or None, reasons), a reason naming the file and what it said."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from .releases import current, newest_allowed, pep440

__all__ = [
    "MAX_READ",
    "cmake_facts",
    "composer_php",
    "go_version",
    "gradle_java",
    "node_version",
    "pom_java",
    "python_version",
    "read_json",
    "read_text",
    "read_toml",
]

MAX_READ = 512 * 1024  # a build file larger than this is not read

Found = tuple[str | None, list[str]]


def read_text(path: Path) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_READ:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def read_json(path: Path) -> dict[str, Any] | None:
    text = read_text(path)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def read_toml(path: Path) -> dict[str, Any] | None:
    text = read_text(path)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def _java(v: str) -> str:
    v = v.strip().strip("'\"")
    return v[2:] if v.startswith("1.") else v


# The oldest JDK still maintained (Temurin 8, with images of every toolchain); older
# source levels (Java 7 and before, which still appear in released builds) get it: no
# maintained JDK or official image of those exists, and javac 8 compiles them.
_OLDEST_JDK = 8


def _jdk(level: str, where: str) -> Found:
    if level.isdigit() and int(level) < _OLDEST_JDK:
        return str(_OLDEST_JDK), [f"{where} says Java {level}: no maintained JDK {level} exists; "
                                  f"JDK {_OLDEST_JDK} compiles it"]
    return level, [f"{where} says Java {level}"]


# --- Java: Maven ---------------------------------------------------------------------
_POM_KEYS = ("maven.compiler.release", "maven.compiler.source", "java.version")


def pom_java(pom: Path) -> Found:
    text = read_text(pom)
    if text is None:
        return None, []
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    props = dict(re.findall(r"<([A-Za-z0-9_.-]+)>\s*([^<\s]+)\s*</\1>", text))

    def resolve(value: str) -> str:
        m = re.fullmatch(r"\$\{([^}]+)\}", value)
        return props.get(m.group(1), value) if m else value

    plugin = re.search(r"<artifactId>maven-compiler-plugin</artifactId>(.*?)</plugin>", text, re.S)
    candidates: list[tuple[str, str]] = [(f"<{k}>", props[k]) for k in _POM_KEYS[:1] if k in props]
    if plugin:
        for tag in ("release", "source"):
            m = re.search(rf"<{tag}>\s*([^<\s]+)\s*</{tag}>", plugin.group(1))
            if m:
                candidates.append((f"maven-compiler-plugin <{tag}>", m.group(1)))
    candidates += [(f"<{k}>", props[k]) for k in _POM_KEYS[1:] if k in props]
    for where, raw in candidates:
        value = resolve(raw)
        if re.fullmatch(r"(1\.)?\d+", value):
            return _jdk(_java(value), f"pom.xml: {where}")
    return None, []


# --- Java: Gradle ----------------------------------------------------------------------
_GRADLE_PATTERNS = (
    (r"JavaLanguageVersion\.of\(\s*[\"']?(\d+)[\"']?\s*\)", "toolchain languageVersion"),
    (r"jvmToolchain\(\s*(\d+)\s*\)", "jvmToolchain"),
    (r"sourceCompatibility\s*=\s*JavaVersion\.VERSION_(\d+(?:_\d+)?)", "sourceCompatibility"),
    (r"sourceCompatibility\s*=\s*[\"']?(\d+(?:\.\d+)?)[\"']?", "sourceCompatibility"),
)


def gradle_java(build: Path) -> Found:
    text = read_text(build)
    if text is None:
        return None, []
    for pattern, what in _GRADLE_PATTERNS:
        m = re.search(pattern, text)
        if m:
            return _jdk(_java(m.group(1).replace("_", ".")), f"{build.name}: {what}")
    return None, []


# --- constraints: the newest supported release a project allows (releases.py) ----------
def _pick(language: str, constraint: str, where: str) -> Found:
    picked = newest_allowed(language, pep440(constraint))
    if picked is None:
        return None, []
    return picked, [f"{where} {constraint!r} (newest supported release it allows: {picked})"]


# --- Node ----------------------------------------------------------------------------------
def _major(spec: str) -> str | None:
    m = re.search(r"(\d+)", spec)
    return m.group(1) if m else None


def node_version(directory: Path, package: dict[str, Any]) -> Found:
    for name in (".nvmrc", ".node-version"):
        text = read_text(directory / name)
        if text and (major := _major(text.strip().splitlines()[0] if text.strip() else "")):
            return major, [f"{name}: Node {text.strip().splitlines()[0]} (major {major})"]
    engines = package.get("engines")
    if isinstance(engines, dict) and isinstance(engines.get("node"), str):
        return _pick("node", engines["node"], "package.json: engines.node")
    return None, []


# --- Python ----------------------------------------------------------------------------------
def python_version(directory: Path, pyproject: dict[str, Any] | None) -> Found:
    text = read_text(directory / ".python-version")
    if text and (m := re.match(r"\s*(3\.\d+)", text)):
        return m.group(1), [f".python-version: Python {text.strip().splitlines()[0]}"]
    if pyproject:
        project = pyproject.get("project") or {}
        req = project.get("requires-python") if isinstance(project, dict) else None
        if isinstance(req, str):
            return _pick("python", req, "pyproject.toml: requires-python")
        poetry = ((pyproject.get("tool") or {}).get("poetry") or {})
        dep = (poetry.get("dependencies") or {}).get("python") if isinstance(poetry, dict) else None
        if isinstance(dep, str):
            return _pick("python", dep, "pyproject.toml: tool.poetry.dependencies.python")
    return None, []


# --- PHP -------------------------------------------------------------------------------------
def composer_php(composer: dict[str, Any]) -> Found:
    platform = ((composer.get("config") or {}).get("platform") or {}).get("php")
    if isinstance(platform, str) and (m := re.match(r"(\d+\.\d+)", platform)):
        return m.group(1), [f"composer.json: config.platform.php {platform!r}"]
    req = (composer.get("require") or {}).get("php")
    if isinstance(req, str):
        return _pick("php", req, "composer.json: require.php")
    return None, []


# --- Go --------------------------------------------------------------------------------------
def go_version(gomod: Path) -> Found:
    """A ``toolchain`` line names the Go to build with; a ``go`` line only the oldest
    language version the module needs, so a current Go builds it (never an older one)."""
    text = read_text(gomod) or ""
    toolchain = re.search(r"^toolchain\s+go(\d+\.\d+)", text, re.M)
    directive = re.search(r"^go\s+(\d+\.\d+)(?:\.\d+)?\s*$", text, re.M)
    if toolchain:
        return toolchain.group(1), [f"go.mod: toolchain go{toolchain.group(1)}"]
    if directive:
        minimum, now = directive.group(1), current("go")
        use = max(minimum, now, key=lambda v: tuple(int(p) for p in v.split(".")))
        return use, [f"go.mod: go {minimum} is the minimum language version; building with Go {use}"]
    return None, []


# --- C++ -------------------------------------------------------------------------------------
def cmake_facts(cmake: Path) -> tuple[dict[str, str], list[str]]:
    text = read_text(cmake) or ""
    m = re.search(r"set\s*\(\s*CMAKE_CXX_STANDARD\s+(\d+)", text, re.I) or re.search(
        r"cxx_std_(\d+)", text)
    if m:
        return {"cxx_standard": m.group(1)}, [f"CMakeLists.txt: C++ standard {m.group(1)}"]
    return {}, []
