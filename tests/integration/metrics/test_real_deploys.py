"""Delivery metrics from real deploys on the Docker engine (compose, standard) and
builds from the Jenkins double: one scenario per session, many checks on it.

The scenario: builds 1..5 of the job, each bringing in two commits; deploys run as
Jenkins would run them (JOB_NAME and BUILD_NUMBER set): build 1 (the baseline), build
2, build 3 (broken: fails its health gate), build 4, a rollback, build 5.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from jenkinsbridge.agents.metrics import QUEUE_TO_BUILD
from tests.integration.deploy.conftest import cli
from tests.support.chromium import open_page
from tests.support.deploy import AppImages, Target, remove_deployment, write_spec
from tests.support.jenkins_double import JenkinsDouble
from tests.support.jenkins_double.builds import GitCommit, add_run
from tests.support.png import ink_fraction


@dataclass
class Scenario:
    target: Target
    jd: JenkinsDouble
    history: list[dict[str, Any]]
    report: dict[str, Any]
    report_fix: dict[str, Any]
    text: str
    html: Path
    commits: dict[int, list[float]]  # build -> commit times


def _env(**values: str) -> dict[str, str | None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    return saved


def _restore(saved: dict[str, str | None]) -> None:
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def scenario(tmp_path_factory: pytest.TempPathFactory, docker_client: Any, base_image: str,
             app_images: AppImages) -> Iterator[Scenario]:
    tmp = tmp_path_factory.mktemp("metrics")
    t = write_spec(tmp, target="compose", strategy="standard", base_image=base_image, replicas=1,
                   health={"path": "/healthz", "timeout": 8, "interval": 1}, drain=0)
    jd = JenkinsDouble().start()
    saved = _env(JENKINS_URL=jd.url, JENKINS_USER=jd.user, JENKINS_TOKEN=jd.token, JOB_NAME=t.job, BUILD_NUMBER="0")
    try:
        jd.put(t.job, "<flow-definition><description/></flow-definition>")
        commits: dict[int, list[float]] = {}
        now = time.time()
        for n in range(1, 6):
            times = [now - 3 * 3600 + n * 60, now - 2 * 3600 + n * 60]  # lead times of 2 to 3 hours
            commits[n] = times
            e2e = "UNSTABLE" if n == 2 else "SUCCESS"
            add_run(jd, t.job, result="UNSTABLE" if n == 2 else "SUCCESS", timestamp=times[1] + 10, duration=30 + n,
                    commits=tuple(GitCommit(f"{n:02d}{i}".ljust(40, "a"), c) for i, c in enumerate(times)),
                    stages=(("build", "SUCCESS", 10.0), ("e2e", e2e, 20.0)))
        jd.set_plugin("pipeline-stage-view", "2.34")  # stage results through wfapi
        steps = [("1", app_images.v1, 0), ("2", app_images.v2, 0), ("3", app_images.broken, 1),
                 ("4", app_images.v1, 0), ("rollback", "", 0), ("5", app_images.v2, 0)]
        for build, image, expect in steps:
            os.environ["BUILD_NUMBER"] = build if build.isdigit() else "99"
            args = t.args("rollback") if build == "rollback" else [*t.args(), "--image", image]
            code, _, err = cli(*args)
            assert code == expect, err
        code, out, err = cli("--json", *t.args("history"))
        assert code == 0, err
        history = json.loads(out)["history"]
        html = tmp / "report" / "metrics.html"
        queue_log = tmp / "agents.log"  # what `jenkinsbridge agents run` logs, for builds 1..5
        queue_log.write_text("".join(f"INFO jenkinsbridge.agents.provisioner: {QUEUE_TO_BUILD % (n, 'jb-1', n)}\n"
                                     for n in range(1, 6)) + "INFO other line item=3\n")
        code, out, err = cli("--json", "metrics", str(t.spec), "--env", t.env, "--since", "1d",
                             "--fix-window", "0", "--html", str(html), "--queue-log", str(queue_log))
        assert code == 0, err
        report = json.loads(out)
        code, text, err = cli("metrics", str(t.spec), "--env", t.env, "--since", "1d", "--fix-window", "0")
        assert code == 0, err
        jd.set_plugin("pipeline-stage-view", None)
        code, out_fix, err = cli("--json", "metrics", str(t.spec), "--env", t.env, "--since", "1d")
        assert code == 0, err
    except BaseException:
        remove_deployment(docker_client, t.base)
        raise
    finally:  # the environment and the double only for the setup: other modules run after it
        _restore(saved)
        jd.stop()
    yield Scenario(t, jd, history, report, json.loads(out_fix), text, html, commits)
    remove_deployment(docker_client, t.base)


def test_records_name_the_build_that_ran_the_deploy(scenario: Scenario) -> None:
    h = scenario.history
    assert [(r["action"], r["result"]) for r in h] == [
        ("deploy", "success"), ("deploy", "success"), ("deploy", "failed"), ("deploy", "success"),
        ("rollback", "success"), ("deploy", "success")]
    assert [r["build"]["number"] for r in h] == ["1", "2", "3", "4", "99", "5"]
    assert {r["build"]["job"] for r in h} == {scenario.target.job}


def test_the_four_numbers_from_real_deploys(scenario: Scenario) -> None:
    (job,) = scenario.report["jobs"]
    m = job["metrics"]
    h = scenario.history
    end = [r["started"] + r["duration"] for r in h]
    # 5 production deploys; failed changes: build 3 (health gate) and build 4 (rolled back)
    cfr = m["change_failure_rate"]
    assert (cfr["value"], cfr["events"], cfr["band"], cfr["too_little_data"]) == (0.4, 5, "low", None)
    assert [(f["kind"], f["image"]) for f in job["failures"]] == [
        ("failed", h[2]["image"]), ("rolled back", h[3]["image"])]
    # restore: the failed deploy's end -> build 4's end; build 4's end -> the rollback's end
    restores = sorted([end[3] - end[2], end[4] - end[3]])
    ttr = m["time_to_restore"]
    assert ttr["events"] == 2 and ttr["value"] == pytest.approx(sum(restores) / 2, abs=0.01)
    assert [f["restore_seconds"] for f in job["failures"]] == pytest.approx([end[3] - end[2], end[4] - end[3]])
    # lead time: build 1 is the baseline; build 2's deploy ships its commits, build 4's
    # deploy ships builds 3 and 4, build 5's deploy ships build 5
    c = scenario.commits
    leads = sorted([end[1] - t for t in c[2]] + [end[3] - t for t in c[3] + c[4]] + [end[5] - t for t in c[5]])
    lt = m["lead_time"]
    assert lt["events"] == 8
    assert lt["value"] == pytest.approx((leads[3] + leads[4]) / 2, abs=0.01)
    assert lt["band"] == "high"  # two to three hours: not under one, within a week
    assert lt["p90"] == pytest.approx(leads[6] + 0.3 * (leads[7] - leads[6]), abs=0.01)
    # frequency: 4 successful deploys, but the history is minutes old: too little data
    df = m["deployment_frequency"]
    assert df["events"] == 4 and df["band"] is None and "needs 7" in df["too_little_data"]
    health = job["build_health"]
    assert health["builds"] == 5 and health["success_rate"] == 0.8 and health["results"] == {
        "SUCCESS": 4, "UNSTABLE": 1}
    assert (health["queue_events"], health["queue_p50"], health["duration_p50"]) == (5, 3.0, 33.0)
    assert health["stage_data"] is True
    assert health["flaky_stages"] == [{"stage": "e2e", "runs": 5, "failed": 1, "flips": 2}]


def test_fix_window_marks_quick_redeploys(scenario: Scenario) -> None:
    # with the default hour, builds 1 and 2 were each followed by a successful deploy within
    # minutes: both count as fixed; build 5 has no successor
    (job,) = scenario.report_fix["jobs"]
    kinds = [f["kind"] for f in job["failures"]]
    assert kinds == ["fixed by next deploy", "fixed by next deploy", "failed", "rolled back"]
    assert job["metrics"]["change_failure_rate"]["value"] == pytest.approx(4 / 5)
    # this run found no stage view plugin: said once, no flakiest stages
    assert job["build_health"]["stage_data"] is False and job["build_health"]["flaky_stages"] == []
    assert [n for n in scenario.report_fix["notes"] if n.startswith("stage results not available")]


def test_text_report(scenario: Scenario) -> None:
    assert f"{scenario.target.job} ({scenario.target.env})" in scenario.text
    assert "change failure rate    40.0%" in scenario.text
    assert "too little data: the history covers" in scenario.text
    assert "flakiest stages        e2e (1 of 5 failed, 2 flips)" in scenario.text


def test_json_schema_is_stable(scenario: Scenario) -> None:
    r = scenario.report
    assert r["schema"] == "jenkinsbridge.metrics/1"
    # `ok` is the envelope every --json document carries (docs/cli.md)
    assert r["ok"] is True
    assert set(r) == {"ok", "schema", "generated", "env", "window", "definitions", "jobs", "notes", "html"}
    (job,) = r["jobs"]
    assert set(job) == {"job", "env", "has_env", "metrics", "weeks", "failures", "build_health", "notes"}
    assert set(job["metrics"]) == {"deployment_frequency", "lead_time", "change_failure_rate", "time_to_restore"}
    for f in job["metrics"].values():
        assert set(f) == {"metric", "value", "unit", "events", "how", "too_little_data", "p90", "band"}


def test_html_report_in_headless_chromium(scenario: Scenario) -> None:
    html = scenario.html.read_text()
    assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    page = open_page(scenario.html)
    assert page.console == []
    for metric in ("deployment_frequency", "lead_time", "change_failure_rate", "time_to_restore"):
        assert page.dom.count(f'class="chart chart-{metric}"') == 1
    assert page.dom.count("<rect") >= 4
    ink, colours = ink_fraction(page.screenshot)
    assert ink > 0.05 and colours > 20, (ink, colours)


def test_the_scenario_leaves_no_environment_behind(scenario: Scenario) -> None:
    assert os.environ.get("JENKINS_URL") != scenario.jd.url
    assert os.environ.get("JOB_NAME") != scenario.target.job
