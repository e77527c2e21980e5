"""Semantic drift and read-modify-write, against the double that re-saves like Jenkins:
after Jenkins re-saved every item (and every declarative pipeline ran once) a drift check
writes nothing; hand edits are found and restored with one write each, or kept; a folder's
credentials, other properties and foreign views survive syncs that change the folder."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import requests

from jenkinsbridge.jenkins import Jenkins, Options
from jenkinsbridge.render import MANAGED_MARKER, RenderResult, render_spec
from jenkinsbridge.spec import load_specs
from tests.support.jenkins_double import JenkinsDouble

NAMES = ["script", "trigger", "param", "scm", "discarder", "untouched"]


def _spec(tmp_path: Path) -> RenderResult:
    jobs = "".join(f"""
  - name: {n}
    language: python
    version: "3.12"
    views: [team-view]
    source: {{url: "https://git.example.com/acme/{n}.git", branch: main}}
    triggers: {{poll: "H/5 * * * *", cron: "@midnight"}}
    keep: {{builds: 20}}
    parameters:
      - {{name: GOALS, default: verify, description: "what 'to' run & why"}}
      - {{name: NOTES, type: text, default: "line one\\nline two"}}
      - {{name: SKIP_IT, type: boolean, default: true}}
      - {{name: PROFILE, type: choice, choices: [dev, prod]}}
""" for n in NAMES)
    jobs += """
  - name: fromscm
    language: python
    jenkinsfile: scm
    source: {url: "https://git.example.com/acme/fromscm.git", branch: main}
    keep: {builds: 20}
