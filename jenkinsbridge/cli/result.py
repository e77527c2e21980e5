"""What a command returns: data for --json, text for people, and the exit code.

Every command's output passes through :meth:`Result.emit` and every failure through
:func:`failure`: both redact secrets (URL userinfo, tokens) and give ``--json`` one shape
on every command: ``{"ok": true, ...the result...}`` or ``{"ok": false, "error": ...,
"type": ..., "problems": [...]}`` (docs/cli.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, TextIO

from jenkinsbridge.redact import redact, redact_data

__all__ = ["Result", "failure"]


@dataclass
class Result:
    text: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    exit_code: int = 0

    def emit(self, out: TextIO, *, as_json: bool) -> None:
        if as_json:
            doc = {**self.data, "ok": self.data.get("ok", self.exit_code == 0)}
            out.write(json.dumps(redact_data(doc), indent=2, sort_keys=True, default=str) + "\n")
        elif self.text:
            text = redact(self.text)
            out.write(text if text.endswith("\n") else text + "\n")


def failure(message: str, kind: str, problems: list[dict[str, Any]] | None = None) -> str:
    """The ``--json`` document of a failed command (usage errors included)."""
    doc = {"ok": False, "error": message, "type": kind, "problems": problems or []}
    return json.dumps(redact_data(doc), indent=2, sort_keys=True, default=str)
