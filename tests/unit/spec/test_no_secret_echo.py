"""No invalid spec gets a secret it carries echoed back, on stderr or in --json."""

from __future__ import annotations

import pytest

from jenkinsbridge.cli.main import main
from tests.support.spec_cases import ROOT, InvalidCase, invalid_cases

SECRETS = ("s3cret", "hunter2", "ghp_0123", "glpat-Abc", "x9F3kQ7zL2mP8wR4tY6u")
CASES = [c for c in invalid_cases()
         if any(s in (ROOT / p).read_text(encoding="utf-8", errors="replace") for p in c.inputs for s in SECRETS)]


def test_the_corpus_has_secrets() -> None:
    assert len(CASES) >= 8


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_secret_never_shown(case: InvalidCase, capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["--json", "validate", *case.inputs]) == 2
    out = capsys.readouterr()
    shown = out.out + out.err
    assert '"ok": false' in out.out
    assert not [s for s in SECRETS if s in shown], shown
