"""Least privilege: an account with only the permissions docs/jenkins.md lists for sync
syncs (the plugin check becomes a warning without Overall/SystemRead), and a 403 names the
permission Jenkins says is missing (X-Required-Permission)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jenkinsbridge.errors import PermissionDeniedError
from jenkinsbridge.jenkins import Jenkins, Options
from jenkinsbridge.render import render_spec
from jenkinsbridge.spec import load_specs
from tests.support.jenkins_double import JenkinsDouble
from tests.support.jenkins_specs import write_spec

# docs/jenkins.md, "Permissions": sync and sync --prune
SYNC = {"Overall/Read", "Job/Read", "Job/Create", "Job/Configure", "View/Read", "View/Create",
        "View/Configure", "Credentials/View"}
PRUNE = SYNC | {"Job/Delete", "View/Delete"}


def _render(path: Path):  # type: ignore[no-untyped-def]
    return render_spec(load_specs([path]))


def test_sync_account_without_system_read_syncs(jd: JenkinsDouble, tmp_path: Path) -> None:
    token = jd.security.add_user("jb-sync", "pw", permissions=PRUNE)
    client = Jenkins(jd.url, "jb-sync", token, backoff=0.01)
    spec = write_spec(tmp_path / "s.yaml", 4, views=["team"])
    report = client.sync(_render(spec))
    assert report.counts()["created"] == 4 + 1 + 1
    assert any("plugins not checked" in w and "Overall/Administer" in w and "workflow-job" in w
               for w in report.warnings), report.warnings
    assert jd.count("GET", "/pluginManager/api/json") == 1
    assert [r.status for r in jd.requests if r.path.startswith("/pluginManager")] == [403]
    report = client.sync(_render(write_spec(tmp_path / "s.yaml", 2, changed={0})), options=Options(prune=True))
    assert report.counts()["deleted"] == 3 and report.counts()["updated"] == 1  # two jobs and the view
    assert jd.paths() == ["bench", "bench/job-0000", "bench/job-0001"]


def test_a_missing_permission_is_named(jd: JenkinsDouble, tmp_path: Path) -> None:
    token = jd.security.add_user("jb-sync", "pw", permissions=SYNC - {"Job/Create"})
    client = Jenkins(jd.url, "jb-sync", token, backoff=0.01)
    with pytest.raises(PermissionDeniedError) as e:
        client.sync(_render(write_spec(tmp_path / "s.yaml", 1)))
    assert e.value.permission == "Job/Create" and "missing permission Job/Create" in str(e.value)
    assert "authenticated as jb-sync" in str(e.value)
    assert jd.paths() == []  # the folder was refused first: nothing half-written


def test_system_read_when_the_controller_enables_it(jd: JenkinsDouble, tmp_path: Path) -> None:
    jd.security.system_read = True
    token = jd.security.add_user("jb-sync", "pw", permissions=SYNC | {"Overall/SystemRead"})
    report = Jenkins(jd.url, "jb-sync", token, backoff=0.01).sync(_render(write_spec(tmp_path / "s.yaml", 1)))
    assert report.warnings == [] and report.counts()["created"] == 2
