"""The deploy lock: a second deploy of the same app and environment while one runs is
refused naming the holder; a stale lock is taken over."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from tests.integration.deploy.conftest import cli
from tests.support.deploy import AppImages, Target


def test_second_deploy_is_refused_then_stale_lock_expires(
    app_images: AppImages, make_target: Callable[..., Target], docker_client: Any,
) -> None:
    t = make_target("compose", "rolling", rolling={"batch": 1, "delay": 4})
    code, _, err = cli(*t.args(), "--image", app_images.v1)
    assert code == 0, err

    env = dict(os.environ, JB_DEPLOY_USER="first-deployer")
    first = subprocess.Popen([sys.executable, "-m", "jenkinsbridge.cli.main", *t.args(), "--image",
                              app_images.v2], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    try:
        lock = f"{t.base}-lock"
        deadline = time.monotonic() + 60
        # the low-level list: containers.list() inspects each match and fails when the
        # lock is released between the listing and the inspection
        while not docker_client.api.containers(all=True, filters={"name": lock}):
            assert time.monotonic() < deadline, "the first deploy never took the lock"
            assert first.poll() is None, first.communicate()
            time.sleep(0.1)
        code, _, err = cli(*t.args(), "--image", app_images.v2)
        assert code == 1
        assert "lock held by first-deployer@" in err, err
    finally:
        _out, ferr = first.communicate(timeout=180)
    assert first.returncode == 0, ferr
    assert not docker_client.containers.list(all=True, filters={"name": f"{t.base}-lock"})

    # a lock left by a crashed deploy expires
    router = docker_client.containers.get(f"{t.base}-router")
    docker_client.containers.create(
        router.image.id, name=f"{t.base}-lock", command=["true"],
        labels={"io.jenkinsbridge.deploy": t.base, "io.jenkinsbridge.test": "deploy",
                "io.jenkinsbridge.holder": "crashed@somewhere", "io.jenkinsbridge.since": "1",
                "io.jenkinsbridge.expires": str(int(time.time()) - 5)})
    code, _, err = cli(*t.args(), "--image", app_images.v1)
    assert code == 0, err
