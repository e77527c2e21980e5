"""`jenkinsbridge casc`: JCasC for a spec's credentials, the shared library and agent
clouds; valid against the plugins' schema, never a secret value, values never variables."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from jenkinsbridge.casc.agents import parse_agents
from jenkinsbridge.casc.render import LibrarySource, render_casc
from jenkinsbridge.casc.schema import check_casc
from jenkinsbridge.cli.main import main
from jenkinsbridge.errors import SpecError, UsageError
from jenkinsbridge.spec import load_spec_text, load_specs
from tests.unit.library.test_yaml_filter import HOSTILE, jcasc_resolve

ROOT = Path(__file__).resolve().parents[3]
SHOP = ROOT / "examples" / "shop.yaml"

SPEC = """\
version: 1
jobs:
  - name: api
    folder: shop
    language: python
    source: {url: "git@git.example.com:acme/api.git", credentials: git-ssh}
    image: {registry: "registry.example.com:5000", repository: acme/api, credentials: registry-creds}
    deploy:
      - {env: staging, target: swarm, endpoint: "tcp://swarm.example.com:2376", tls_credentials: swarm-tls}
    notify: {dingtalk: dingtalk-hook}
"""


def _creds(doc: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    entries = doc["credentials"]["system"]["domainCredentials"][0]["credentials"]
    return {body["id"]: (kind, body) for e in entries for kind, body in e.items()}


def test_spec_credentials_become_references(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("REGISTRY_CREDS_PASSWORD", "GIT_SSH_SSH_KEY", "DINGTALK_HOOK_SECRET", "SWARM_TLS_CLIENT_KEY"):
        monkeypatch.setenv(name, "s3cr3t-value-" + name)
    result = render_casc(load_spec_text(SPEC, "spec.yaml"))
    assert "s3cr3t-value" not in result.text
    doc = yaml.safe_load(result.text)
    assert check_casc(doc) == []
    creds = _creds(doc)
    assert {k: v[0] for k, v in creds.items()} == {
        "git-ssh": "basicSSHUserPrivateKey", "registry-creds": "usernamePassword",
        "swarm-tls": "x509ClientCert", "dingtalk-hook": "string"}
    assert creds["registry-creds"][1]["password"] == "${REGISTRY_CREDS_PASSWORD}"
    assert creds["git-ssh"][1]["username"] == "${GIT_SSH_USERNAME:-git}"
    assert creds["git-ssh"][1]["privateKeySource"] == {"directEntry": {"privateKey": "${GIT_SSH_SSH_KEY}"}}
    assert creds["swarm-tls"][1]["clientKeySecret"] == "${SWARM_TLS_CLIENT_KEY}"
    assert creds["dingtalk-hook"][1]["secret"] == "${DINGTALK_HOOK_SECRET}"
    assert all(body["scope"] == "GLOBAL" for _, body in creds.values())
    assert result.variables == tuple(sorted(result.variables))
    assert "REGISTRY_CREDS_PASSWORD" in result.variables and "SWARM_TLS_SERVER_CA" in result.variables
    lib = doc["unclassified"]["globalLibraries"]["libraries"][0]
    assert lib["name"] == "jenkinsbridge"
    assert lib["retriever"]["modernSCM"]["scm"]["git"]["remote"].startswith("${JB_LIBRARY_REMOTE:-/")
    assert "jenkins" not in doc  # no clouds without --agents


def test_example_spec_renders_valid_casc() -> None:
    result = render_casc(load_specs([SHOP]))
    doc = yaml.safe_load(result.text)
    assert check_casc(doc) == []
    assert set(_creds(doc)) == {"git-creds", "github-ssh", "registry-creds", "swarm-tls", "dingtalk-webhook"}


AGENTS = {
    "jenkins": {"url": "http://jenkins:8080/"},  # the provisioner's; casc ignores it
    "pool": {"docker_host": "tcp://pool.example.com:2376", "tls_credentials": "pool-tls", "max_agents": 8},
    "templates": [
        {"name": "python", "label": "python-build", "image": "registry.example.com:5000/agent-python:3.12",
         "cpus": 1.5, "memory": "2g", "environment": {"PIP_NO_CACHE_DIR": "1"}, "pull": "always",
         "pull_credentials": "registry-creds", "max_instances": 3, "mounts": ["type=tmpfs,destination=/tmp"]},
        {"label": "node", "image": "agent-node:20", "network": "builds"},
    ],
}


def test_agent_templates_become_a_docker_cloud() -> None:
    result = render_casc(load_spec_text(SPEC, "spec.yaml"), agents=parse_agents(AGENTS))
    doc = yaml.safe_load(result.text)
    assert check_casc(doc) == []
    (cloud,) = doc["jenkins"]["clouds"]
    docker = cloud["docker"]
    assert docker["dockerApi"] == {"dockerHost": {"uri": "tcp://pool.example.com:2376", "credentialsId": "pool-tls"}}
    assert docker["containerCap"] == 8
    py, node = docker["templates"]
    assert (py["labelString"], py["instanceCapStr"], py["pullStrategy"]) == ("python-build", "3", "PULL_ALWAYS")
    base = py["dockerTemplateBase"]
    assert (base["memoryLimit"], base["cpuPeriod"], base["cpuQuota"]) == (2048, 100000, 150000)
    assert base["environmentsString"] == "PIP_NO_CACHE_DIR=1"
    assert base["pullCredentialsId"] == "registry-creds"
    assert (node["name"], node["instanceCapStr"], node["dockerTemplateBase"]["network"]) == ("node", "", "builds")
    assert _creds(doc)["pool-tls"][0] == "x509ClientCert"


@pytest.mark.parametrize("value", [v for v in HOSTILE if v.strip() and "\n" not in v and "\r" not in v
                                   and not any(ord(c) < 0x20 for c in v)])
def test_hostile_values_stay_data(value: str) -> None:
    # labels, names and images are refused by agents.yaml's parser; free text stays data
    mounts = [{"source": value, "target": "/data"}] if "," not in value else []
    agents = parse_agents({"templates": [{"name": "t", "label": "l", "image": "agent:1", "network": value,
                                          "environment": {"V": value}, "mounts": mounts, "user": value,
                                          "remote_fs": value}]})
    result = render_casc(load_spec_text(SPEC, "spec.yaml"), agents=agents,
                         library=LibrarySource(remote=value, version=value))
    doc = yaml.safe_load(result.text)
    assert check_casc(doc) == []
    env = {"SECRET": "LEAKED", "ESCAPED": "LEAKED", "b": "LEAKED"}
    t = doc["jenkins"]["clouds"][0]["docker"]["templates"][0]
    for got in (t["dockerTemplateBase"]["network"], t["connector"]["attach"]["user"], t["remoteFs"]):
        assert jcasc_resolve(got, env) == value
    if mounts:
        kind = "bind" if value.startswith("/") else "volume"
        assert jcasc_resolve(t["dockerTemplateBase"]["mounts"][0], env) == (
            f"type={kind},source={value},destination=/data,readonly")
    assert jcasc_resolve(t["dockerTemplateBase"]["environmentsString"], env) == "V=" + value
    lib = doc["unclassified"]["globalLibraries"]["libraries"][0]
    assert jcasc_resolve(lib["defaultVersion"], env) == value
    assert jcasc_resolve(lib["retriever"]["modernSCM"]["scm"]["git"]["remote"], env) == value


def test_bad_input_is_refused() -> None:
    clash = SPEC.replace("credentials: registry-creds", "credentials: git-ssh")
    with pytest.raises(UsageError, match=r"'git-ssh' is used as an SSH private key .* and as a username"):
        render_casc(load_spec_text(clash, "spec.yaml"))
    twins = SPEC.replace("dingtalk: dingtalk-hook", "dingtalk: swarm.tls")
    with pytest.raises(UsageError, match="would share the secret names SWARM_TLS_"):
        render_casc(load_spec_text(twins, "spec.yaml"))
    for bad, message in [
        ({"templates": []}, "templates: List should have at least 1 item"),
        ({"templates": [{"image": "x"}]}, r"templates\[0\]\.labels: Field required"),
        ({"templates": [{"label": "l", "image": "x", "memory": "lots"}]}, "memory: String should match pattern"),
        ({"templates": [{"label": "l", "image": "x", "pull": "sometimes"}]}, "pull: Input should be 'never'"),
        ({"templates": [{"label": "l", "image": "x", "environment": {"A": "1\n2"}}]}, "line break"),
        ({"templates": [{"label": "l", "image": "x", "mounts": ["type=bind,target=/x"]}]}, "needs a source"),
        ({"templates": [{"label": "l", "image": "x", "labels": ["l"]}]}, "not both"),
        ({"templates": [{"label": "l", "image": "x"}, {"label": "l", "image": "y"}]}, "defined twice"),
    ]:
        with pytest.raises(SpecError, match=message):
            parse_agents(bad)
    with pytest.raises(UsageError, match="needs tls_credentials"):
        parse_agents({"pool": {"docker_host": "tcp://h:2376"}, "templates": [{"label": "l", "image": "x"}]})


def test_one_file_serves_the_provisioner_and_casc(tmp_path: Path) -> None:
    """agents run and casc --agents read the same file through the same parser."""
    from jenkinsbridge.agents.config import load_agents_config
    from jenkinsbridge.casc.agents import load_agents

    path = tmp_path / "agents.yaml"
    path.write_text(yaml.safe_dump(AGENTS), encoding="utf-8")
    run = load_agents_config(path)
    cloud = load_agents(path)
    assert [t.labels for t in run.templates] == [["python-build"], ["node"]]
    assert (run.templates[0].cap, run.max_agents, run.pool.endpoint) == (3, 8, "tcp://pool.example.com:2376")
    assert run.templates[0].env == {"PIP_NO_CACHE_DIR": "1"}
    assert run.templates[0].mounts[0].kind == "tmpfs" and run.templates[0].mounts[0].target == "/tmp"
    assert run.templates[0].pull_credentials is not None
    assert run.templates[0].pull_credentials.jenkins_id == "registry-creds"
    assert [t.name for t in cloud.templates] == [t.name for t in run.templates] == ["python", "node"]
    path.write_text("templates:\n  - {label: l, image: x, colour: red}\n", encoding="utf-8")
    for load in (load_agents_config, load_agents):
        with pytest.raises(SpecError, match=r"agents.yaml:2:\d+: .*unknown key 'colour'"):
            load(path)


def test_schema_check_finds_departures() -> None:
    doc = {
        "jenkins": {"securityRealm": {"local": {"users": [{"id": "admin", "password": "hunter2"}]}},
                    "numExecutors": "two", "clouds": [{"docker": {"name": "d"}}]},
        "credentials": {"system": {"domainCredentials": [{"credentials": [
            {"usernamePassword": {"id": "x", "password": "${X_PASSWORD}", "pasword": "typo"}},
            {"certificate": {"id": "y"}}]}]}},
        "unclassified": {"globalLibraries": {"libraries": [{"name": "l"}]}},
    }
    problems = check_casc(doc)
    expected = [
        "jenkins.securityRealm.local.users[0].password: a secret must be a ${NAME} reference, not a value",
        "jenkins.numExecutors: expected a number, got str",
        "jenkins.clouds[0].docker: missing 'dockerApi'",
        "credentials.system.domainCredentials[0].credentials[0].usernamePassword.pasword: unknown attribute",
        "credentials.system.domainCredentials[0].credentials[1]: unknown kind 'certificate'; known: "
        "usernamePassword, string, gitlabPersonalAccessToken, basicSSHUserPrivateKey, x509ClientCert",
        "unclassified.globalLibraries.libraries[0]: missing 'retriever'",
    ]
    assert sorted(problems) == sorted(expected)


def test_cli_writes_file_and_reports_secret_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "casc" / "jenkinsbridge.yaml"
    assert main(["casc", str(SHOP), "-o", str(out)]) == 0
    assert check_casc(yaml.safe_load(out.read_text(encoding="utf-8"))) == []
    said = capsys.readouterr().out
    assert "REGISTRY_CREDS_PASSWORD" in said and "wrote" in said
    assert main(["casc", str(SHOP), "-o", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err
    bad = tmp_path / "agents.yaml"
    bad.write_text("templates: nope\n", encoding="utf-8")
    target = tmp_path / "never.yaml"
    assert main(["casc", str(SHOP), "--agents", str(bad), "-o", str(target)]) == 2
    assert not target.exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and re.search(r"agents.yaml:1:\d+: templates: Input should be a valid list", err[0])


GITLAB = """\
version: 1
jobs:
  - name: a
    language: go
    type: multibranch
    source: {url: "https://gitlab.example.com:8443/g/a.git", provider: gitlab, credentials: gl-checkout,
             server_credentials: gl-api, webhook_secret: gl-hook}
  - name: b
    language: go
    type: multibranch
    source: {url: "git@gitlab.example.com:g/b.git", provider: gitlab}
  - name: c
    language: go
    type: multibranch
    source: {url: "https://gitlab.com/g/c.git", provider: gitlab}
  - name: d
    language: go
    type: multibranch
    source: {url: "https://github.com/g/d.git", provider: github}
  - name: e
    language: go
    source: {url: "https://gitlab.other.example.com/g/e.git", provider: gitlab}
