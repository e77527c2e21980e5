"""`jenkinsbridge wizard --defaults` over a sample project of every language (and the
tricky ones): the spec validates, renders, and every Jenkinsfile parses as Groovy."""

from __future__ import annotations

from pathlib import Path

import defusedxml.ElementTree as ET
import pytest

from jenkinsbridge.cli.main import main
from jenkinsbridge.spec import load_specs
from tests.support.groovy import GroovyChecker
from tests.support.wizard import FIXTURES, copy_fixture

SAMPLES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "empty")


def test_every_sample_renders_and_parses(tmp_path: Path, groovy: GroovyChecker,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    languages = set()
    jenkinsfiles: list[Path] = []
    for name in SAMPLES:
        out = tmp_path / "out" / name
        assert main(["wizard", str(copy_fixture(name, tmp_path)), "-o", str(out), "--defaults"]) == 0, name
        spec = load_specs([out / "jenkinsbridge.yaml"])
        job = spec.select(None)
        languages.add(job.language)
        found = list(out.rglob("Jenkinsfile"))
        assert len(found) == 1, name
        jenkinsfiles += found
        for xml in out.rglob("config.xml"):
            ET.parse(xml)  # well-formed
    assert languages == {"java-maven", "java-gradle", "node", "php", "python", "go", "cpp"}
    verdicts = groovy.check(jenkinsfiles)
    problems = [str(e) for errs in verdicts.values() for e in errs]
    assert problems == []
