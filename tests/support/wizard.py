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


# --- a real pseudo-terminal ----------------------------------------------------------------
DOWN = "\x1b[B"
ENTER = "\r"
CLEAR = "\x15"  # Ctrl-U: erase the pre-filled answer
CTRL_C = "\x03"


class Terminal:
    """`jenkinsbridge wizard` in a pseudo-terminal, driven by keystrokes."""

    def __init__(self, *args: str, cwd: Path, timeout: float = 15) -> None:
        import sys

        import pexpect

        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd), "TERM": "xterm",
            "LANG": "C.UTF-8", "PROMPT_TOOLKIT_NO_CPR": "1", "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CEILING_DIRECTORIES": str(cwd.parent),
        }
        self.child = pexpect.spawn(sys.executable, ["-m", "jenkinsbridge.cli.main", "wizard", *args],
                                   cwd=str(cwd), env=env, encoding="utf-8", dimensions=(50, 200),
                                   timeout=timeout)
        self.child.delaybeforesend = None
        self.transcript: list[str] = []

    def answer(self, prompt: str, keys: str = ENTER) -> None:
        """Wait for ``prompt`` then type ``keys``."""
        self.expect(prompt)
        self.child.send(keys)

    def expect(self, text: str) -> None:
        try:
            self.child.expect_exact(text)
        except Exception as e:
            raise AssertionError(f"did not see {text!r}; the screen had:\n{self._screen()}") from e
        self.transcript.append(self.child.before + self.child.after)

    def accept(self, *prompts: str) -> None:
        for p in prompts:
            self.answer(p)

    def finish(self) -> int:
        import pexpect

        self.child.expect(pexpect.EOF)
        self.transcript.append(self.child.before)
        self.child.close()
        return int(self.child.exitstatus if self.child.exitstatus is not None else -1)

    def _screen(self) -> str:
        import re

        raw = str(self.child.before or "")
        return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", raw)[-3000:]

    def text(self) -> str:
        import re

        return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", "".join(self.transcript))

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)
