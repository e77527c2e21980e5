"""Golden cases: tests/fixtures/<lang>/<case>.yaml next to <case>.config.xml and
<case>.Jenkinsfile (what rendering the spec's one job must give byte for byte), or
<case>.error (the one-line message rendering must fail with).

Set JB_REGEN_GOLDEN=1 to rewrite the expected files from the current templates
(then review the diff); without it a mismatch fails.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from jenkinsbridge.spec.models import LANGUAGES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REGEN = os.environ.get("JB_REGEN_GOLDEN") == "1"


@dataclass(frozen=True)
class Case:
    language: str
    name: str
    spec: Path

    @property
    def id(self) -> str:
        return f"{self.language}/{self.name}"

    def expected(self, kind: str) -> Path:
        return self.spec.with_name(f"{self.name}.{kind}")


# Golden cases live in one folder per language; tests/fixtures also holds the invalid-spec
# corpus (invalid/) and the wizard's sample repositories (repos/), which are not cases.


def cases() -> list[Case]:
    return [Case(p.parent.name, p.stem, p) for p in sorted(FIXTURES.glob("*/*.yaml"))
            if p.parent.name in LANGUAGES]


def case_params() -> list[object]:
    return [pytest.param(c, id=c.id) for c in cases()]


def check_golden(actual: str, expected: Path) -> None:
    if REGEN:
        expected.write_text(actual, encoding="utf-8")
        return
    assert expected.is_file(), f"{expected} is missing; create it with JB_REGEN_GOLDEN=1"
    assert actual == expected.read_text(encoding="utf-8"), (
        f"rendered output differs from {expected}; if the change is intended, "
        "regenerate with JB_REGEN_GOLDEN=1 and review the diff"
    )