"""


def test_gitlab_servers_come_from_the_sources() -> None:
    result = render_casc(load_spec_text(GITLAB))
    doc = yaml.safe_load(result.text)
    assert check_casc(doc) == []
    servers = {s["name"]: s for s in doc["unclassified"]["gitLabServers"]["servers"]}
    # a self-hosted server is named after its host (the multibranch source's serverName);
    # JCasC replaces the list, so gitlab.com's "default" server stays listed
    assert sorted(servers) == ["default", "gitlab.example.com", "gitlab.example.com:8443"]  # e: gitlab-plugin
    assert servers["default"]["serverUrl"] == "https://gitlab.com"
    own = servers["gitlab.example.com:8443"]
    assert own["serverUrl"] == "https://gitlab.example.com:8443"
    assert own["credentialsId"] == "gl-api" and own["manageWebHooks"] is True
    assert own["webhookSecretCredentialsId"] == "gl-hook"
    assert servers["gitlab.example.com"]["manageWebHooks"] is False
    creds = _creds(doc)
    assert creds["gl-api"][0] == "gitlabPersonalAccessToken" and creds["gl-api"][1]["token"] == "${GL_API_TOKEN}"
    assert creds["gl-hook"][0] == "string"


def test_one_gitlab_server_has_one_webhook_secret() -> None:
    text = GITLAB.replace("provider: gitlab}\n  - name: c", "provider: gitlab, webhook_secret: other}\n  - name: c")
    text = text.replace("git@gitlab.example.com:g/b.git", "https://gitlab.example.com:8443/g/b.git")
    problem = r"jobs a and b name different source.webhook_secret .*gitlab.example.com:8443"
    with pytest.raises(UsageError, match=problem):
        render_casc(load_spec_text(text))
