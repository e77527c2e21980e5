"""The real-projects trial reads what `run` prints and the machine's apt sources; these
parsers decide what the results table says, so they are checked on real shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.realprojects import fetch
from benchmarks.realprojects.projects import PROJECTS
from benchmarks.realprojects.trial import markdown, table_rows

LOG = """\
[lint] --- stage lint: FAILURE (exit 1, 0.8s) ---
STAGE    RESULT   DURATION  TESTS
install  SUCCESS  42.1s     -
lint     FAILURE  0.8s      -
test     SUCCESS  2.8s      32 tests, 0 failures, 1 errors, 3 skipped
docs     SUCCESS  1.0s      no reports
build    SKIPPED  -         -
job idna FAILED in jbt-runner/agent-python:latest
"""


def test_table_rows_read_the_summary_table() -> None:
    rows = table_rows(LOG)
    assert [(r["stage"], r["result"]) for r in rows] == [
        ("install", "SUCCESS"), ("lint", "FAILURE"), ("test", "SUCCESS"), ("docs", "SUCCESS"), ("build", "SKIPPED")]
    test = rows[2]
    assert test["duration"] == 2.8
    assert {k: test["junit"][k] for k in ("tests", "failures", "errors", "skipped")} == \
        {"tests": 32, "failures": 0, "errors": 1, "skipped": 3}
    assert rows[3]["junit"]["files"] == []  # a junit stage that wrote nothing
    assert "junit" not in rows[0]
    assert table_rows("no table here") == []


def test_debian_mirror_from_deb822_and_one_line_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = tmp_path / "sources.list.d"
    d.mkdir()
    (d / "other.sources").write_text("Types: deb\nURIs: http://mirror.invalid/node\nSuites: nodistro\n")
    (d / "debian.sources").write_text(
        "Types: deb\nURIs: http://mirror.invalid/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\n"
        "Types: deb\nURIs: http://mirror.invalid/debian-security\nSuites: bookworm-security\n")
    monkeypatch.setattr(fetch, "APT_SOURCES", (tmp_path / "none.list", d))
    assert fetch.debian_mirror() == ("http://mirror.invalid/debian", "bookworm")
    (d / "debian.sources").unlink()
    (tmp_path / "sources.list").write_text("deb [arch=amd64] http://mirror.invalid/debian bookworm main\n")
    monkeypatch.setattr(fetch, "APT_SOURCES", (tmp_path / "sources.list", d))
    assert fetch.debian_mirror() == ("http://mirror.invalid/debian", "bookworm")
    (tmp_path / "sources.list").write_text("")
    with pytest.raises(fetch.FetchError):
        fetch.debian_mirror()


def test_every_language_has_two_projects_and_a_note() -> None:
    langs = [p.language for p in PROJECTS]
    for lang in ("python", "node", "java-maven", "java-gradle", "go", "cpp", "php"):
        assert langs.count(lang) >= 2, lang
    assert all(p.note for p in PROJECTS)
    assert all(p.why_offline for p in PROJECTS if p.offline)


def test_markdown_row_says_what_was_replaced_and_escapes_pipes() -> None:
    row = {"project": "webmozart/assert", "version": "1.11.0", "language": "php", "wizard_language": "php",
           "source": "Debian source x", "result": "passed", "seconds": 9.5,
           "tests": {"tests": 5, "failures": 0, "errors": 0, "skipped": 1},
           "coverage": [{"stage": "test", "format": "cobertura", "line_percent": 97.8}],
           "lint": [{"stage": "lint", "result": "SUCCESS", "format": "phpstan", "findings": None}],
           "offline_replaced": {"stages": ["install"], "why": "a | b"}}
    line = markdown([row]).splitlines()[-1]
    assert "| 5 (0 failed, 0 errors, 1 skipped) | 97.8 % | lint success, no report | passed | 9.5 |" in line
    assert "here: install replaced (a \\| b)" in line
