"""The installed console script, in real processes, on a few invalid specs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.spec_cases import ROOT, invalid_cases

SCRIPT = Path(sys.executable).parent / "jenkinsbridge"
SOME = {"yaml_syntax", "non_utf8", "duplicate_job_across_files", "many_problems_one_job", "secret_pem"}
CASES = [c for c in invalid_cases() if c.name in SOME]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_console_script_exit_2(case: object, tmp_path: Path) -> None:
    assert SCRIPT.is_file(), f"{SCRIPT} missing: install the package (pip install -e .)"
    out = tmp_path / "out"
    proc = subprocess.run([str(SCRIPT), "render", *case.inputs, "-o", str(out)],  # type: ignore[attr-defined]
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == list(case.expected)  # type: ignore[attr-defined]
    assert proc.stdout == "" and not out.exists()


def test_cases_were_found() -> None:
    assert {c.name for c in CASES} == SOME
