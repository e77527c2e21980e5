"""Groovy as a parser of what we render: one JVM checks many files at once."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

JAVA_HOME = "/usr/lib/jvm/java-17-openjdk-amd64"
PARSE_SCRIPT = Path(__file__).parent / "groovy" / "parse.groovy"


@dataclass(frozen=True)
class GroovyError:
    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


def groovy_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("JAVA_HOME", JAVA_HOME)
    return env


class GroovyChecker:
    def __init__(self) -> None:
        exe = shutil.which("groovy")
        if exe is None:
            raise RuntimeError("groovy is not installed (scripts/setup-machine installs it)")
        self.exe = exe

    def check(self, paths: list[Path | str]) -> dict[str, list[GroovyError]]:
        """Parse every file; path -> errors (empty list when it parses)."""
        if not paths:
            return {}
        proc = subprocess.run(
            [self.exe, str(PARSE_SCRIPT), *map(str, paths)],
            capture_output=True, text=True, env=groovy_env(), timeout=600, check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"groovy failed: {proc.stderr.strip()[-2000:]}")
        out: dict[str, list[GroovyError]] = {}
        for line in proc.stdout.splitlines():
            parts = line.split("\t")
            if parts[0] == "OK":
                out.setdefault(parts[1], [])
            elif parts[0] == "ERR":
                out.setdefault(parts[1], []).append(
                    GroovyError(parts[1], int(parts[2]), int(parts[3]), "\t".join(parts[4:]))
                )
        missing = [str(p) for p in paths if str(p) not in out]
        if missing:
            raise RuntimeError(f"groovy gave no verdict for {missing}: {proc.stdout[-1000:]}")
        return out

    def assert_parses(self, paths: list[Path | str]) -> None:
        errors = [e for errs in self.check(paths).values() for e in errs]
        assert not errors, "groovy cannot parse:\n" + "\n".join(map(str, errors))

    def run_script(self, script: Path | str, *args: str, timeout: int = 600,
                   cwd: Path | str | None = None) -> subprocess.CompletedProcess[str]:
        """Run a groovy script (a test harness) and return its result."""
        return subprocess.run(
            [self.exe, str(script), *args], capture_output=True, text=True,
            env=groovy_env(), timeout=timeout, check=False, cwd=cwd,
        )
