"""What git knows about a project: the remote URL (without credentials), the default
branch and the hosting provider. A directory outside git, or without a remote, is fine."""

from __future__ import annotations

import logging
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from jenkinsbridge.spec.giturl import parse_git_url, without_user

__all__ = ["GitInfo", "git_info", "provider_for", "remote_parts", "strip_credentials"]

log = logging.getLogger(__name__)

Provider = Literal["github", "gitlab", "git"]

@dataclass(frozen=True)
class GitInfo:
    toplevel: Path | None
    remote: str | None
    branch: str | None
    provider: Provider
    reasons: tuple[str, ...]


def _git(cwd: Path, *args: str) -> str | None:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True,
                              timeout=10, env=env, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        log.debug("git %s failed: %s", " ".join(args), e)
        return None
    if done.returncode != 0:
        log.debug("git %s: %s", " ".join(args), done.stderr.strip())
        return None
    return done.stdout.strip()


def strip_credentials(url: str) -> tuple[str, bool]:
    """Drop user:password (or a token used as user name) from a remote URL."""
    stripped = without_user(url)
    return stripped, stripped != url


def remote_parts(url: str) -> tuple[str, str] | None:
    """(host, path without .git) of a remote URL, or None."""
    parsed = parse_git_url(url)
    if parsed is None or not parsed.host:
        return None
    return parsed.host, parsed.path.strip("/").removesuffix(".git")


def provider_for(url: str) -> tuple[Provider, str]:
    parts = remote_parts(url)
    if parts is None:
        return "git", "the remote URL has no recognisable host"
    host = parts[0]
    if host == "github.com" or "github" in host.split(".")[0] or host.endswith(".github.com"):
        return "github", f"host {host} is GitHub"
    if "gitlab" in host:
        return "gitlab", f"host {host} looks like GitLab"
    return "git", f"host {host} is neither GitHub nor GitLab: plain git"


def git_info(path: Path) -> GitInfo:
    reasons: list[str] = []
    top = _git(path, "rev-parse", "--show-toplevel")
    if top is None:
        return GitInfo(None, None, None, "git", ("not inside a git work tree (or git is missing)",))
    toplevel = Path(top)
    remotes = (_git(toplevel, "remote") or "").split()
    name = "origin" if "origin" in remotes else (remotes[0] if remotes else None)
    remote: str | None = None
    if name is None:
        reasons.append("the git repository has no remote")
    else:
        raw = _git(toplevel, "remote", "get-url", name)
        if raw:
            remote, stripped = strip_credentials(raw)
            if remote.startswith("/"):  # a clone of a repository on this disk
                remote = "file://" + remote
                reasons.append(f"git remote {name} is a local path; using {remote}")
            else:
                reasons.append(f"git remote {name}: {remote}")
            if stripped:
                reasons.append("removed credentials from the remote URL; use a Jenkins credentials ID")
    branch: str | None = None
    if name:
        head = _git(toplevel, "symbolic-ref", "--quiet", "--short", f"refs/remotes/{name}/HEAD")
        if head and head.startswith(f"{name}/"):
            branch = head[len(name) + 1:]
            reasons.append(f"default branch {branch}: {name}/HEAD points at it")
    if branch is None:
        current = _git(toplevel, "symbolic-ref", "--quiet", "--short", "HEAD")
        if current:
            branch = current
            reasons.append(f"branch {branch}: the checked-out branch")
    provider: Provider = "git"
    if remote:
        provider, why = provider_for(remote)
        reasons.append(f"provider {provider}: {why}")
    return GitInfo(toplevel, remote, branch, provider, tuple(reasons))
