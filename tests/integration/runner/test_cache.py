"""The tool caches survive the container: two runs of the Python sample, each in a fresh
agent container, share a cache volume at ~/.cache (as an agent template mounts one). The
first run downloads its packages; the second finds every one in the cache."""

from __future__ import annotations

import contextlib
import re
import shutil
import uuid
from pathlib import Path
from typing import Any

import yaml

from tests.support.runner import AgentImages, copy_sample, payload, run_cli


def _tree(tmp_path: Path, name: str) -> Path:
    tree = copy_sample("python", tmp_path / name)
    spec = tree / "jenkinsbridge.yaml"
    doc = yaml.safe_load(spec.read_text())
    doc["jobs"][0]["environment"]["PIP_VERBOSE"] = "1"  # pip says "Downloading" or "Using cached"
    spec.write_text(yaml.safe_dump(doc))
    return tree


def test_second_run_in_a_fresh_container_reuses_the_cache(agent_images: AgentImages, run_network: str,
                                                          tmp_path: Path, docker_client: Any) -> None:
    image = agent_images.get("python")
    volume = f"jbt-runner-cache-{uuid.uuid4().hex[:8]}"
    try:
        runs = []
        for n in (1, 2):
            tree = _tree(tmp_path, f"run{n}")
            proc = run_cli(tree / "jenkinsbridge.yaml", image=image, network=run_network, cache=volume)
            assert proc.returncode == 0, proc.stderr[-4000:]
            install = next(s for s in payload(proc)["stages"] if s["stage"] == "install")
            runs.append((len(re.findall(r"^\[install\] +Downloading ", proc.stderr, re.M)),
                         len(re.findall(r"^\[install\] +Using cached ", proc.stderr, re.M)),
                         install["duration"]))
            shutil.rmtree(tree)
        (down1, cached1, secs1), (down2, cached2, secs2) = runs
        figures = (f"first run: {down1} downloads in {secs1:.1f}s; "
                   f"second: {down2} downloads, {cached2} cached, {secs2:.1f}s")
        print(figures)
        assert down1 >= 3 and cached1 == 0, figures  # pip, ruff, pytest and their dependencies
        assert down2 == 0 and cached2 >= down1 - 1, figures
        vol = docker_client.volumes.get(volume)
        assert vol.attrs["Labels"].get("io.jenkinsbridge.cache") == "true"
    finally:
        import docker.errors

        with contextlib.suppress(docker.errors.NotFound):  # not made when the first run failed early
            docker_client.volumes.get(volume).remove(force=True)
