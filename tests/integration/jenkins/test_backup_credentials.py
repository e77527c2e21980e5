"""backup/restore and credentials apply against the Jenkins double."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from jenkinsbridge.cli.main import main
from jenkinsbridge.jenkins import Jenkins
from jenkinsbridge.render import render_spec
from jenkinsbridge.spec import load_specs
from tests.support.jenkins_double import JenkinsDouble
from tests.support.jenkins_specs import write_spec


def test_backup_restore_round_trip(jenv: JenkinsDouble, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    client = Jenkins(jenv.url, jenv.user, jenv.token)
    client.sync(render_spec(load_specs([write_spec(tmp_path / "a.yaml", 3, folder="shop/api", views=["py"])])))
    client.sync(render_spec(load_specs([write_spec(tmp_path / "b.yaml", 2, folder=None)])))
    client.api.create_view("", "mine", "<hudson.model.ListView><name>mine</name><jobNames>"
                                       "<string>job-0000</string></jobNames></hudson.model.ListView>")
    before = {p: jenv.config(p) for p in jenv.paths()}
    assert main(["backup", "-o", str(tmp_path / "bk")]) == 0
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert {i["path"] for i in manifest["items"]} == set(before)
    assert manifest["views"] == ["mine"]
    assert (tmp_path / "bk" / "items" / "shop" / "api" / "job-0001" / "config.xml").is_file()

    # lose everything, then restore
    for top in ["shop", "job-0000", "job-0001"]:
        client.api.delete_item(top)
    client.api.delete_view("", "mine")
    assert jenv.paths() == []
    capsys.readouterr()
    assert main(["--json", "restore", str(tmp_path / "bk")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["summary"] == {"created": len(before) + 1}
    assert {p: jenv.config(p) for p in jenv.paths()} == before
    assert jenv.views("shop/api")["py"] == ["job-0000", "job-0001", "job-0002"]
    assert jenv.views("")["mine"] == ["job-0000"]
    # restoring again changes nothing unless asked to
    jenv.reset_requests()
    assert main(["restore", str(tmp_path / "bk")]) == 0
    assert jenv.count("POST") == 0


def test_backup_leaves_folder_credentials_out_and_restore_keeps_them(jenv: JenkinsDouble, tmp_path: Path) -> None:
    client = Jenkins(jenv.url, jenv.user, jenv.token)
    client.sync(render_spec(load_specs([write_spec(tmp_path / "a.yaml", 1, folder="team")])))
    jenv.add_credentials("team-token", store="team", secret="t0ps3cret")
    assert "FolderCredentialsProperty" in client.api.item_config("team")  # Jenkins shows the store
    assert main(["backup", "-o", str(tmp_path / "bk")]) == 0
    saved = (tmp_path / "bk" / "items" / "team" / "config.xml").read_text(encoding="utf-8")
    assert "FolderCredentialsProperty" not in saved and "team-token" not in saved and "{" not in saved
    assert main(["restore", str(tmp_path / "bk"), "--overwrite"]) == 0
    assert set(jenv.credentials("team")) == {"team-token"}
    assert "t0ps3cret" in jenv.credentials("team")["team-token"]


def test_backup_refuses_a_non_empty_directory(jenv: JenkinsDouble, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "x").write_text("x")
    assert main(["backup", "-o", str(tmp_path / "bk")]) == 2
    assert "not empty" in capsys.readouterr().err


def test_credentials_apply(jenv: JenkinsDouble, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    client = Jenkins(jenv.url, jenv.user, jenv.token)
    client.sync(render_spec(load_specs([write_spec(tmp_path / "s.yaml", 1, folder="shop")])))
    hostile = "p&ss<w>rd]]>'\"${x}"
    monkeypatch.setenv("GIT_PW", hostile)
    monkeypatch.setenv("HOOK", "https://oapi.example.com/robot/send?access_token=abc")
    key = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
    (tmp_path / "id_ed25519").write_text(key)
    (tmp_path / "client.p12").write_bytes(b"\x30\x82\x01\x00binary")
    (tmp_path / "kubeconfig").write_text("apiVersion: v1\n")
    creds = tmp_path / "creds.yaml"
    creds.write_text(f"""
credentials:
  - {{id: git-creds, type: username_password, username: ci, password: {{env: GIT_PW}}, description: git}}
  - {{id: dingtalk-webhook, type: secret_text, secret: {{env: HOOK}}}}
  - {{id: github-ssh, type: ssh_key, username: git, private_key: {{file: {tmp_path}/id_ed25519}}, folder: shop}}
  - {{id: swarm-tls, type: certificate, keystore: {{file: {tmp_path}/client.p12}}, password: {{env: GIT_PW}}}}
  - {{id: kube, type: secret_file, file: {{file: {tmp_path}/kubeconfig}}}}
""")
    assert main(["credentials", "apply", str(creds)]) == 0
    out = capsys.readouterr()
    assert hostile not in out.out + out.err and "abc" not in out.out + out.err
    system = jenv.credentials("")
    assert set(system) == {"git-creds", "dingtalk-webhook", "swarm-tls", "kube"}
    assert set(jenv.credentials("shop")) == {"github-ssh"}
    import xml.etree.ElementTree as ET

    root = ET.fromstring(system["git-creds"])
    assert root.tag == "com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl"
    assert root.findtext("password") == hostile and root.findtext("username") == "ci"
    cert = ET.fromstring(system["swarm-tls"])
    assert base64.b64decode(cert.findtext("keyStoreSource/uploadedKeystoreBytes") or "") == b"\x30\x82\x01\x00binary"
    kube = ET.fromstring(system["kube"])
    assert kube.findtext("fileName") == "kubeconfig"
    ssh = ET.fromstring(jenv.credentials("shop")["github-ssh"])
    assert "OPENSSH" in (ssh.findtext("privateKeySource/privateKey") or "")
    # a second apply updates in place
    monkeypatch.setenv("GIT_PW", "new")
    assert main(["--json", "credentials", "apply", str(creds)]) == 0
    rows = json.loads(capsys.readouterr().out)["credentials"]
    assert {r["result"] for r in rows} == {"updated"}
    assert ET.fromstring(jenv.credentials("")["git-creds"]).findtext("password") == "new"


def test_credentials_refuse_inline_secrets(jenv: JenkinsDouble, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    creds = tmp_path / "c.yaml"
    creds.write_text("credentials:\n  - {id: x, type: secret_text, secret: hunter2}\n")
    assert main(["credentials", "apply", str(creds)]) == 2
    err = capsys.readouterr().err
    assert "{env: NAME} or {file: PATH}" in err and "hunter2" not in err
    assert jenv.requests == []  # nothing sent
