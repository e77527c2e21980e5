"""The GitLab push trigger's secret token: never rendered, supplied by sync from the
environment variable JCasC reads for the same credentials ID, stored encrypted by Jenkins
(the double re-saves a Secret like core's Secret.ConverterImpl), and no drift afterwards."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from jenkinsbridge.casc.credentials import collect_credentials
from jenkinsbridge.cli.main import main
from jenkinsbridge.errors import UsageError
from jenkinsbridge.jenkins import Jenkins, Options
from jenkinsbridge.render import render_spec
from jenkinsbridge.spec import load_specs
from tests.support.jenkins_double import JenkinsDouble
from tests.support.jenkins_double.xstream import reveal

TOKEN = "tok-9f1c$'\"<&>]]>"  # hostile on purpose: XML, quotes, CDATA end
TRIGGER = "com.dabsquared.gitlabjenkins.GitLabPushTrigger"
SPEC = """version: 1
jobs:
  - name: hooked
    folder: team
    language: python
    source: {url: "https://gitlab.example.com:8443/acme/hooked.git", provider: gitlab,
             webhook_secret: gitlab-hook}
    triggers: {push: true}
  - name: plain
    folder: team
    language: python
    source: {url: "https://gitlab.example.com:8443/acme/plain.git", provider: gitlab}
    triggers: {push: true}
"""


def _spec(tmp_path: Path) -> Path:
    path = tmp_path / "hooks.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def _token(xml: str) -> str | None:
    root = ET.fromstring(xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml)
    trigger = root.find(f".//{TRIGGER}")
    assert trigger is not None
    return trigger.findtext("secretToken")


def test_token_reaches_jenkins_only_and_is_no_drift(jd: JenkinsDouble, client: Jenkins, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    jd.add_credentials("gitlab-hook")
    spec = load_specs([_spec(tmp_path)])
    result = render_spec(spec)
    # the rendered files carry no token and no element for it
    assert all("secretToken" not in j.config_xml and TOKEN not in j.config_xml for j in result.jobs)
    # the variable is the one the controller's JCasC reads for that credentials ID
    need = next(n for n in collect_credentials(spec) if n.id == "gitlab-hook")
    assert need.kind == "string" and need.var("secret") == "GITLAB_HOOK_SECRET"
    monkeypatch.setenv("GITLAB_HOOK_SECRET", TOKEN)

    report = client.sync(result)
    assert TOKEN not in json.dumps(report.to_dict()) and TOKEN not in report.text()
    saved = _token(jd.config("team/hooked"))
    assert saved is not None and saved.startswith("{") and TOKEN not in saved  # stored encrypted
    assert reveal(saved) == TOKEN  # what the plugin compares X-Gitlab-Token with
    assert _token(jd.config("team/plain")) is None  # no webhook_secret: no token, as before

    # Jenkins re-saves (and the pipelines run once): the encrypted token is not an edit
    jd.resave_all()
    assert _token(jd.config("team/hooked")) == saved  # a value it decrypts keeps its IV
    jd.reset_requests()
    drift = client.sync(result, options=Options(check_drift=True))
    assert drift.counts()["updated"] == 0 and jd.count("POST") == 0

    # a hand edit elsewhere in the job is restored, and the token with it
    jd.edit("team/hooked", "<includeBranchesSpec>main</includeBranchesSpec>",
            "<includeBranchesSpec>*</includeBranchesSpec>")
    fixed = client.sync(result, options=Options(check_drift=True))
    assert fixed.counts()["updated"] == 1
    assert reveal(_token(jd.config("team/hooked")) or "") == TOKEN


def test_missing_variable_is_bad_input_and_nothing_is_written(jd: JenkinsDouble, client: Jenkins, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    jd.add_credentials("gitlab-hook")
    monkeypatch.delenv("GITLAB_HOOK_SECRET", raising=False)
    result = render_spec(load_specs([_spec(tmp_path)]))
    with pytest.raises(UsageError, match=r"GITLAB_HOOK_SECRET \(for team/hooked\)"):
        client.sync(result)
    assert jd.item("team/hooked") is None and jd.item("team/plain") is None
    # a dry run says so as a warning and still shows the plan
    plan = client.sync(result, dry_run=True)
    assert any("GITLAB_HOOK_SECRET" in w for w in plan.warnings)


def test_cli_never_prints_the_token(jenv: JenkinsDouble, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    jenv.add_credentials("gitlab-hook")
    monkeypatch.setenv("GITLAB_HOOK_SECRET", TOKEN)
    spec = _spec(tmp_path)
    assert main(["sync", str(spec), "--json", "--no-progress", "-vv"]) == 0
    assert main(["sync", str(spec), "--dry-run", "--check-drift"]) == 0
    out = capsys.readouterr()
    assert TOKEN not in out.out and TOKEN not in out.err
    assert reveal(_token(jenv.config("team/hooked")) or "") == TOKEN
    jenv.edit("team/hooked", "<includeBranchesSpec>main</includeBranchesSpec>",
              "<includeBranchesSpec>*</includeBranchesSpec>")
    assert main(["sync", str(spec), "--dry-run", "--check-drift"]) == 0
    diff = capsys.readouterr().out
    # the diff shows the edit, not the encrypted token (nor its absence in the rendered copy)
    assert re.search(r"^- +<includeBranchesSpec>\*</includeBranchesSpec>$", diff, re.M) and "secretToken" not in diff
    monkeypatch.delenv("GITLAB_HOOK_SECRET")
    assert main(["sync", str(spec), "--check-drift", "--json"]) == 2
    err = json.loads(capsys.readouterr().out)
    assert err["ok"] is False and "GITLAB_HOOK_SECRET" in err["error"]
