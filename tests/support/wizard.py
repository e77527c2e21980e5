"""Helpers for the wizard's tests: fixture repositories copied to a temporary directory,
made into git repositories with a remote when a test needs one."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "repos"


def copy_fixture(name: str, dest: Path) -> Path:
    """A copy of tests/fixtures/repos/<name> at dest/<name> (outside our own git tree)."""
    target = dest / name
    shutil.copytree(FIXTURES / name, target)
    return target


def _git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True, env=env)


def make_git_repo(path: Path, *, remote: str | None = None, branch: str = "main",
                  remote_head: str | None = None) -> Path:
    """git init ``path`` on ``branch``; add ``remote`` as origin; point origin/HEAD at
    ``remote_head`` (the remote's default branch) when given."""
    _git(path, "init", "-q", "-b", branch)
    if remote is not None:
        _git(path, "remote", "add", "origin", remote)
    if remote_head is not None:
        _git(path, "symbolic-ref", "refs/remotes/origin/HEAD", f"refs/remotes/origin/{remote_head}")
    return path
