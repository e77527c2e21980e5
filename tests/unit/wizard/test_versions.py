"""Versions read from build files, in the forms projects write them."""

from __future__ import annotations

from pathlib import Path

import pytest

from jenkinsbridge.render.languages import language_defaults
from jenkinsbridge.wizard import releases
from jenkinsbridge.wizard import versions as v


@pytest.mark.parametrize(("text", "expected"), [
    ("kotlin { jvmToolchain(17) }", "17"),
    ('java { toolchain { languageVersion = JavaLanguageVersion.of("21") } }', "21"),
    ("sourceCompatibility = '1.8'", "8"),
    ("sourceCompatibility = JavaVersion.VERSION_1_8", "8"),
    ("sourceCompatibility = JavaVersion.VERSION_1_7", "8"),  # no maintained JDK 7: JDK 8 compiles it
    ("sourceCompatibility = 1.6", "8"),
    ("apply plugin: 'java'", None),
])
def test_gradle(tmp_path: Path, text: str, expected: str | None) -> None:
    (tmp_path / "build.gradle").write_text(text)
    assert v.gradle_java(tmp_path / "build.gradle")[0] == expected


@pytest.mark.parametrize(("props", "expected"), [
    ("<maven.compiler.release>17</maven.compiler.release>", "17"),
    ("<maven.compiler.source>1.8</maven.compiler.source>", "8"),
    ("<maven.compiler.source>1.7</maven.compiler.source>", "8"),
    ("<java.version>11</java.version><maven.compiler.release>${java.version}</maven.compiler.release>", "11"),
    ("<maven.compiler.release>${undefined}</maven.compiler.release>", None),
])
def test_pom(tmp_path: Path, props: str, expected: str | None) -> None:
    (tmp_path / "pom.xml").write_text(f"<project><properties>{props}</properties></project>")
    assert v.pom_java(tmp_path / "pom.xml")[0] == expected


def test_a_source_level_without_a_maintained_jdk_says_why(tmp_path: Path) -> None:
    """hamcrest 2.2's build.gradle says sourceCompatibility = 1.7: an agent of JDK 7
    could not be built (no official image), so the wizard names JDK 8 and why."""
    (tmp_path / "build.gradle").write_text("sourceCompatibility = JavaVersion.VERSION_1_7\n")
    version, why = v.gradle_java(tmp_path / "build.gradle")
    assert version == "8"
    assert why == ["build.gradle: sourceCompatibility says Java 7: no maintained JDK 7 exists; JDK 8 compiles it"]


# the newest releases the language defaults name (job_templates/languages/*/defaults.yaml)
NEWEST = {"python": "3.13", "node": "24", "php": "8.4", "go": "1.26"}


@pytest.fixture
def newest(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Pick against these as the current releases, whatever the defaults say today."""
    monkeypatch.setattr(releases, "current", NEWEST.__getitem__)
    monkeypatch.setattr(v, "current", NEWEST.__getitem__)
    return NEWEST


@pytest.mark.parametrize(("engines", "expected"), [
    (">=18.17.0", "24"), ("^20.11", "20"), ("18.x || 20.x", "20"), ("lts/*", None), (">= 16 < 21", "20"),
    ("<22", "20"), ("<=22", "22"), ("^22 || ^24", "24"), (">=18 <23", "22"),
])
def test_node_engines(tmp_path: Path, newest: dict[str, str], engines: str, expected: str | None) -> None:
    assert v.node_version(tmp_path, {"engines": {"node": engines}})[0] == expected


def test_nvmrc_wins_over_engines(tmp_path: Path) -> None:
    (tmp_path / ".nvmrc").write_text("v22.1.0\n")
    assert v.node_version(tmp_path, {"engines": {"node": ">=18"}}) == ("22", [".nvmrc: Node v22.1.0 (major 22)"])


@pytest.mark.parametrize(("req", "expected"), [
    (">=3.10,<3.13", "3.12"), (">=3.5", "3.13"), (">3.8", "3.13"), (">3.8,<3.10", "3.9"),
    ("~=3.11", "3.13"), (">=3.9,<4", "3.13"), ("==3.12.*", "3.12"), ("<4", "3.13"),
    (">=3.12.3,<3.13", "3.12"), ("<3.11", "3.10"), ("==2.7", None),
])
def test_requires_python(tmp_path: Path, newest: dict[str, str], req: str, expected: str | None) -> None:
    assert v.python_version(tmp_path, {"project": {"requires-python": req}})[0] == expected


def test_poetry_caret(tmp_path: Path, newest: dict[str, str]) -> None:
    found = v.python_version(tmp_path, {"tool": {"poetry": {"dependencies": {"python": "^3.10"}}}})
    assert found == ("3.13", ["pyproject.toml: tool.poetry.dependencies.python '^3.10' "
                              "(newest supported release it allows: 3.13)"])


def test_newest_is_never_past_the_default_and_never_out_of_support_when_avoidable(
        newest: dict[str, str]) -> None:
    assert releases.newest_allowed("python", releases.pep440(">=3.5")) == "3.13"  # not 3.14, not 3.5
    assert releases.newest_allowed("python", releases.pep440(">=3.8,<3.12")) == "3.11"


def test_the_defaults_are_release_lines_the_wizard_knows() -> None:
    for language, lines in releases.RELEASES.items():
        default = language_defaults(language).version
        assert default in lines, (language, default)
        assert releases.current(language) == default


@pytest.mark.parametrize(("gomod", "expected"), [
    ("module x\n\ngo 1.13\n", "1.26"),
    ("module x\n\ngo 1.22.3\n", "1.26"),
    ("module x\n\ngo 1.27\n", "1.27"),
    ("module x\n\ngo 1.21\n\ntoolchain go1.22.5\n", "1.22"),
    ("module x\n", None),
])
def test_go(tmp_path: Path, newest: dict[str, str], gomod: str, expected: str | None) -> None:
    (tmp_path / "go.mod").write_text(gomod)
    assert v.go_version(tmp_path / "go.mod")[0] == expected


def test_go_directive_is_a_minimum_not_the_toolchain(tmp_path: Path, newest: dict[str, str]) -> None:
    (tmp_path / "go.mod").write_text("module x\n\ngo 1.13\n")
    assert v.go_version(tmp_path / "go.mod")[1] == [
        "go.mod: go 1.13 is the minimum language version; building with Go 1.26"]


@pytest.mark.parametrize(("composer", "expected"), [
    ({"require": {"php": ">=8.1"}}, "8.4"),
    ({"require": {"php": "^8.2 || ^8.3"}, "config": {"platform": {"php": "8.3.4"}}}, "8.3"),
    ({"require": {"php": "~8.2.0"}}, "8.2"),
    ({"require": {"php": "8.3.*"}}, "8.3"),
    ({"require": {"php": "<8.0"}}, "7.4"),
    ({"require": {}}, None),
])
def test_php(newest: dict[str, str], composer: dict, expected: str | None) -> None:  # type: ignore[type-arg]
    assert v.composer_php(composer)[0] == expected


def test_large_files_are_not_read(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("go 1.21\n" + "// x\n" * (v.MAX_READ // 4))
    assert v.go_version(tmp_path / "go.mod") == (None, [])
