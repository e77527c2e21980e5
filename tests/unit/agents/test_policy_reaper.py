from __future__ import annotations

import logging
from typing import Any

import pytest

from jenkinsbridge.agents.backends import RunningAgent
from jenkinsbridge.agents.config import AgentsConfig
from jenkinsbridge.agents.policy import check_templates
from jenkinsbridge.agents.reaper import reap
from jenkinsbridge.errors import UsageError
from tests.unit.agents.fakes import FakeBackend, FakeController


def cfg(template: dict[str, Any], **over: Any) -> AgentsConfig:
    base = {"name": "t", "labels": ["x"], "image": "img:1"}
    return AgentsConfig.model_validate({"templates": [{**base, **template}], **over})


@pytest.mark.parametrize("template,needle", [
    ({"privileged": True}, "privileged mode"),
    ({"network": "host"}, "the host network"),
    ({"mounts": [{"source": "/var/run/docker.sock", "target": "/var/run/docker.sock"}]}, "Docker socket"),
    ({"mounts": [{"source": "/etc", "target": "/host-etc"}]}, "outside allowed_host_paths"),
])
def test_unsafe_templates_are_refused(template: dict[str, Any], needle: str) -> None:
    with pytest.raises(UsageError, match=needle):
        check_templates(cfg(template))


def test_allowed_paths_and_explicit_opt_in(caplog: pytest.LogCaptureFixture) -> None:
    check_templates(cfg({"mounts": [{"source": "/var/cache/jb/m2", "target": "/m2"}]},
                        allowed_host_paths=["/var/cache/jb"]))
    check_templates(cfg({"mounts": [{"source": "named-volume", "target": "/cache"}]}))
    with caplog.at_level(logging.WARNING):
        check_templates(cfg({"privileged": True, "allow_unsafe": True}))
    assert "privileged mode" in caplog.text


def test_reaper_touches_only_ours_after_grace() -> None:
    ctl, be = FakeController(), FakeBackend()
    now = 10_000.0
    ours_orphan = RunningAgent("jb-me-t-1-aa", "t", "me", now - 120, "running", "c1")
    ours_young = RunningAgent("jb-me-t-2-bb", "t", "me", now - 5, "running", "c2")
    ours_old = RunningAgent("jb-me-t-3-cc", "t", "me", now - 99_999, "running", "c3")
    theirs = RunningAgent("jb-other-t-1-dd", "t", "other", now - 99_999, "running", "c4")
    for a in (ours_orphan, ours_young, ours_old, theirs):
        be.running[a.node] = a
    ctl.connect("jb-me-t-3-cc")
    ctl.create_node("jb-me-t-9-ee", ["x"], "/w", f"created {now - 500:.0f}")  # container gone
    ctl.create_node("jb-me-t-8-ff", ["x"], "/w", f"created {now - 3:.0f}")  # too young
    ctl.connect("someone-elses-node")
    report = reap(ctl, be, "me", grace=60, max_age=3600, clock=lambda: now)  # type: ignore[arg-type]
    assert sorted(report.containers_removed) == ["jb-me-t-1-aa", "jb-me-t-3-cc"]
    assert sorted(report.nodes_deleted) == ["jb-me-t-3-cc", "jb-me-t-9-ee"]
    assert "jb-other-t-1-dd" in be.running and "someone-elses-node" in ctl.nodes_
    assert "jb-me-t-2-bb" in be.running and "jb-me-t-8-ff" in ctl.nodes_


def test_reaper_keeps_a_node_it_cannot_read_and_skips_one_gone() -> None:
    from jenkinsbridge.errors import JenkinsServerError, NotFoundError

    now = 10_000.0
    failures: dict[str, Exception] = {
        "jb-me-t-1-aa": JenkinsServerError("read node jb-me-t-1-aa: HTTP 500", status=500),
        "jb-me-t-2-bb": NotFoundError("read node jb-me-t-2-bb: HTTP 404", status=404),
        "jb-me-t-3-cc": KeyError("a bug"),
    }

    class Flaky(FakeController):
        def node_info(self, name: str) -> dict[str, str]:
            if name in failures:
                raise failures[name]
            return super().node_info(name)

    ctl, be = Flaky(), FakeBackend()
    for name in ("jb-me-t-1-aa", "jb-me-t-2-bb", "jb-me-t-4-dd"):
        ctl.create_node(name, ["x"], "/w", f"created {now - 500:.0f}")
    report = reap(ctl, be, "me", grace=60, max_age=3600, clock=lambda: now)  # type: ignore[arg-type]
    assert report.nodes_deleted == ["jb-me-t-4-dd"]  # readable and old: reaped
    assert "jb-me-t-1-aa" in ctl.nodes_ and report.kept == 1  # a 500 is no reason to delete
    assert ("delete", "jb-me-t-2-bb") not in ctl.calls  # gone already: nothing to do
    ctl.create_node("jb-me-t-3-cc", ["x"], "/w", f"created {now - 500:.0f}")
    with pytest.raises(KeyError):  # a bug is not swallowed (the sweeper logs it)
        reap(ctl, be, "me", grace=60, max_age=3600, clock=lambda: now)  # type: ignore[arg-type]
