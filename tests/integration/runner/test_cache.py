"""The tool caches outlive the container: two runs, each in a fresh agent container,
share a cache volume at ~/.cache (as an agent template mounts one), where the agent
image points the package managers (PIP_CACHE_DIR here). What the first run leaves in the
cache, the second finds.

Whether pip then skips a download depends on the registry's Cache-Control headers; the
TLS-inspecting proxy of the test machine drops them, so pip caches no HTTP response here
and the download count is not asserted (docs/run.md has the figures)."""

from __future__ import annotations

import contextlib
import re
import uuid
from pathlib import Path
from typing import Any

from tests.support.runner import AgentImages, payload, run_cli

SPEC = """\
version: 1
jobs:
  - name: cache
    language: python
    source: {url: "https://git.example.com/samples/cache.git"}
    stages:
      - name: cache
        run: |
          test "$PIP_CACHE_DIR" = /home/jenkins/.cache/pip
          mkdir -p "$PIP_CACHE_DIR"
          if [ -f "$PIP_CACHE_DIR/seen-by" ]; then echo "cache: reused from $(cat "$PIP_CACHE_DIR/seen-by")"; \
else echo "cache: empty"; fi
          hostname > "$PIP_CACHE_DIR/seen-by"
          echo "container: $(hostname)"
"""


def test_second_run_in_a_fresh_container_finds_the_cache(agent_images: AgentImages, run_network: str,
                                                          tmp_path: Path, docker_client: Any) -> None:
    image = agent_images.get("python")
    volume = f"jbt-runner-cache-{uuid.uuid4().hex[:8]}"
    (tmp_path / "jenkinsbridge.yaml").write_text(SPEC)
    try:
        seen = []
        for _ in (1, 2):
            # --copy: the stages run as the image's jenkins user, as on a Jenkins agent
            proc = run_cli(tmp_path / "jenkinsbridge.yaml", "--copy", image=image, network=run_network,
                           cache=volume)
            assert proc.returncode == 0, proc.stderr[-4000:]
            assert payload(proc)["ok"] is True
            container = re.search(r"^\[cache\] container: (\S+)$", proc.stderr, re.M)
            state = re.search(r"^\[cache\] cache: (.*)$", proc.stderr, re.M)
            assert container and state, proc.stderr[-2000:]
            seen.append((container.group(1), state.group(1)))
        (first, state1), (second, state2) = seen
        assert first != second  # a fresh container each time
        assert state1 == "empty" and state2 == f"reused from {first}"
        assert docker_client.volumes.get(volume).attrs["Labels"].get("io.jenkinsbridge.cache") == "true"
    finally:
        import docker.errors

        with contextlib.suppress(docker.errors.NotFound):  # not made when the first run failed early
            docker_client.volumes.get(volume).remove(force=True)


PIP_SPEC = """\
version: 1
jobs:
  - name: pipcache
    language: python
    source: {url: "https://git.example.com/samples/pipcache.git"}
    stages:
      - name: pip
        run: |
          python3 -m venv /tmp/venv
          echo "user: $(id -u)"
          /tmp/venv/bin/pip cache dir
          mkdir -p "$PIP_CACHE_DIR/wheels/jb"
          : > "$PIP_CACHE_DIR/wheels/jb/seen_by_uid$(id -u)_$(hostname)-1.0-py3-none-any.whl"
          /tmp/venv/bin/pip cache list --format=abspath | sed 's/^/listed: /'
"""


def test_pip_takes_the_cache_whoever_the_run_runs_as(agent_images: AgentImages, run_network: str,
                                                     tmp_path: Path, docker_client: Any) -> None:
    """One volume, three runs as different users: the image's jenkins user (--copy), the
    tree's owner (root here and in CI: pip then uses a cache only when root owns it), then
    jenkins again. pip accepts the cache each time (`pip cache` fails when pip disabled
    it) and lists what the runs before left in it; after each run the files belong to
    the image's user again (the user Jenkins agents sharing the volume run as)."""
    image = agent_images.get("python")
    volume = f"jbt-runner-cache-{uuid.uuid4().hex[:8]}"
    (tmp_path / "jenkinsbridge.yaml").write_text(PIP_SPEC)
    try:
        runs = []
        for copy in (True, False, True):
            proc = run_cli(tmp_path / "jenkinsbridge.yaml", *(["--copy"] if copy else []), image=image,
                           network=run_network, cache=volume)
            assert proc.returncode == 0, proc.stderr[-4000:]
            assert "cache has been disabled" not in proc.stderr
            user = re.search(r"^\[pip\] user: (\d+)$", proc.stderr, re.M)
            listed = re.findall(r"^\[pip\] listed: \S+/seen_by_uid(\d+)_(\S+)-1\.0-py3-none-any\.whl$",
                                proc.stderr, re.M)
            assert user, proc.stderr[-2000:]
            runs.append((user.group(1), listed))
            others = docker_client.containers.run(
                image, entrypoint=["find", "/c", "!", "-user", "1000", "-o", "!", "-group", "1000"], user="root",
                volumes={volume: {"bind": "/c", "mode": "ro"}}, remove=True, network_mode="none")
            assert others == b"", f"owned by someone else after the run: {others!r}"
        (jenkins, first), (owner, second), (again, third) = runs
        assert jenkins == again == "1000" and owner == str((tmp_path / "jenkinsbridge.yaml").stat().st_uid)
        assert len(first) == 1 and len(second) == 2 and len(third) == 3  # each run finds the ones before
        assert first[0] in second and set(second) < set(third)
    finally:
        import docker.errors

        with contextlib.suppress(docker.errors.NotFound):
            docker_client.volumes.get(volume).remove(force=True)
