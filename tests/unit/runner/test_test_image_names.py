"""The images a test session builds carry JBT_IMAGE_PREFIX (default jbt-runner), so two
sessions on one engine whose Dockerfiles differ need not share (and overwrite) them; a
prefix that is no Docker repository path stops the session before any build."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.runner import ROOT

PROBE = ("import tests.support.runner as r, tests.integration.agents.conftest as a; "
         "print(r.IMAGE_PREFIX, a.AGENT_IMAGE)")


def _probe(env: dict[str, str]) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if k != "JBT_IMAGE_PREFIX"}
    out = subprocess.run([sys.executable, "-c", PROBE], env={**clean, **env}, cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=True)
    return out.stdout.split()


def test_default_and_per_session_names() -> None:
    assert _probe({}) == ["jbt-runner", "jbt-runner/agents-testagent:latest"]
    assert _probe({"JBT_IMAGE_PREFIX": "jbt-other"}) == ["jbt-other", "jbt-other/agents-testagent:latest"]


def test_a_bad_prefix_is_one_clear_line() -> None:
    clean = {k: v for k, v in os.environ.items() if k != "JBT_IMAGE_PREFIX"}
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           "tests/unit/runner/test_test_image_names.py"],
                          env={**clean, "JBT_IMAGE_PREFIX": "Has Space"}, cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 4  # pytest's usage error
    assert "JBT_IMAGE_PREFIX='Has Space' is not a Docker repository path" in proc.stderr
