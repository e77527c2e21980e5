"""Rollback that always works: after v1 -> v2 -> a refused v3 (whose start replaced the
idle v1 color), `deploy rollback` brings v1 back from the history with no failed request
under load, on Compose and on Swarm; the history says who asked and why."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.integration.deploy.conftest import cli
from tests.support.deploy import AppImages, Target, under_load


@pytest.mark.parametrize("target", ["compose", "swarm"])
def test_rollback_after_a_refused_release_brings_v1_back(
    target: str, app_images: AppImages, swarm: None, make_target: Callable[..., Target],
) -> None:
    t = make_target(target, "blue-green", blue_green={"steps": [100], "step_delay": 0},
                    health={"path": "/healthz", "timeout": 12, "interval": 1})
    for image in (app_images.v1, app_images.v2):
        code, _, err = cli(*t.args(), "--image", image)
        assert code == 0, err
    code, _, err = cli(*t.args(), "--image", app_images.broken)
    assert code == 1 and "health" in err, err

    # compose: the previous release; swarm: the same, named by its tag
    how = [] if target == "compose" else ["--to", "v1"]
    back = under_load(t.port, lambda: cli("--json", *t.args("rollback"), *how, "--reason", "v3 refused"))
    assert back.code == 0, back.err
    back.check_no_failures()
    assert back.versions(back.end, float("inf")) == {"v1"}
    rec = json.loads(back.out)
    assert rec["image"] == app_images.v1 and rec["why"] == "v3 refused"
    print(f"rollback on {target}: {rec['duration']:.1f}s, switch {rec['switch_seconds']}s, "
          f"{len(back.load.snapshot())} requests at {back.load.rate_seen():.0f}/s, none failed")

    code, out, _ = cli("--json", *t.args("history"))
    history = json.loads(out)["history"]
    assert [(r["action"], r["result"]) for r in history] == [
        ("deploy", "success"), ("deploy", "success"), ("deploy", "failed"), ("rollback", "success")]
    assert history[-1]["who"] and history[-1]["digest"] == history[0]["digest"]

    code, _, err = cli(*t.args("rollback"), "--to", "v3")
    assert code == 1 and "no successful release 'v3'" in err, err
