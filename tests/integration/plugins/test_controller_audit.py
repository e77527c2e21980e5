"""plugins audit --controller against the Jenkins double: the installed plugins from
pluginManager/api and the core from the X-Jenkins header, checked against the
update-center fixture."""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path
from unittest import mock

from jenkinsbridge.cli.main import main
from tests.support.jenkins_double import JenkinsDouble

UC = Path(__file__).resolve().parents[2] / "fixtures" / "update-center" / "update-center.json"


def test_audit_of_a_running_controller() -> None:
    plugins = {"script-security": "1385.v7d3d3b_b_7a_2f3", "git": "5.6.0", "structs": "353.v261ea_40a_80fb_"}
    with JenkinsDouble(plugins=plugins) as jd:
        env = {"JENKINS_URL": jd.url, "JENKINS_USER": jd.user, "JENKINS_TOKEN": jd.token}
        out, err = io.StringIO(), io.StringIO()
        with mock.patch.dict(os.environ, env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--json", "plugins", "audit", "--controller", "--update-center", str(UC)])
    assert code == 1, err.getvalue()
    report = json.loads(out.getvalue())
    assert report["core"] == "2.462.3"  # the double's X-Jenkins
    # git 5.6.0 is affected; the fixed script-security is not; the core's LTS line is
    assert sorted((w["id"], w["name"], w["version"]) for w in report["warnings"]) == [
        ("SECURITY-3420", "git", "5.6.0"), ("SECURITY-3495", "core", "2.462.3")]
    assert [o["name"] for o in report["outdated"]] == ["git"]
    assert jd.token not in out.getvalue() + err.getvalue()
