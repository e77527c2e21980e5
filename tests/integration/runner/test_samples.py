"""Every language: the agent image builds from the local base image, `jenkinsbridge run`
passes on the sample and leaves the JUnit report the Jenkinsfile's junit step reads;
with its test broken, the run fails and names the stage."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from jenkinsbridge.render import render_job
from jenkinsbridge.render.core import job_context
from jenkinsbridge.render.languages import job_stages
from jenkinsbridge.runner.junit import JUnitCounts, count_report, find_reports
from jenkinsbridge.spec import load_specs
from tests.support.runner import (
    LANGS,
    AgentImages,
    add_lint_bait,
    break_test,
    copy_sample,
    payload,
    quality_figures,
    run_cli,
    stage_marks,
)

JUNIT_STEP = re.compile(r"junit testResults: '((?:[^'\\]|\\.)*)'")
# the stage that runs the tests, and what must run again after breaking one
TEST_STAGE = {"java-maven": "verify"}
AGAIN = {"cpp": ["build", "test"], "java-maven": ["verify"]}
# offline here: Debian has no jacoco-maven-plugin, and Gradle 4.4.1 offline no JaCoCo agent
NO_COVERAGE_HERE = {"java-maven", "java-gradle"}


def _jenkinsfile_globs(tree: Path) -> list[str]:
    job = load_specs([tree / "jenkinsbridge.yaml"]).jobs[0]
    return [g.replace("\\'", "'").replace("\\\\", "\\")
            for g in JUNIT_STEP.findall(render_job(job).jenkinsfile)]


@pytest.mark.parametrize("lang", LANGS)
def test_sample_passes_then_fails_naming_the_stage(lang: str, agent_images: AgentImages,
                                                   run_network: str, tmp_path: Path) -> None:
    image = agent_images.get(lang)
    tree = copy_sample(lang, tmp_path)
    spec = tree / "jenkinsbridge.yaml"
    baited = add_lint_bait(tree, lang)

    proc = run_cli(spec, image=image, network=run_network)
    assert proc.returncode == 0, proc.stderr[-4000:]
    report = payload(proc)
    job = load_specs([spec]).jobs[0]
    waves = [[s.name for s in w] for w in job_context(job)["waves"]]
    assert [r["stage"] for r in report["stages"]] == [n for w in waves for n in w]
    assert {r["result"] for r in report["stages"]} == {"SUCCESS"}

    # the stages ran wave after wave, as the Jenkinsfile orders them
    marks = stage_marks(proc.stderr)
    for earlier, later in itertools.pairwise(waves):
        last_end = max(marks.index(("end", n)) for n in earlier)
        first_start = min(marks.index(("start", n)) for n in later)
        assert last_end < first_start, marks

    # the report the Jenkinsfile's junit step points at exists and counts the passing test
    globs = _jenkinsfile_globs(tree)
    assert globs, "the rendered Jenkinsfile has no junit step"
    files = sorted({f for g in globs for f in find_reports(tree, g)})
    assert files, f"no file under {tree} matches {globs}"
    counts = JUnitCounts()
    for rel in files:
        counts += count_report((tree / rel).read_bytes(), rel)
    assert counts.tests >= 1 and counts.failures == 0 and counts.errors == 0, counts
    reported = [r["junit"] for r in report["stages"] if "junit" in r]
    assert sum(r["tests"] for r in reported) == counts.tests

    # the coverage and lint reports recordCoverage and recordIssues read exist and parse
    figures = quality_figures(tree, job_stages(job))
    print(f"{lang}: {figures}")
    assert all(v is not None for v in figures.values()), figures
    if lang not in NO_COVERAGE_HERE:
        assert any(k.startswith("coverage") for k in figures), f"{lang}: no coverage report"
    if baited:  # the linter found the bait, and the stage still passed (above)
        assert any(k.startswith("issues") and v >= 1 for k, v in figures.items()), figures

    # the same tree with its test broken: the run fails and names the stage
    break_test(tree, lang)
    # only what must run again: the test stage (and, for C++, the build that compiles the test)
    again = [a for name in AGAIN.get(lang, ["test"]) for a in ("--stage", name)]
    stage = TEST_STAGE.get(lang, "test")
    failed = run_cli(spec, *again, image=image, network=run_network)
    assert failed.returncode == 1, failed.stderr[-4000:]
    assert f"jenkinsbridge: error: stage '{stage}' failed with exit status" in failed.stderr, failed.stderr[-3000:]
    assert payload(failed)["type"] == "StageFailedError"
    row = re.search(rf"^{stage}\s+FAILURE\s+\S+\s+(\d+) tests, (\d+) failures, (\d+) errors", failed.stderr, re.M)
    assert row, failed.stderr[-2000:]
    assert int(row.group(2)) + int(row.group(3)) >= 1
