"""The metrics command's bad input (one line, exit 2, nothing written) and hostile
values in the reports."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from jenkinsbridge.metrics.render_html import render_html
from jenkinsbridge.metrics.render_text import render_text
from jenkinsbridge.metrics.report import build_report
from tests.support.metrics_week import BUILDS, DEPLOYS, JOB, WINDOW
from tests.unit.cli.conftest import Run

Cli = Callable[..., Run]
SPEC = """version: 1
jobs:
  - name: api
    folder: shop
    language: python
    source: {url: https://git.example.com/acme/api.git}
"""


@pytest.fixture
def spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ("JENKINS_URL", "JENKINS_USER", "JENKINS_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    p = tmp_path / "jenkinsbridge.yaml"
    p.write_text(SPEC)
    return p


@pytest.mark.parametrize(("args", "message"), [
    (["--since", "soon"], "--since 'soon': give a length like 30d"),
    (["--since", "0d"], "--since 0d: the window must be longer than zero"),
    (["--fix-window", "1y"], "--fix-window '1y': give a length like 90s"),
    (["--max-builds", "0"], "--max-builds takes a number >= 1"),
    ([], "no Jenkins URL: pass --url or set JENKINS_URL"),
])
def test_bad_input_is_one_line_and_exit_2(cli: Cli, spec: Path, tmp_path: Path, args: list[str],
                                          message: str) -> None:
    html = tmp_path / "out" / "r.html"
    run = cli("metrics", str(spec), "--html", str(html), *args)
    assert run.code == 2
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"jenkinsbridge: error: {message}"), run.err
    assert not html.exists()


def test_html_into_a_directory_is_refused(cli: Cli, spec: Path, tmp_path: Path) -> None:
    run = cli("metrics", str(spec), "--no-jenkins", "--html", str(tmp_path))
    assert run.code == 2 and "is a directory" in run.err


def test_without_jenkins_or_env(cli: Cli, spec: Path, tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    run = cli("--json", "metrics", str(spec), "--no-jenkins", "--html", str(html))
    assert run.code == 0, run.err
    data = json.loads(run.out)
    (job,) = data["jobs"]
    assert (job["job"], job["has_env"]) == ("shop/api", False)
    assert job["notes"] == ["the job has no production environment in the spec"]
    assert data["notes"] == ["Jenkins not read (--no-jenkins): no lead times or build health"]
    assert html.read_text().startswith("<!doctype html>")
    assert not list(tmp_path.glob(".r.html.*"))


def test_hostile_values_stay_text() -> None:
    evil = "<script>alert(1)</script>]]>${x}\n\"'&"
    deploys = [replace(d, image=evil, reason=evil) for d in DEPLOYS]
    report = build_report([(JOB, True)], "production", WINDOW, {JOB: BUILDS}, {JOB: deploys})
    html = render_html(report)
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "]]>" not in html
    assert evil not in render_text(report)  # failures are not listed in the table


def test_queue_waits_round_trip_the_provisioner_line() -> None:
    from jenkinsbridge.agents.metrics import QUEUE_TO_BUILD, parse_queue_to_build

    lines = [f"INFO jenkinsbridge.agents.provisioner: {QUEUE_TO_BUILD % (2.8704, 'jb-ci-python-7', 412)}",
             "INFO jenkinsbridge.agents.provisioner: decision=launch node=x item=9",
             QUEUE_TO_BUILD % (0.5, "n", 7)]
    assert parse_queue_to_build(lines) == {412: 2.870, 7: 0.5}


def test_missing_queue_log_is_bad_input(cli: Cli, spec: Path, tmp_path: Path) -> None:
    run = cli("metrics", str(spec), "--no-jenkins", "--queue-log", str(tmp_path / "nope.log"))
    assert run.code == 2 and "--queue-log" in run.err and "No such file" in run.err


def test_flakiest_stages_by_hand() -> None:
    from jenkinsbridge.metrics.stages import StageRun, flaky_stages

    runs = [StageRun(n, 0.0, stages) for n, stages in enumerate([
        (("unit", "SUCCESS"), ("e2e", "FAILED"), ("lint", "SUCCESS")),
        (("unit", "UNSTABLE"), ("e2e", "SUCCESS"), ("lint", "SUCCESS")),
        (("unit", "SUCCESS"), ("e2e", "FAILED"), ("lint", "SUCCESS")),
        (("unit", "SUCCESS"), ("e2e", "ABORTED"), ("lint", "SUCCESS")),   # aborted: did not decide
        (("unit", "SUCCESS"), ("e2e", "SUCCESS"), ("lint", "FAILED")),
        (("unit", "SUCCESS"), ("e2e", "NOT_EXECUTED"), ("lint", "FAILED")),
    ], start=1)]
    # e2e: F S F S -> 2 of 4 failed, 3 flips; unit: S U S S S S -> 1 of 6, 2 flips;
    # lint: S S S S F F -> 2 of 6, 1 flip
    assert flaky_stages(list(reversed(runs))) == [
        {"stage": "e2e", "runs": 4, "failed": 2, "flips": 3},
        {"stage": "unit", "runs": 6, "failed": 1, "flips": 2},
        {"stage": "lint", "runs": 6, "failed": 2, "flips": 1}]
