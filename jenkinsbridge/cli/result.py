"""What a command returns: data for --json, text for people, and the exit code."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, TextIO

__all__ = ["Result"]


@dataclass
class Result:
    text: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    exit_code: int = 0

    def emit(self, out: TextIO, *, as_json: bool) -> None:
        if as_json:
            out.write(json.dumps(self.data, indent=2, sort_keys=True, default=str) + "\n")
        elif self.text:
            out.write(self.text if self.text.endswith("\n") else self.text + "\n")
