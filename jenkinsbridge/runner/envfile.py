"""Credentials for a local run: an env file or the process environment, held in memory.

The format is Docker's ``--env-file``: ``NAME=value`` per line, ``#`` comments, and a
bare ``NAME`` takes the value from the environment of the caller. Values are never
written anywhere; the runner hands them to each stage's process and masks them in logs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from jenkinsbridge.errors import UsageError

__all__ = ["parse_env_file", "read_env_file"]

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def parse_env_file(text: str, *, source: str = "<env-file>",
                   environ: Mapping[str, str] | None = None) -> dict[str, str]:
    environ = os.environ if environ is None else environ
    out: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        name, sep, value = line.partition("=")
        name = name.strip()
        if not _NAME.match(name):
            raise UsageError(f"{source}:{number}: {name!r} is not a variable name; write NAME=value")
        if not sep:
            if name not in environ:
                raise UsageError(f"{source}:{number}: {name} is not set in the environment; "
                                 f"set it or write {name}=value")
            value = environ[name]
        elif len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        out[name] = value
    return out


def read_env_file(path: Path, *, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise UsageError(f"--env-file {str(path)!r}: cannot read it ({e.strerror})") from e
    return parse_env_file(text, source=str(path), environ=environ)
