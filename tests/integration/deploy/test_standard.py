"""Standard on compose and on swarm: the old version stops, the new one starts, the
downtime is reported; a broken new version fails the deploy and the previous image
serves again."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.integration.deploy.conftest import cli
from tests.support.deploy import AppImages, Target, under_load


@pytest.mark.parametrize("target", ["compose", "swarm"])
def test_standard_replaces_and_recovers_from_broken(
    target: str, app_images: AppImages, swarm: None, make_target: Callable[..., Target],
) -> None:
    t = make_target(target, "standard", replicas=1)
    code, _, err = cli(*t.args(), "--image", app_images.v1)
    assert code == 0, err

    run = under_load(t.port, lambda: cli("--json", *t.args(), "--image", app_images.v2))
    assert run.code == 0, run.err
    rec = json.loads(run.out)
    assert rec["downtime_seconds"] is not None and rec["downtime_seconds"] >= 0
    assert run.versions(0, run.start) == {"v1"}
    assert run.versions(run.end, float("inf")) == {"v2"}

    bad = under_load(t.port, lambda: cli(*t.args(), "--image", app_images.broken))
    assert bad.code == 1, bad.out
    assert "health" in bad.err, bad.err
    assert bad.versions(bad.end, float("inf")) == {"v2"}
    assert "broken" not in bad.versions(0, float("inf"))
