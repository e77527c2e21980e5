"""The service spec a Swarm unit asks for: limits in the units the engine API takes."""

from __future__ import annotations

from typing import Any, cast

from jenkinsbridge.deploy.context import units_for
from jenkinsbridge.deploy.model import Deployment
from jenkinsbridge.deploy.swarm import NANO, SwarmUnits
from jenkinsbridge.spec import load_spec_text
from tests.unit.deploy.test_templates import SPEC

SWARM = SPEC.replace("target: compose", "target: swarm")


def _deployment(text: str) -> Deployment:
    return Deployment.from_job(load_spec_text(text, "spec.yaml").select(None), "staging", "acme/shop:1")


def test_limits_are_bytes_and_nano_cpus() -> None:
    units = SwarmUnits(cast(Any, None), _deployment(SWARM))
    spec = units._spec("shop-api-staging-app", "acme/shop:1", "r1", order="start-first", parallelism=2, delay=4)
    assert spec["resources"]["Limits"] == {"NanoCPUs": NANO // 2, "MemoryBytes": 256 * 1024 * 1024}
    assert spec["update_config"]["Order"] == "start-first" and spec["update_config"]["Parallelism"] == 2
    assert spec["update_config"]["Delay"] == 4 * NANO


def test_the_target_picks_the_units_and_the_deployment_keeps_no_copy() -> None:
    swarm, compose = _deployment(SWARM), _deployment(SPEC)
    assert type(units_for(cast(Any, None), swarm)).__name__ == "SwarmUnits"
    assert type(units_for(cast(Any, None), compose)).__name__ == "ComposeUnits"
    swarm.spec = swarm.spec.model_copy(update={"strategy": "rolling"})
    assert swarm.strategy == "rolling" and swarm.target == "swarm"
