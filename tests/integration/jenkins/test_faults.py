"""Faults in the middle of a sync: the controller restarts (connection refused for 10 s,
sessions gone), 503s while it starts up, an expired crumb. The sync finishes with every
item written once and whole: no duplicate, no half-written config."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from jenkinsbridge.jenkins import Jenkins
from jenkinsbridge.jenkins.stamp import c14n_in, content_hash
from jenkinsbridge.render import render_spec
from jenkinsbridge.spec import load_specs
from tests.support.jenkins_double import JenkinsDouble
from tests.support.jenkins_specs import write_spec

DOWN = 10.0


def test_controller_restart_in_the_middle_of_a_sync(jd: JenkinsDouble, tmp_path: Path) -> None:
    # a password session: its crumb dies with the restart too
    client = Jenkins(jd.url, jd.user, jd.password, timeout=5, backoff=0.05, workers=4)
    result = render_spec(load_specs([write_spec(tmp_path / "s.yaml", 40, views=["team"])]))
    restarted: list[threading.Thread] = []

    def progress(done: int, total: int, action: object) -> None:
        if done == 15 and not restarted:
            restarted.append(jd.restart(DOWN))

    fault = jd.fail(503, nth=5, times=3, method="POST", contains="createItem")  # "getting ready to work"
    started = time.monotonic()
    report = client.sync(result, progress=progress)
    took = time.monotonic() - started
    for t in restarted:
        t.join(timeout=30)
    assert restarted and took >= DOWN and fault.fired == 3  # it really waited the restart out
    assert report.counts()["created"] == 40 + 1 + 1
    assert jd.paths() == ["bench"] + [f"bench/job-{i:04d}" for i in range(40)]  # each once
    for i in range(40):  # whole: what is there is what was rendered
        xml = jd.config(f"bench/job-{i:04d}")
        assert c14n_in(xml) == content_hash(xml)
    assert sorted(jd.views("bench")["team"]) == [f"job-{i:04d}" for i in range(40)]
    refused_creates = [r for r in jd.requests if r.method == "POST" and "createItem" in r.path and r.status == 400]
    assert refused_creates == []  # never created twice
    assert client.api.stats["retries"] > 0

    jd.reset_requests()  # and a second run has nothing to do
    assert client.sync(result).counts()["unchanged"] == 42
    assert [r.method for r in jd.requests] == ["GET"]
