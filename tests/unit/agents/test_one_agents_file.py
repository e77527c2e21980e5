"""The trial's agents.yaml is one file for both readers: the provisioner's parser takes it
(docker-plugin's keys as synonyms) and casc turns the same templates into a cloud."""

from __future__ import annotations

from pathlib import Path

from jenkinsbridge.agents.config import load_agents_config
from jenkinsbridge.agents.policy import check_templates
from jenkinsbridge.casc.agents import load_agents

TRIAL = Path(__file__).resolve().parents[3] / "jenkins-docker" / "controller" / "agents.yaml"


def test_the_trial_file_passes_both_readers() -> None:
    run = load_agents_config(TRIAL)
    check_templates(run)  # agents run would start with it
    cloud = load_agents(TRIAL)
    assert [(t.name, " ".join(t.labels), t.cap) for t in run.templates] == [
        (t.name, t.label, t.max_instances) for t in cloud.templates]
    assert run.max_agents == cloud.max_agents and run.pool.endpoint == cloud.docker_host


def test_mount_strings_and_objects_mean_the_same(tmp_path: Path) -> None:
    path = tmp_path / "agents.yaml"
    path.write_text("""
templates:
  - name: a
    labels: [x]
    image: agent:1
    mounts:
      - "type=bind,source=/srv/cache,target=/cache,readonly"
      - {source: /srv/cache, target: /cache}
      - "type=volume,src=m2,dst=/m2"
""", encoding="utf-8")
    (s, o, v) = load_agents_config(path).templates[0].mounts
    assert (s.kind, s.source, s.target, s.read_only) == (o.kind, o.source, o.target, o.read_only)
    assert (v.kind, v.source, v.target, v.read_only) == ("volume", "m2", "/m2", False)
    assert load_agents(path).templates[0].mounts[2] == "type=volume,source=m2,destination=/m2"
