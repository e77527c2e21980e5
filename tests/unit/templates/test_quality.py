"""Quality gates: `quality.fail_on` adds the language's dependency audit (at the level
asked), `quality.coverage` becomes the coverage plugin's quality gate on stages that
write a coverage report."""

from __future__ import annotations

import pytest

from jenkinsbridge.errors import UsageError
from jenkinsbridge.render import render_job
from jenkinsbridge.render.languages import job_stages
from jenkinsbridge.spec import load_spec_text

SPEC = """\
version: 1
jobs:
  - name: app
    language: {language}
    source: {{url: "https://git.example.com/a/app.git"}}
    quality: {quality}
"""


def _job(language: str, quality: str):  # type: ignore[no-untyped-def]
    (job,) = load_spec_text(SPEC.format(language=language, quality=quality)).jobs
    return job


@pytest.mark.parametrize(("language", "level", "command", "needs"), [
    ("node", "moderate", "npm audit --audit-level=moderate --omit=dev", ["install"]),
    ("java-maven", "critical", "-DfailBuildOnCVSS=9.0", ["verify"]),
    ("java-maven", "high", "-DfailBuildOnCVSS=7.0", ["verify"]),
    ("python", "high", ".venv/bin/pip-audit", ["install"]),
    ("php", "low", "composer audit", ["install"]),
])
def test_fail_on_adds_the_languages_audit(language: str, level: str, command: str, needs: list[str]) -> None:
    stages = job_stages(_job(language, f"{{fail_on: {level}}}"))
    audit = stages[-1]
    assert audit.name == "audit" and command in audit.run and audit.needs == needs
    assert "audit" not in [s.name for s in job_stages(_job(language, "{}"))]
    assert "stage('audit')" in render_job(_job(language, f"{{fail_on: {level}}}")).jenkinsfile


def test_no_audit_for_a_language_is_bad_input() -> None:
    with pytest.raises(UsageError, match="no dependency audit for java-gradle"):
        job_stages(_job("java-gradle", "{fail_on: high}"))


def test_coverage_threshold_gates_the_coverage_report() -> None:
    text = SPEC.format(language="python", quality="{coverage: 85.5}") + (
        "    stages:\n      - {name: test, run: pytest --cov, coverage: {format: cobertura, report: cov.xml}}\n")
    (job,) = load_spec_text(text).jobs
    jf = render_job(job).jenkinsfile
    assert "recordCoverage(tools: [[parser: 'COBERTURA', pattern: 'cov.xml']]" in jf
    assert "qualityGates: [[metric: 'LINE', baseline: 'PROJECT', threshold: 85.5, criticality: 'FAILURE']]" in jf
    (plain,) = load_spec_text(text.replace("{coverage: 85.5}", "{}")).jobs
    assert "recordCoverage" in render_job(plain).jenkinsfile and "qualityGates" not in render_job(plain).jenkinsfile
