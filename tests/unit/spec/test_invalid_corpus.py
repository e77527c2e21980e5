"""Every invalid spec: exit 2 from validate and render, exactly the expected lines, nothing written."""

from pathlib import Path

import pytest

from jenkinsbridge.cli.main import main
from tests.support.spec_cases import ROOT, InvalidCase, invalid_cases

CASES = invalid_cases()


@pytest.mark.parametrize("command", ["validate", "render"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_invalid_spec(case: InvalidCase, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    extra = ["-o", str(out)] if command == "render" else []
    assert main([command, *case.inputs, *extra]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == list(case.expected)
    assert captured.out == "" and "Traceback" not in captured.err
    assert not out.exists()


def test_corpus_is_large() -> None:
    assert len(CASES) >= 45
