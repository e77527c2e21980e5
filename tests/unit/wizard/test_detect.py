"""Detection over the fixture repositories: language, build tool, version, Dockerfile,
git remote, provider and default branch, with the reasons behind each finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from jenkinsbridge.wizard.detect import detect
from jenkinsbridge.wizard.gitinfo import strip_credentials
from jenkinsbridge.wizard.releases import current
from tests.support.wizard import FIXTURES, copy_fixture, make_git_repo

# fixture -> (language, tool, version, a reason that must be given)
CASES = {
    "java-maven": ("java-maven", "maven", "21", "<maven.compiler.release> says Java 21"),
    "java-maven-plugin": ("java-maven", "maven", "8", "maven-compiler-plugin <source>"),
    "java-maven-modules": ("java-maven", "maven", "17", "pom.xml: a Maven project"),
    "java-gradle-kts": ("java-gradle", "gradle", "21", "(Kotlin DSL)"),
    "java-gradle-groovy": ("java-gradle", "gradle", "11", "sourceCompatibility says Java 11"),
    "node-npm": ("node", "npm", current("node"), "package-lock.json: installs with npm"),  # engines >=20.10
    "node-pnpm": ("node", "pnpm", "20", "packageManager 'pnpm@9.1.0'"),
    "node-yarn": ("node", "yarn", "20", "Yarn 1 (classic)"),  # engines 18.x || 20.x: the newest
    "node-yarn-berry": ("node", "yarn", None, "Yarn 2+ (Berry)"),
    "node-nolock": ("node", "npm", None, "no lockfile"),
    "php": ("php", "composer", current("php"), "require.php '^8.1'"),  # newest it allows
    "python-pip": ("python", "pip", "3.11", ".python-version"),
    "python-poetry": ("python", "poetry", current("python"), "poetry.lock: installs with Poetry"),
    "python-uv": ("python", "uv", current("python"), "uv.lock: installs with uv"),  # >=3.12
    "python-pyproject": ("python", "pip", current("python"), "requires-python '>=3.9, <4'"),
    "go": ("go", "go", current("go"), "go 1.21 is the minimum language version"),
    "go-library": ("go", "go", current("go"), "no package main: a library"),
    "node-compound-test": ("node", "npm", None, "tests run with jest"),
    "cpp": ("cpp", "cmake", None, "C++ standard 20"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_language_tool_version(name: str) -> None:
    language, tool, version, reason = CASES[name]
    det = detect(FIXTURES / name)
    assert len(det.candidates) == 1, det.explain()
    c = det.candidates[0]
    assert (c.language, c.tool, c.version) == (language, tool, version)
    assert c.path == "."
    assert any(reason in r for r in c.reasons), c.reasons
    assert any(reason in line for line in det.explain())


def test_every_language_has_a_fixture() -> None:
    from jenkinsbridge.spec.models import LANGUAGES

    assert {lang for lang, *_ in CASES.values()} == set(LANGUAGES)


def test_dockerfile_and_exposed_port() -> None:
    c = detect(FIXTURES / "java-maven").candidates[0]
    assert c.dockerfile == "Dockerfile" and c.port == 8081
    assert "Dockerfile: EXPOSE 8081" in c.reasons
    assert detect(FIXTURES / "python-pip").candidates[0].dockerfile is None


def test_monorepo_offers_each_project() -> None:
    det = detect(FIXTURES / "monorepo")
    found = {(c.path, c.language, c.tool) for c in det.candidates}
    assert found == {("services/api", "go", "go"), ("services/web", "node", "pnpm")}
    api = next(c for c in det.candidates if c.language == "go")
    assert api.dockerfile == "services/api/Dockerfile" and api.version == current("go")  # go 1.22 is a minimum


def test_maven_modules_are_one_project() -> None:
    det = detect(FIXTURES / "java-maven-modules")
    assert [c.path for c in det.candidates] == ["."]


def test_nothing_to_detect(tmp_path: Path) -> None:
    det = detect(copy_fixture("empty", tmp_path))
    assert det.candidates == ()
    assert "No build files found" in det.explain()[0]


def test_several_build_files_in_one_directory(tmp_path: Path) -> None:
    (tmp_path / "pom.xml").write_text("<project/>")
    (tmp_path / "package.json").write_text("{}")
    langs = [c.language for c in detect(tmp_path).candidates]
    assert langs == ["java-maven", "node"]


def test_broken_package_json_still_detects_node(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text("{not json")
    c = detect(tmp_path).candidates[0]
    assert c.language == "node" and any("could not be read" in r for r in c.reasons)


def test_no_git_repository(tmp_path: Path) -> None:
    det = detect(copy_fixture("go", tmp_path))
    assert det.git.remote is None and det.git.provider == "git"
    assert "not inside a git work tree" in det.git.reasons[0]


def test_git_without_remote(tmp_path: Path) -> None:
    repo = make_git_repo(copy_fixture("go", tmp_path), branch="trunk")
    det = detect(repo)
    assert det.git.remote is None and det.git.branch == "trunk" and det.git.provider == "git"
    assert any("no remote" in r for r in det.git.reasons)


@pytest.mark.parametrize(("remote", "provider"), [
    ("git@github.com:acme/gateway.git", "github"),
    ("https://github.com/acme/gateway.git", "github"),
    ("https://gitlab.example.com/platform/team/gateway.git", "gitlab"),
    ("ssh://git@gitlab.com:2222/acme/gateway.git", "gitlab"),
    ("https://git.example.org/acme/gateway.git", "git"),
])
def test_provider_from_remote(tmp_path: Path, remote: str, provider: str) -> None:
    repo = make_git_repo(copy_fixture("go", tmp_path), remote=remote, remote_head="develop")
    det = detect(repo)
    assert det.git.remote == remote
    assert det.git.provider == provider
    assert det.git.branch == "develop"
    assert any("origin/HEAD" in r for r in det.git.reasons)


def test_remote_credentials_are_dropped(tmp_path: Path) -> None:
    secret = "https://deploy:s3cr3t-t0ken@gitlab.example.com/acme/gateway.git"
    repo = make_git_repo(copy_fixture("go", tmp_path), remote=secret)
    det = detect(repo)
    assert det.git.remote == "https://gitlab.example.com/acme/gateway.git"
    assert "s3cr3t" not in " ".join(det.explain())


@pytest.mark.parametrize(("url", "expected"), [
    ("https://ghp_abc@github.com/a/b.git", "https://github.com/a/b.git"),
    ("git@github.com:a/b.git", "git@github.com:a/b.git"),
    ("ssh://git@host/a/b.git", "ssh://git@host/a/b.git"),
    ("ssh://user:pw@host/a/b.git", "ssh://host/a/b.git"),
])
def test_strip_credentials(url: str, expected: str) -> None:
    assert strip_credentials(url)[0] == expected


def test_subdirectory_of_a_repository(tmp_path: Path) -> None:
    repo = make_git_repo(copy_fixture("monorepo", tmp_path), remote="git@github.com:acme/mono.git")
    det = detect(repo / "services" / "api")
    assert [c.path for c in det.candidates] == ["."]
    assert det.git.remote == "git@github.com:acme/mono.git"
