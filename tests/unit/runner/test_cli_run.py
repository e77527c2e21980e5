"""Bad input to `jenkinsbridge run` is one clear line and exit code 2, before Docker."""

from __future__ import annotations

from pathlib import Path

import pytest

from jenkinsbridge.cli.main import main
from tests.support.runner import SAMPLES


@pytest.mark.parametrize(("args", "message"), [
    (["--image-override", "cobol=x:1"], "unknown language 'cobol'"),
    (["--stage", "nope"], "--stage 'nope': the job has no such stage"),
    (["--label", "novalue"], "--label 'novalue': write KEY=VALUE"),
    (["--env-file", "/nonexistent/x.env"], "cannot read it"),
    (["--job", "other"], "no job 'other' in the spec"),
    (["--tree", "/nonexistent/tree"], "is not a directory"),
])
def test_usage_errors(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", str(SAMPLES / "python" / "jenkinsbridge.yaml"), *args])
    err = capsys.readouterr().err
    assert code == 2, err
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_invalid_spec_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("version: 1\njobs:\n  - name: x\n    language: cobol\n")
    assert main(["run", str(spec)]) == 2
    assert "bad.yaml:4" in capsys.readouterr().err
