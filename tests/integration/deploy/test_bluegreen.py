"""Blue-green on compose and on swarm under load: traffic moves by the weight steps and
only then, no failed request; rollback is back on the old color in under a second; a
broken new color never gets traffic and is removed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.integration.deploy.conftest import cli
from tests.support.deploy import AppImages, Target, under_load


def _share(run: Any, version: str, start: float, end: float) -> float:
    samples = [s for s in run.load.snapshot() if start <= s.t < end and s.ok]
    return sum(1 for s in samples if s.version == version) / max(1, len(samples))


@pytest.mark.parametrize("target", ["compose", "swarm"])
def test_blue_green_steps_rollback_and_broken(
    target: str, app_images: AppImages, swarm: None, make_target: Callable[..., Target],
    docker_client: Any,
) -> None:
    t = make_target(target, "blue-green")
    code, out, err = cli(*t.args(), "--image", app_images.v1)
    assert code == 0, err

    run = under_load(t.port, lambda: cli("--json", *t.args(), "--image", app_images.v2))
    assert run.code == 0, run.err
    run.check_no_failures()
    rec = json.loads(run.out)
    began = {weight: b for weight, b, _ in rec["steps"]}
    done = {weight: e for weight, _, e in rec["steps"]}
    assert sorted(began) == [10, 50, 100]
    # no v2 before the first step began, no v1 once the last step was in effect
    assert run.versions(0, began[10]) == {"v1"}
    assert run.versions(done[100], float("inf")) == {"v2"}
    assert 0.02 <= _share(run, "v2", done[10], began[50]) <= 0.3
    assert 0.3 <= _share(run, "v2", done[50], began[100]) <= 0.7
    assert rec["color"] == "green" and rec["switch_seconds"] < 1.0

    back = under_load(t.port, lambda: cli("--json", *t.args("rollback")))
    assert back.code == 0, back.err
    back.check_no_failures()
    rec = json.loads(back.out)
    assert rec["color"] == "blue" and rec["image"] == app_images.v1
    assert rec["switch_seconds"] < 1.0
    assert back.versions(back.end, float("inf")) == {"v1"}

    bad = under_load(t.port, lambda: cli(*t.args(), "--image", app_images.broken))
    assert bad.code == 1
    assert "health" in bad.err, bad.err
    bad.check_no_failures()
    assert bad.versions(0, float("inf")) == {"v1"}
    left = docker_client.containers.list(all=True, filters={"label": f"io.jenkinsbridge.deploy={t.base}"})
    assert app_images.broken not in {c.labels.get("io.jenkinsbridge.image") for c in left}

    code, out, _ = cli("--json", *t.args("status"))
    status = json.loads(out)
    assert status["live"]["color"] == "blue" and status["weights"] == {"blue": 100}

    # promote retires the idle color: only blue is left
    code, out, err = cli(*t.args("promote"))
    assert code == 0, err
    code, out, _ = cli("--json", *t.args("status"))
    assert [u["color"] for u in json.loads(out)["units"]] == ["blue"]


def test_old_color_stays_idle_unless_the_command_waits_to_retire_it(
    app_images: AppImages, make_target: Callable[..., Target], docker_client: Any,
) -> None:
    t = make_target("compose", "blue-green", blue_green={"steps": [100], "retire_after": 600})

    def images() -> set[str]:
        left = docker_client.containers.list(all=True, filters={"label": f"io.jenkinsbridge.deploy={t.base}"})
        return {c.labels.get("io.jenkinsbridge.image") for c in left} - {None}

    assert cli(*t.args(), "--image", app_images.v1)[0] == 0
    code, out, err = cli("--json", *t.args(), "--image", app_images.v2)
    assert code == 0, err
    assert json.loads(out)["duration"] < 120  # returned once traffic moved, not after 600 s
    assert images() == {app_images.v1, app_images.v2}

    code, _, err = cli(*t.args(), "--image", app_images.v1, "--retire-after", "1", "--wait-retire")
    assert code == 0, err
    assert images() == {app_images.v1}
    # the idle color is gone: rollback deploys the previous release again
    code, out, err = cli("--json", *t.args("rollback"))
    assert code == 0, err
    assert json.loads(out)["image"] == app_images.v2
    assert images() == {app_images.v1, app_images.v2}
