"""Builds read from the Jenkins double (tests/support/jenkins_double/builds.py follows
Job.java, Run.java, WorkflowRun.java and the git plugin's GitChangeSet): one request per
folder, all runs past the 100 that ``builds`` holds, change sets as the git plugin
exports them."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from urllib.parse import quote, unquote

import pytest

from jenkinsbridge.jenkins.wire import JenkinsWire
from jenkinsbridge.metrics.jenkins_source import builds_query, read_builds
from tests.support.jenkins_double import JenkinsDouble
from tests.support.jenkins_double.builds import GitCommit, add_run

FOLDER = "<com.cloudbees.hudson.plugins.folder.Folder><description/></com.cloudbees.hudson.plugins.folder.Folder>"
PIPELINE = "<flow-definition><description/></flow-definition>"
FREESTYLE = "<project><description/></project>"
T0 = 1_793_491_200.0  # 2026-11-01T00:00Z


@pytest.fixture
def jd() -> Iterator[JenkinsDouble]:
    with JenkinsDouble() as double:
        double.put("shop", FOLDER)
        double.put("shop/api", PIPELINE)
        double.put("shop/web", FREESTYLE)
        double.put("tools", PIPELINE)
        for n in range(1, 131):  # more than the 100 `builds` holds
            result = "FAILURE" if n % 10 == 0 else "SUCCESS"
            add_run(double, "shop/api", result=result, timestamp=T0 + n * 600, duration=90 + n,
                    commits=(GitCommit(f"{n:040x}", T0 + n * 600 - 300, f"change {n}\n\nbody"),))
        add_run(double, "shop/api", result=None, timestamp=T0 + 131 * 600)  # still building
        add_run(double, "shop/web", timestamp=T0, commits=(GitCommit("f" * 40, T0 - 60),))
        add_run(double, "tools", timestamp=T0)
        yield double


def _get(jd: JenkinsDouble, path: str) -> dict:  # type: ignore[type-arg]
    req = urllib.request.Request(jd.url + path, headers={"Authorization": _basic(jd)})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())  # type: ignore[no-any-return]


def _basic(jd: JenkinsDouble) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{jd.user}:{jd.token}".encode()).decode()


def test_the_double_exports_runs_like_jenkins(jd: JenkinsDouble) -> None:
    data = _get(jd, "job/shop/job/api/api/json")
    assert len(data["builds"]) == 100 and "allBuilds" not in data  # Job.getNewBuilds(); visibility -2
    assert data["builds"][0]["number"] == 131 and set(data["builds"][0]) == {"_class", "number", "url"}
    assert data["lastCompletedBuild"]["number"] == 130 and data["lastSuccessfulBuild"]["number"] == 129
    deep = _get(jd, "job/shop/job/api/api/json?depth=3")
    assert len(deep["allBuilds"]) == 131
    tree = _get(jd, "job/shop/job/api/api/json?tree=" + quote("allBuilds[number,result]{2,5}"))
    assert [b["number"] for b in tree["allBuilds"]] == [129, 128, 127]
    assert _get(jd, "job/shop/job/api/api/json?tree=" + quote("allBuilds[number]{3}"))["allBuilds"] == [
        {"_class": "org.jenkinsci.plugins.workflow.job.WorkflowRun", "number": 128}]
    one = _get(jd, "job/shop/job/api/api/json?tree=" + quote(
        "allBuilds[number,timestamp,duration,building,changeSets[kind,items[commitId,timestamp,msg,comment]]]{1}"))
    run = one["allBuilds"][0]
    assert run["timestamp"] == int((T0 + 130 * 600) * 1000) and run["duration"] == 220_000
    entry = run["changeSets"][0]["items"][0]
    assert run["changeSets"][0]["kind"] == "git"
    assert entry == {"_class": "hudson.plugins.git.GitChangeSet", "commitId": f"{130:040x}",
                     "timestamp": int((T0 + 130 * 600 - 300) * 1000), "msg": "change 130",
                     "comment": "change 130\n\nbody\n"}
    web = _get(jd, "job/shop/job/web/api/json?tree=" + quote("allBuilds[changeSet[items[commitId]],changeSets]"))
    assert web["allBuilds"][0]["changeSet"]["items"] == [
        {"_class": "hudson.plugins.git.GitChangeSet", "commitId": "f" * 40}]
    assert "changeSets" not in web["allBuilds"][0]  # AbstractBuild does not export it


def test_read_builds_one_request_per_folder(jd: JenkinsDouble) -> None:
    wire = JenkinsWire(jd.url, jd.user, jd.token, timeout=10)
    jd.reset_requests()
    got = read_builds(wire, ["shop/api", "shop/web", "tools", "shop/gone"], limit=500)
    assert [(r.method, r.path) for r in jd.requests] == [("GET", "/api/json"), ("GET", "/job/shop/api/json")]
    assert {unquote(r.query) for r in jd.requests} == {"tree=" + builds_query(500)}
    api = got["shop/api"]
    assert len(api) == 131 and api[0].number == 131 and api[0].result is None
    done = api[1]
    assert (done.number, done.result, done.started, done.duration) == (130, "FAILURE", T0 + 130 * 600, 220.0)
    assert [(c.id, c.time) for c in done.commits] == [(f"{130:040x}", T0 + 130 * 600 - 300)]
    assert done.queue_id == 130
    assert [c.id for c in got["shop/web"][0].commits] == ["f" * 40]
    assert len(got["tools"]) == 1 and got["shop/gone"] == []


def test_the_range_limits_what_is_read(jd: JenkinsDouble) -> None:
    wire = JenkinsWire(jd.url, jd.user, jd.token, timeout=10)
    got = read_builds(wire, ["shop/api"], limit=7)
    assert [b.number for b in got["shop/api"]] == list(range(131, 124, -1))


@pytest.mark.parametrize(("text", "expected"), [
    ("0,5", (0, 5)), ("3", (3, 4)), (",7", (0, 7)), ("4,", (4, 2**31 - 1)), ("2,1", (2, 1))])
def test_ranges_parse_as_stapler_does(text: str, expected: tuple[int, int]) -> None:
    from tests.support.jenkins_double.builds import parse_range

    assert parse_range(text) == expected


@pytest.mark.parametrize("text", ["", "a", "1,b", "-1,2", ","])
def test_bad_ranges_are_refused(jd: JenkinsDouble, text: str) -> None:
    import urllib.error

    with pytest.raises(urllib.error.HTTPError) as e:
        _get(jd, "job/shop/job/api/api/json?tree=" + quote(f"allBuilds[number]{{{text}}}"))
    # Jenkins: 500 (stapler ResponseImpl.serveExposedBean turns the parse error into a
    # ServletException, answered with the "oops" page)
    assert e.value.code == 500


def test_stage_results_from_the_stage_view_api(jd: JenkinsDouble) -> None:
    from jenkinsbridge.metrics.stages import flaky_stages, read_stage_runs

    wire = JenkinsWire(jd.url, jd.user, jd.token, timeout=10)
    assert read_stage_runs(wire, "shop/api") is None  # no pipeline-stage-view plugin: 404
    jd.set_plugin("pipeline-stage-view", "2.34")
    for n, it in enumerate(["SUCCESS", "FAILED", "SUCCESS", "FAILED", "SUCCESS", "SUCCESS"]):
        add_run(jd, "tools", timestamp=T0 + 600 * (n + 1), result="SUCCESS" if it == "SUCCESS" else "FAILURE",
                stages=(("build", "SUCCESS", 30.0), ("it", it, 60.0),
                        ("deploy", "SUCCESS" if it == "SUCCESS" else "NOT_EXECUTED", 5.0)))
    raw = _get(jd, "job/tools/wfapi/runs")
    assert len(raw) == 7 and raw[0]["id"] == "7" and raw[0]["name"] == "#7" and raw[1]["status"] == "SUCCESS"
    assert [s["name"] for s in raw[0]["stages"]] == ["build", "it", "deploy"]
    assert raw[2]["status"] == "FAILED" and raw[2]["stages"][2]["status"] == "NOT_EXECUTED"
    runs = read_stage_runs(wire, "tools")
    assert runs is not None and [r.number for r in runs] == [7, 6, 5, 4, 3, 2, 1]
    # `it`: S F S F S S -> 2 of 6 failed, 4 flips; build and deploy never failed when they ran
    assert flaky_stages(runs) == [{"stage": "it", "runs": 6, "failed": 2, "flips": 4}]
    for n in range(8, 20):
        add_run(jd, "tools", timestamp=T0 + 600 * n)
    assert len(_get(jd, "job/tools/wfapi/runs")) == 10  # JobExt.MAX_RUNS_PER_JOB_DEFAULT
    with pytest.raises(Exception, match="404"):
        wire.json("job/shop/job/web/wfapi/runs", action="freestyle")  # only pipelines have it
