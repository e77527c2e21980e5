"""Versions read from build files, in the forms projects write them."""

from __future__ import annotations

from pathlib import Path

import pytest

from jenkinsbridge.wizard import versions as v


@pytest.mark.parametrize(("text", "expected"), [
    ("kotlin { jvmToolchain(17) }", "17"),
    ('java { toolchain { languageVersion = JavaLanguageVersion.of("21") } }', "21"),
    ("sourceCompatibility = '1.8'", "8"),
    ("sourceCompatibility = JavaVersion.VERSION_1_8", "8"),
    ("apply plugin: 'java'", None),
])
def test_gradle(tmp_path: Path, text: str, expected: str | None) -> None:
    (tmp_path / "build.gradle").write_text(text)
    assert v.gradle_java(tmp_path / "build.gradle")[0] == expected


@pytest.mark.parametrize(("props", "expected"), [
    ("<maven.compiler.release>17</maven.compiler.release>", "17"),
    ("<maven.compiler.source>1.8</maven.compiler.source>", "8"),
    ("<java.version>11</java.version><maven.compiler.release>${java.version}</maven.compiler.release>", "11"),
    ("<maven.compiler.release>${undefined}</maven.compiler.release>", None),
])
def test_pom(tmp_path: Path, props: str, expected: str | None) -> None:
    (tmp_path / "pom.xml").write_text(f"<project><properties>{props}</properties></project>")
    assert v.pom_java(tmp_path / "pom.xml")[0] == expected


@pytest.mark.parametrize(("engines", "expected"), [
    (">=18.17.0", "18"), ("^20.11", "20"), ("18.x || 20.x", "18"), ("lts/*", None), (">= 16 < 21", "16"),
])
def test_node_engines(tmp_path: Path, engines: str, expected: str | None) -> None:
    assert v.node_version(tmp_path, {"engines": {"node": engines}})[0] == expected


def test_nvmrc_wins_over_engines(tmp_path: Path) -> None:
    (tmp_path / ".nvmrc").write_text("v22.1.0\n")
    assert v.node_version(tmp_path, {"engines": {"node": ">=18"}}) == ("22", [".nvmrc: Node v22.1.0 (major 22)"])


@pytest.mark.parametrize(("req", "expected"), [
    (">=3.10", "3.10"), ("~=3.11", "3.11"), (">=3.9,<4", "3.9"), ("==3.12.*", "3.12"), ("<4", None),
])
def test_requires_python(tmp_path: Path, req: str, expected: str | None) -> None:
    assert v.python_version(tmp_path, {"project": {"requires-python": req}})[0] == expected


@pytest.mark.parametrize(("gomod", "expected"), [
    ("module x\n\ngo 1.21\n", "1.21"),
    ("module x\n\ngo 1.22.3\n", "1.22"),
    ("module x\n\ngo 1.21\n\ntoolchain go1.22.5\n", "1.22"),
    ("module x\n", None),
])
def test_go(tmp_path: Path, gomod: str, expected: str | None) -> None:
    (tmp_path / "go.mod").write_text(gomod)
    assert v.go_version(tmp_path / "go.mod")[0] == expected


@pytest.mark.parametrize(("composer", "expected"), [
    ({"require": {"php": ">=8.1"}}, "8.1"),
    ({"require": {"php": "^8.2 || ^8.3"}, "config": {"platform": {"php": "8.3.4"}}}, "8.3"),
    ({"require": {}}, None),
])
def test_php(composer: dict, expected: str | None) -> None:  # type: ignore[type-arg]
    assert v.composer_php(composer)[0] == expected


def test_large_files_are_not_read(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("go 1.21\n" + "// x\n" * (v.MAX_READ // 4))
    assert v.go_version(tmp_path / "go.mod") == (None, [])
