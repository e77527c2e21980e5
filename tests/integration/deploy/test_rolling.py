"""Rolling on compose and on swarm under load: no failed request, the version switches
during the command and only then; a broken version is refused and cleaned up."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.integration.deploy.conftest import cli
from tests.support.deploy import AppImages, Target, under_load


@pytest.mark.parametrize("target", ["compose", "swarm"])
def test_rolling_zero_failures_and_rollback_of_broken(
    target: str, app_images: AppImages, swarm: None, make_target: Callable[..., Target],
    docker_client: Any,
) -> None:
    t = make_target(target, "rolling")
    code, out, err = cli(*t.args(), "--image", app_images.v1)
    assert code == 0, err

    run = under_load(t.port, lambda: cli(*t.args(), "--image", app_images.v2))
    assert run.code == 0, run.err
    run.check_no_failures()
    assert run.versions(0, run.start) == {"v1"}
    assert run.versions(run.end, float("inf")) == {"v2"}
    assert "v2" in run.versions(run.start, run.end)

    bad = under_load(t.port, lambda: cli(*t.args(), "--image", app_images.broken))
    assert bad.code == 1
    assert "health" in bad.err and "error" in bad.err, bad.err
    bad.check_no_failures()
    assert bad.versions(0, float("inf")) == {"v2"}  # the broken version never served
    images = {c.labels.get("io.jenkinsbridge.image") for c in
              docker_client.containers.list(all=True, filters={"label": f"io.jenkinsbridge.deploy={t.base}"})}
    assert app_images.broken not in images

    code, out, _ = cli("--json", *t.args("history"))
    history = json.loads(out)["history"]
    assert [(r["image"], r["result"]) for r in history] == [
        (app_images.v1, "success"), (app_images.v2, "success"), (app_images.broken, "failed")]
    assert all(r["who"] and r["strategy"] == "rolling" and r["duration"] > 0 for r in history)
    code, out, _ = cli("--json", *t.args("status"))
    status = json.loads(out)
    assert status["live"]["image"] == app_images.v2
    tasks = [task for unit in status["units"] for task in unit["tasks"]]
    assert len(tasks) == 2 and all(task["image"] == app_images.v2 for task in tasks)

    # rollback: the previous successful image, rolled out the same way
    back = under_load(t.port, lambda: cli("--json", *t.args("rollback")))
    assert back.code == 0, back.err
    back.check_no_failures()
    assert json.loads(back.out)["image"] == app_images.v1
    assert back.versions(back.end, float("inf")) == {"v1"}
