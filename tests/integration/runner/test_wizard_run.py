"""`wizard --defaults` then `run` on a project the wizard has to fit: a Python repository
with only requirements.txt (flask, pytest) and tests, no ruff. The run passes and counts
the test in the report the Jenkinsfile reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from jenkinsbridge.cli.main import main
from tests.support.runner import AgentImages, payload, run_cli
from tests.support.wizard import copy_fixture


def test_requirements_only_python_project_passes(agent_images: AgentImages, run_network: str,
                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    repo = copy_fixture("python-requirements", tmp_path)
    assert main(["wizard", str(repo), "-o", str(repo), "--defaults"]) == 0
    proc = run_cli(repo / "jenkinsbridge.yaml", image=agent_images.get("python"), network=run_network)
    assert proc.returncode == 0, proc.stderr[-4000:]
    stages = payload(proc)["stages"]
    assert [s["stage"] for s in stages] == ["install", "test"]
    assert [s["junit"]["tests"] for s in stages if "junit" in s] == [1]
