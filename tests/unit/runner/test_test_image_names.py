"""The images, containers and label of a test session's runs carry JBT_RUNNER_ID (default
runner: jbt-runner/...), so two sessions on one engine neither share (and overwrite) agent
images nor sweep each other's containers; an id that cannot name an image stops the
session before any build."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.runner import ROOT

PROBE = ("import tests.support.runner as r, tests.integration.agents.conftest as a; "
         "print(r.IMAGE_PREFIX, a.AGENT_IMAGE, r.NAME_PREFIX, r.AREA_LABEL)")


def _probe(env: dict[str, str]) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if k != "JBT_RUNNER_ID"}
    out = subprocess.run([sys.executable, "-c", PROBE], env={**clean, **env}, cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=True)
    return out.stdout.split()


def test_default_and_per_session_names() -> None:
    assert _probe({}) == ["jbt-runner", "jbt-runner/agents-testagent:latest", "jbt-runner-",
                          "io.jenkinsbridge.test=runner"]
    assert _probe({"JBT_RUNNER_ID": "other"}) == ["jbt-other", "jbt-other/agents-testagent:latest", "jbt-other-",
                                                 "io.jenkinsbridge.test=other"]


def test_a_bad_prefix_is_one_clear_line() -> None:
    clean = {k: v for k, v in os.environ.items() if k != "JBT_RUNNER_ID"}
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           "tests/unit/runner/test_test_image_names.py"],
                          env={**clean, "JBT_RUNNER_ID": "Has Space"}, cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 4  # pytest's usage error
    assert "JBT_RUNNER_ID='Has Space' cannot name a Docker image" in proc.stderr
