"""The deploy templates: nginx weights, the swarm split, compose values that cannot
inject YAML or compose interpolation, and refusal of values that are not plain names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from jenkinsbridge.deploy.model import Deployment, Server
from jenkinsbridge.deploy.templates import health_command, render_compose, render_nginx, word
from jenkinsbridge.errors import RenderError, UsageError
from jenkinsbridge.spec import load_spec_text

SPEC = """
version: 1
jobs:
  - name: shop-api
    language: python
    source: {url: "https://git.example.com/acme/shop-api.git"}
    image: {registry: "registry.example.com:5000", repository: acme/shop-api, tags: ["1.2"]}
    deploy:
      - env: staging
        target: compose
        strategy: blue-green
        publish: 8000
        environment: {GREETING: 'say "hi" ${USER} \\\\ ]]> it''s $$'}
        resources: {cpus: 0.5, memory: 256m}
"""


def _deployment() -> Deployment:
    job = load_spec_text(SPEC, "spec.yaml").select(None)
    return Deployment.from_job(job, "staging")


def test_static_upstream_has_weights_and_leaves_out_zero() -> None:
    d = _deployment()
    conf = render_nginx(d, servers=[Server("a-blue_app_1", 8080, 90), Server("a-green_app_1", 8080, 10),
                                    Server("a-old_app_1", 8080, 0)], dynamic=False, generation="g1")
    assert "server a-blue_app_1:8080 weight=90" in conf
    assert "server a-green_app_1:8080 weight=10" in conf
    assert "a-old_app_1" not in conf
    assert "resolver" not in conf


def test_no_servers_is_a_valid_upstream_that_serves_nothing() -> None:
    conf = render_nginx(_deployment(), servers=[], dynamic=False, generation="g2")
    assert re.search(r"server 127\.0\.0\.1:9 down;", conf)


def test_dynamic_split_by_percent_with_the_rest_to_the_last() -> None:
    conf = render_nginx(_deployment(), servers=[Server("svc-green", 8080, 10), Server("svc-blue", 8080, 90)],
                        dynamic=True, generation="g3")
    assert "resolver 127.0.0.11 valid=1s" in conf
    assert "10% svc-green;" in conf and "* svc-blue;" in conf
    assert "proxy_pass http://$backend:8080;" in conf


@pytest.mark.parametrize("bad", ["a b", "x;include /etc/passwd", "a\nb", "${x}", "", "-rf"])
def test_values_with_syntax_are_refused(bad: str) -> None:
    with pytest.raises(RenderError):
        word(bad)


def test_compose_keeps_hostile_values_literal() -> None:
    d = _deployment()
    text = render_compose(d, image="registry.example.com:5000/acme/shop-api:1.2", release="r1", service="app",
                          labels=d.labels(release="r1"))
    doc = yaml.safe_load(text)
    svc = doc["services"]["app"]
    value = d.spec.environment["GREETING"]
    # compose turns $$ back into $: the container sees exactly the spec's value
    assert svc["environment"]["GREETING"] == value.replace("$", "$$")
    assert svc["image"] == "registry.example.com:5000/acme/shop-api:1.2"
    assert svc["cpus"] == 0.5 and svc["mem_limit"] == "256m"
    assert svc["labels"]["io.jenkinsbridge.release"] == "r1"
    assert doc["networks"]["jb"] == {"external": True, "name": "shop-api-staging-net"}
    assert svc["healthcheck"]["test"][0] == "CMD-SHELL"


@pytest.mark.parametrize("path", ["/x;reboot", "/a b", "/$(id)", "/'"])
def test_health_path_must_be_plain(path: str) -> None:
    with pytest.raises(RenderError):
        health_command(8080, path)


def test_the_users_compose_template_is_the_base_service(tmp_path: Path) -> None:
    user = tmp_path / "compose.yml"
    user.write_text(
        "services:\n  web:\n    image: ignored:1\n    ports: ['80:80']\n    container_name: fixed\n"
        "    command: [python3, -u, /app.py]\n    ulimits: {nofile: 65536}\n"
        "    environment: ['FROM_USER=${HOME}', GREETING=user]\n    labels: {team: shop}\n")
    d = _deployment()
    d.compose_file = user
    doc = yaml.safe_load(render_compose(d, image="acme/app:2", release="r2", service="app",
                                        labels=d.labels(release="r2")))
    svc = doc["services"]["app"]
    assert svc["image"] == "acme/app:2" and "ports" not in svc and "container_name" not in svc
    assert svc["command"] == ["python3", "-u", "/app.py"] and svc["ulimits"] == {"nofile": 65536}
    assert svc["environment"]["FROM_USER"] == "${HOME}"  # the user's file keeps compose's meaning
    assert svc["environment"]["GREETING"].startswith('say "hi"')  # the spec's value wins
    assert svc["labels"]["team"] == "shop" and svc["labels"]["io.jenkinsbridge.release"] == "r2"


def test_a_compose_template_without_services_is_bad_input(tmp_path: Path) -> None:
    user = tmp_path / "compose.yml"
    user.write_text("version: '3'\n")
    d = _deployment()
    d.compose_file = user
    with pytest.raises(UsageError, match="services"):
        render_compose(d, image="acme/app:2", release="r2", service="app", labels={})
