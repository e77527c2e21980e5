"""Resolving a Deployment from a spec, and the command line's refusals (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jenkinsbridge.cli.main import main
from jenkinsbridge.deploy.model import Deployment, dns_name
from jenkinsbridge.errors import UsageError
from jenkinsbridge.spec import Job, load_spec_text

SPEC = """
version: 1
jobs:
  - name: Shop.API
    language: python
    source: {url: "https://git.example.com/acme/shop-api.git"}
    image: {registry: "registry.example.com:5000", repository: acme/shop-api, tags: ["{build}", "1.2"]}
    deploy:
      - {env: staging, target: swarm, strategy: rolling, endpoint: "tcp://127.0.0.1:1", tls_credentials: tls}
      - {env: prod, target: compose, app: shop}
"""


def _job() -> Job:
    return load_spec_text(SPEC, "spec.yaml").select(None)


def test_names_are_docker_and_dns_safe() -> None:
    d = Deployment.from_job(_job(), "staging", "acme/shop:1")
    assert d.base == "shop-api-staging"
    assert d.unit("blue") == "shop-api-staging-blue" and d.router_name == "shop-api-staging-router"
    assert dns_name("A_b..C") == "a-b-c"
    with pytest.raises(UsageError):
        dns_name("___")


def test_image_from_the_spec_uses_the_last_tag() -> None:
    d = Deployment.from_job(_job(), "prod")
    assert d.image == "registry.example.com:5000/acme/shop-api:1.2" and d.app == "shop"


def test_unknown_env_lists_the_known_ones() -> None:
    with pytest.raises(UsageError, match="staging, prod"):
        Deployment.from_job(_job(), "qa", "acme/shop:1")


def test_bad_image_reference_is_usage_error() -> None:
    with pytest.raises(UsageError, match="--image"):
        Deployment.from_job(_job(), "prod", "Not An Image")


def _spec(tmp_path: Path) -> str:
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC)
    return str(path)


def test_cli_refuses_bad_words_and_options(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    spec = _spec(tmp_path)
    assert main(["deploy", "launch", spec, "--env", "prod"]) == 2
    assert main(["deploy", "status", spec, "--env", "prod", "--image", "a/b:1"]) == 2
    assert main(["deploy", spec, "--env", "nope", "--image", "a/b:1"]) == 2
    assert main(["deploy", "rollback", spec, "--env", "prod", "--strategy", "rolling"]) == 2
    assert main(["deploy", spec, "--env", "prod", "--strategy", "canary"]) == 2
    monkeypatch.delenv("DOCKER_CERT_PATH", raising=False)
    assert main(["deploy", spec, "--env", "staging", "--image", "a/b:1"]) == 2
    err = capsys.readouterr().err
    assert "DOCKER_CERT_PATH" in err and "withCredentials dockerCert tls" in err
    monkeypatch.setenv("DOCKER_CERT_PATH", str(tmp_path))
    assert main(["deploy", spec, "--env", "staging", "--image", "a/b:1"]) == 2
    assert "lacks ca.pem, cert.pem, key.pem" in capsys.readouterr().err
