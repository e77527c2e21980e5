"""`jenkinsbridge run` builds the agent image it needs when the engine lacks it, with the
build's progress on the log, then runs the job in it. Here the toolchain is the
air-gapped Debian one (no public image can be pulled), passed with --build-arg."""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path
from typing import Any

from tests.support.runner import IMAGE_PREFIX, AgentImages, payload, run_cli

SPEC = """\
version: 1
jobs:
  - name: autobuild
    language: python
    version: "3.11"
    source: {{url: "https://git.example.com/samples/autobuild.git"}}
    agent: {{image: "{image}"}}
    stages:
      - {{name: hello, run: 'python3 --version; id -un; test -d /home/jenkins/.cache'}}
"""


def test_missing_agent_image_is_built_then_used(agent_images: AgentImages, run_network: str,
                                                tmp_path: Path, docker_client: Any) -> None:
    agent_images.get("python")  # builds the air-gapped toolchain image too
    toolchain = f"{IMAGE_PREFIX}/toolchain-python:latest"
    image = f"{IMAGE_PREFIX}/autobuild-python:{uuid.uuid4().hex[:8]}"
    (tmp_path / "jenkinsbridge.yaml").write_text(SPEC.format(image=image))
    try:
        proc = run_cli(tmp_path / "jenkinsbridge.yaml", "--build-arg", f"TOOLCHAIN_IMAGE={toolchain}",
                       "--build-arg", "OFFLINE=1", network=run_network)
        assert proc.returncode == 0, proc.stderr[-4000:]
        assert f"[build] building {image} (not on this engine) from python/Dockerfile, TOOL_VERSION=3.11" \
            in proc.stderr
        assert "[build] Step " in proc.stderr or "[build] Successfully built" in proc.stderr, proc.stderr[-2000:]
        assert "[hello] Python 3.11." in proc.stderr
        assert payload(proc)["image"] == image
        labels = docker_client.images.get(image).labels
        assert labels["io.jenkinsbridge.built-by"] == "run" and labels["io.jenkinsbridge.tool-version"] == "3.11"
        # the second run finds the image: no build
        again = run_cli(tmp_path / "jenkinsbridge.yaml", network=run_network)
        assert again.returncode == 0 and "[build]" not in again.stderr, again.stderr[-2000:]
    finally:
        import docker.errors

        with contextlib.suppress(docker.errors.ImageNotFound):
            docker_client.images.remove(image, force=True)
