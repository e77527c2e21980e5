"""The service spec a Swarm unit asks for: limits in the units the engine API takes."""

from __future__ import annotations

from typing import Any, cast

from jenkinsbridge.deploy.context import units_for
from jenkinsbridge.deploy.model import Deployment
from jenkinsbridge.deploy.swarm import NANO, SwarmUnits
from jenkinsbridge.spec import load_spec_text

SPEC = """
version: 1
jobs:
  - name: shop-api
    language: python
    source: {url: "https://git.example.com/acme/shop-api.git"}
    image: {registry: "registry.example.com:5000", repository: acme/shop-api, tags: ["1.2"]}
    deploy:
      - {env: staging, target: swarm, strategy: rolling, replicas: 3, publish: 8000,
         resources: {cpus: 0.5, memory: 256m}, rolling: {batch: 2, delay: 4}}
      - {env: prod, target: compose, publish: 8001}
"""


def _deployment(env: str) -> Deployment:
    return Deployment.from_job(load_spec_text(SPEC, "spec.yaml").select(None), env, "acme/shop:1")


def test_limits_are_bytes_and_nano_cpus() -> None:
    units = SwarmUnits(cast(Any, None), _deployment("staging"))
    spec = units._spec("shop-api-staging-app", "acme/shop:1", "r1", order="start-first", parallelism=2, delay=4)
    assert spec["resources"]["Limits"] == {"NanoCPUs": NANO // 2, "MemoryBytes": 256 * 1024 * 1024}
    assert spec["update_config"]["Order"] == "start-first" and spec["update_config"]["Parallelism"] == 2
    assert spec["update_config"]["Delay"] == 4 * NANO


def test_the_target_picks_the_units_and_the_deployment_keeps_no_copy() -> None:
    staging, prod = _deployment("staging"), _deployment("prod")
    assert type(units_for(cast(Any, None), staging)).__name__ == "SwarmUnits"
    assert type(units_for(cast(Any, None), prod)).__name__ == "ComposeUnits"
    staging.spec = staging.spec.model_copy(update={"strategy": "blue-green"})
    assert staging.strategy == "blue-green" and staging.target == "swarm"