"""
    path = tmp_path / "drift.yaml"
    path.write_text("version: 1\ndefaults: {folder: team}\njobs:" + jobs, encoding="utf-8")
    return render_spec(load_specs([path]))


def _posts(jd: JenkinsDouble) -> list[str]:
    return sorted(r.path for r in jd.requests if r.method == "POST")


def test_resave_is_not_drift_and_hand_edits_are(jd: JenkinsDouble, client: Jenkins, tmp_path: Path) -> None:
    result = _spec(tmp_path)
    client.sync(result)
    assert jd.resave_all() == len(NAMES) + 2
    saved = jd.config("team/script")
    # what Jenkins wrote differs from what we posted, in form only
    assert 'plugin="workflow-job@' in saved and "DeclarativeJobPropertyTrackerAction" in saved
    assert "<abortPrevious>false</abortPrevious>" in saved and "&apos;" in saved
    jd.reset_requests()
    report = client.sync(result, options=Options(check_drift=True))
    assert _posts(jd) == [] and report.counts()["updated"] == 0, report.text()

    jd.edit("team/script", "stage(&apos;", "stage(&apos;hand-")
    jd.edit("team/trigger", "<spec>H/5 * * * *</spec>", "<spec>H/9 * * * *</spec>")
    jd.edit("team/param", "<defaultValue>verify</defaultValue>", "<defaultValue>deploy</defaultValue>")
    jd.edit("team/scm", "https://git.example.com/acme/scm.git", "https://git.example.com/evil/scm.git")
    jd.edit("team/discarder", "<numToKeep>20</numToKeep>", "<numToKeep>5</numToKeep>")
    jd.edit("team/fromscm", "<url>https://git.example.com/acme/fromscm.git</url>",
            "<url>https://git.example.com/evil/fromscm.git</url>")
    edited = {f"team/{n}" for n in NAMES if n != "untouched"} | {"team/fromscm"}

    jd.reset_requests()
    kept = client.sync(result, options=Options(check_drift=True, keep_manual=True))
    assert _posts(jd) == []
    assert {a.key for a in kept.actions if a.op == "kept"} == edited

    jd.reset_requests()
    report = client.sync(result, options=Options(check_drift=True))
    assert _posts(jd) == sorted(f"/job/team/job/{p.split('/')[1]}/config.xml" for p in edited)  # one write each
    assert {a.key for a in report.actions if a.manual} == edited
    assert "H/9" not in jd.config("team/trigger") and "evil" not in jd.config("team/scm")

    jd.resave_all()  # Jenkins saves what we wrote in its own way, pipelines run again
    jd.reset_requests()
    client.sync(result, options=Options(check_drift=True))
    assert _posts(jd) == []


def _with_folder_description(result: RenderResult, text: str) -> RenderResult:
    folders = tuple(dataclasses.replace(f, config_xml=f.config_xml.replace(
        f"<description>{MANAGED_MARKER}", f"<description>{MANAGED_MARKER} {text}")) for f in result.folders)
    return dataclasses.replace(result, folders=folders)


def test_folder_credentials_properties_and_views_survive_syncs(
    jd: JenkinsDouble, client: Jenkins, tmp_path: Path,
) -> None:
    result = _spec(tmp_path)
    client.sync(result)
    s = requests.Session()
    s.auth = (jd.user, jd.token)
    cred = ("<org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl><scope>GLOBAL</scope>"
            "<id>team-token</id><description/><secret>t0ps3cret</secret>"
            "</org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl>")
    r = s.post(jd.url + "job/team/credentials/store/folder/domain/_/createCredentials", data=cred,
               headers={"Content-Type": "application/xml"}, timeout=5)
    assert r.status_code == 200
    view = ("<hudson.model.ListView><name>theirs</name><properties class=\"hudson.model.View$PropertyList\"/>"
            "<jobNames><string>script</string></jobNames></hudson.model.ListView>")
    assert s.post(jd.url + "job/team/createView?name=theirs", data=view,
                  headers={"Content-Type": "application/xml"}, timeout=5).status_code == 200
    # a folder property someone set in the UI
    jd.set_config("team", jd.config("team").replace(
        "<healthMetrics/>", "<healthMetrics><com.cloudbees.hudson.plugins.folder.health.WorstChildHealthMetric>"
        "<nonRecursive>false</nonRecursive></com.cloudbees.hudson.plugins.folder.health.WorstChildHealthMetric>"
        "</healthMetrics>"))
    for n in range(3):
        jd.reset_requests()
        report = client.sync(_with_folder_description(result, f"v{n}"))
        assert [a.op for a in report.actions if a.kind == "folder"] == ["update"]
        assert "/job/team/config.xml" in _posts(jd)
        assert set(jd.credentials("team")) == {"team-token"}
        assert "t0ps3cret" in jd.credentials("team")["team-token"]
        assert set(jd.views("team")) >= {"theirs", "team-view", "All"}
        assert "WorstChildHealthMetric" in jd.config("team") and f"v{n}" in jd.config("team")


def test_posting_a_folder_without_its_credentials_property_drops_them(jd: JenkinsDouble) -> None:
    """The double is strict like cloudbees-folder: the store is part of config.xml."""
    jd.put("f", "<com.cloudbees.hudson.plugins.folder.Folder><description/><properties/>"
                "</com.cloudbees.hudson.plugins.folder.Folder>")
    jd.add_credentials("c1", store="f")
    s = requests.Session()
    s.auth = (jd.user, jd.token)
    shown = s.get(jd.url + "job/f/config.xml", timeout=5).text
    assert "FolderCredentialsProperty" in shown and "<id>c1</id>" in shown and "s3cret" not in shown
    assert s.post(jd.url + "job/f/config.xml", data=shown, timeout=5).status_code == 200
    assert set(jd.credentials("f")) == {"c1"} and "s3cret" in jd.credentials("f")["c1"]
    bare = ("<com.cloudbees.hudson.plugins.folder.Folder><description/><properties/>"
            "</com.cloudbees.hudson.plugins.folder.Folder>")
    assert s.post(jd.url + "job/f/config.xml", data=bare, timeout=5).status_code == 200
    assert jd.credentials("f") == {}
