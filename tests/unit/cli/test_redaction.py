"""No secret reaches the output: messages, --json documents and logs are redacted."""

from pathlib import Path

import pytest

from jenkinsbridge.cli.main import main
from jenkinsbridge.redact import redact, redact_data

SPEC = Path(__file__).resolve().parents[2] / "fixtures" / "python" / "default.yaml"


@pytest.mark.parametrize(("text", "secret"), [
    ("cannot reach http://admin:s3cret@127.0.0.1:8080/: refused", "s3cret"),
    ("https://ghp_0123456789abcdefABCDEF0123456789abcd@github.com/a/b.git", "ghp_0123"),
    ("https://oauth2:glpat-Abc123def456ghi789jk@gitlab.example.com/a.git", "glpat-Abc"),
    ("clone deploy:hunter2@git.example.com:acme/api.git failed", "hunter2"),
    ("a token glpat-Abc123def456ghi789jk in a sentence", "glpat-Abc"),
])
def test_redact_masks(text: str, secret: str) -> None:
    assert secret not in redact(text)
    assert "***" in redact(text)


@pytest.mark.parametrize("text", ["git@github.com:acme/api.git", "team@example.com",
                                  "https://git.example.com/acme/api.git"])
def test_redact_keeps_what_is_no_secret(text: str) -> None:
    assert redact(text) == text


def test_redact_data_walks_nested_values() -> None:
    doc = {"url": "http://u:pw@h/", "items": [{"m": "x http://u:pw2@h/"}], "n": 3}
    assert "pw" not in str(redact_data(doc)) and redact_data(doc)["n"] == 3


@pytest.mark.parametrize("as_json", [False, True])
def test_sync_never_shows_the_controller_password(as_json: bool, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("JENKINS_URL", "JENKINS_USER", "JENKINS_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    argv = [*(["--json"] if as_json else []), "sync", str(SPEC), "--no-progress", "--timeout", "2",
            "--url", "http://admin:pw-s3cret-value@127.0.0.1:9/"]
    assert main(argv) == 1
    out = capsys.readouterr()
    assert "pw-s3cret-value" not in out.out + out.err
    assert "127.0.0.1" in out.out + out.err
    if as_json:
        assert '"ok": false' in out.out and '"type"' in out.out


def test_usage_error_in_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json", "render", str(SPEC)]) == 2
    out = capsys.readouterr().out
    assert '"type": "UsageError"' in out and '"ok": false' in out and '"problems": []' in out
