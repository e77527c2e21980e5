"""The controller's shipped files: JCasC valid against the plugins' schema with no secret
value, the generated casc file current, the Dockerfiles taking their base as an ARG."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from jenkinsbridge.casc.agents import load_agents
from jenkinsbridge.casc.render import render_casc
from jenkinsbridge.casc.schema import check_casc
from jenkinsbridge.render.core import job_context
from jenkinsbridge.spec import load_specs
from jenkinsbridge.spec.labels import parse_label_expression

ROOT = Path(__file__).resolve().parents[3]
CONTROLLER = ROOT / "jenkins-docker" / "controller"
CASC = CONTROLLER / "casc"


def _leaves(node: Any, path: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for k, v in node.items():
            out.update(_leaves(v, f"{path}.{k}" if path else k))
        return out
    return {path: node}


def test_casc_files_are_valid_and_merge_without_conflict() -> None:
    files = sorted(CASC.glob("*.yaml"))
    assert {f.name for f in files} == {"controller.yaml", "jenkinsbridge.yaml"}
    seen: dict[str, str] = {}
    for f in files:
        doc = yaml.safe_load(f.read_text(encoding="utf-8"))
        assert check_casc(doc) == [], f.name
        for leaf in _leaves(doc):  # JCasC merges files; the same leaf twice is an error
            assert leaf not in seen, f"{leaf} set in {seen.get(leaf)} and {f.name}"
            seen[leaf] = f.name
    controller = yaml.safe_load((CASC / "controller.yaml").read_text(encoding="utf-8"))["jenkins"]
    assert controller["numExecutors"] == 0
    assert controller["slaveAgentPort"] == "${JENKINS_AGENT_PORT:-50000}"
    users = {u["id"]: u["password"] for u in controller["securityRealm"]["local"]["users"]}
    assert users == {"${JENKINS_ADMIN_ID:-admin}": "${JENKINS_ADMIN_PASSWORD}",
                     "${JENKINS_SYNC_ID:-jb-sync}": "${JENKINS_SYNC_PASSWORD}",
                     "${JENKINS_AGENTS_ID:-jb-agents}": "${JENKINS_AGENTS_PASSWORD}"}
    entries = controller["authorizationStrategy"]["globalMatrix"]["entries"]
    grants = {(kind, e["name"]): set(e["permissions"]) for entry in entries for kind, e in entry.items()}
    assert grants[("user", "${JENKINS_ADMIN_ID:-admin}")] == {"Overall/Administer"}
    # no one else administers; the provisioner manages agents and nothing else
    assert all("Overall/Administer" not in p for k, p in grants.items() if k[1] != "${JENKINS_ADMIN_ID:-admin}")
    assert {p.split("/")[0] for p in grants[("user", "${JENKINS_AGENTS_ID:-jb-agents}")]} == {"Overall", "Job", "Agent"}
    assert grants[("group", "authenticated")] == {"Overall/Read", "Job/Read", "Job/Build", "Job/Cancel", "View/Read"}


def test_no_secret_value_in_casc_files() -> None:
    for f in sorted(CASC.glob("*.yaml")):
        for path, value in _leaves(yaml.safe_load(f.read_text(encoding="utf-8"))).items():
            if re.search(r"(?i)password|secret|key|token|privateKey|certificate", path.rsplit(".", 1)[-1]):
                assert re.fullmatch(r"\$\{[A-Z0-9_]+\}", str(value)), f"{f.name}: {path} holds a value"


def test_generated_casc_is_current() -> None:
    fresh = render_casc(load_specs([ROOT / "examples" / "shop.yaml"])).text
    assert (CASC / "jenkinsbridge.yaml").read_text(encoding="utf-8") == fresh, (
        "regenerate: jenkinsbridge casc examples/shop.yaml -o jenkins-docker/controller/casc/jenkinsbridge.yaml")


def test_trial_agents_config_renders_a_valid_cloud() -> None:
    agents = load_agents(CONTROLLER / "agents.yaml")
    doc = yaml.safe_load(render_casc(load_specs([ROOT / "examples" / "shop.yaml"]), agents=agents).text)
    assert check_casc(doc) == []
    labels = [set(t["labelString"].split()) for t in doc["jenkins"]["clouds"][0]["docker"]["templates"]]
    # every stage of the example jobs finds a template: the build's language and toolchain
    # version (python && python-3.13), and the tools agent of Image and Deploy
    for job in load_specs([ROOT / "examples" / "shop.yaml"]).jobs:
        ctx = job_context(job)
        for expr in (ctx["label"], ctx["tools_label"]):
            parsed = parse_label_expression(expr)
            assert any(parsed.matches(ls) for ls in labels), (job.name, expr)


def test_dockerfiles_take_their_base_as_an_arg() -> None:
    for name in ("Dockerfile", "provisioner.Dockerfile"):
        text = (CONTROLLER / name).read_text(encoding="utf-8")
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
        assert re.fullmatch(r"ARG BASE_IMAGE=\S+", lines[0]), name
        assert lines[1] == "FROM ${BASE_IMAGE}", name
    controller = (CONTROLLER / "Dockerfile").read_text(encoding="utf-8")
    assert "jenkins/jenkins:" in controller and "-lts-" in controller
    for src in re.findall(r"^COPY (?:--chown=\S+ )?(\S+) ", controller, re.M):  # context: jenkins-docker/
        assert (ROOT / "jenkins-docker" / src).exists(), src
    for src in re.findall(r"^COPY (.+) \S+$", (CONTROLLER / "provisioner.Dockerfile").read_text(), re.M):
        for part in src.split():  # context: the repository root
            assert (ROOT / part).exists(), part
