"""The fixed image and deploy scripts under a real POSIX shell, with docker, git and
jenkinsbridge replaced by recorders: arguments arrive as single words, hostile values
are never run, tag templates expand as documented."""

import os
import subprocess
from pathlib import Path

import pytest

from jenkinsbridge.render.scripts import pipeline_scripts
from tests.support.hostile import NASTY

RECORDER = """#!/bin/sh
printf '%s\\n' "$(basename "$0")" "$@" '--' >> "$JB_TEST_LOG"
case "$1 $2" in
  "rev-parse HEAD") echo 0123456789abcdef0123456789abcdef01234567 ;;
  "describe --tags") echo v1.2.3-4-gabc ;;
  "image inspect") printf '%s@sha256:%s\\n' "$JB_IMAGE_REPO" "$(printf 'a%.0s' $(seq 64))" ;;
esac
"""


def _run(tmp_path: Path, script: str, env: dict[str, str]) -> list[list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("docker", "git", "jenkinsbridge"):
        (bin_dir / tool).write_text(RECORDER)
        (bin_dir / tool).chmod(0o755)
    log = tmp_path / "calls.log"
    full = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "JB_TEST_LOG": str(log), **env}
    proc = subprocess.run(["sh", "-c", script], cwd=tmp_path, env=full, capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    calls, current = [], []
    for line in log.read_text().split("\n")[:-1]:
        if line == "--":
            calls.append(current)
            current = []
        else:
            current.append(line)
    return calls


@pytest.mark.parametrize("secret", [False, True])
def test_image_script(tmp_path: Path, secret: bool) -> None:
    env = {"JB_IMAGE_REPO": "registry.test:5000/acme/app", "JB_IMAGE_TAGS": "{branch}-{build} {short_commit} {version}",
           "JB_DOCKERFILE": NASTY, "JB_CONTEXT": ".", "JB_TARGET": "", "JB_BRANCH": "feat/x'$(id)",
           "JB_BUILD_ARGS": "A_ARG", "A_ARG": NASTY, "BUILD_NUMBER": "7"}
    if secret:
        env |= {"JB_REGISTRY_USERNAME": "bot", "JB_REGISTRY_PASSWORD": "s3cret"}
    calls = _run(tmp_path, pipeline_scripts()["image"], env)
    docker = [c[1:] for c in calls if c[0] == "docker"]
    if secret:
        assert docker[0] == ["login", "--username", "bot", "--password-stdin", "registry.test:5000"]
        docker = docker[1:]
    tags = ["feat-x-id--7", "0123456", "v1.2.3-4-gabc"]
    tag_args = [a for t in tags for a in ("--tag", f"registry.test:5000/acme/app:{t}")]
    assert docker[0] == ["build", "--file", NASTY, "--label",
                         "org.opencontainers.image.revision=0123456789abcdef0123456789abcdef01234567",
                         "--build-arg", "A_ARG", *tag_args, "."]
    assert [c[0] for c in docker[1:4]] == ["push"] * 3
    assert (tmp_path / ".jenkinsbridge/image-ref").read_text().startswith("registry.test:5000/acme/app@sha256:")
    assert not (tmp_path / ".jenkinsbridge/docker-config").exists()
    assert not Path("/tmp/jb-pwned").exists()


def test_deploy_script(tmp_path: Path) -> None:
    env = {"JB_SPEC": NASTY, "JB_JOB": "shop/app", "JB_ENV": "staging", "JB_IMAGE_REF": "r/a@sha256:" + "b" * 64}
    (call,) = _run(tmp_path, pipeline_scripts()["deploy"], env)
    assert call == ["jenkinsbridge", "deploy", NASTY, "--job", "shop/app", "--env", "staging",
                    "--image", "r/a@sha256:" + "b" * 64]
    assert not Path("/tmp/jb-pwned").exists()
