"""`jenkinsbridge image`: bad input is one line and exit 2, before the engine is asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from jenkinsbridge.cli.main import main

SPEC = """version: 1
jobs:
  - name: app
    language: python
    source: {{url: "https://git.example.com/acme/app.git"}}
{image}
"""
IMAGE = """    image:
      registry: "reg.example.com:5000"
      repository: acme/app
      tags: [{tags}]
"""


def _spec(tmp_path: Path, *, image: bool = True, tags: str = '"b{build}"') -> Path:
    path = tmp_path / "jenkinsbridge.yaml"
    path.write_text(SPEC.format(image=IMAGE.format(tags=tags) if image else ""))
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_job_without_image(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "image", "build", str(_spec(tmp_path, image=False)))
    assert code == 2 and out == ""
    assert err.strip() == "jenkinsbridge: error: job 'app' has no image section; add image: " \
                          "{registry, repository} to the spec"


def test_missing_dockerfile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "image", "build", str(_spec(tmp_path)))
    assert code == 2
    assert err.count("\n") == 1 and f"Dockerfile {tmp_path}/Dockerfile not found" in err


def test_bad_build_arg_and_cache_from(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = str(_spec(tmp_path))
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    code, _, err = _run(capsys, "image", "build", spec, "--build-arg", "no equals")
    assert code == 2 and "--build-arg 'no equals' is not NAME=VALUE" in err
    code, _, err = _run(capsys, "image", "build", spec, "--cache-from", "Bad Ref")
    assert code == 2 and "--cache-from" in err


def test_a_tag_value_that_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GIT_COMMIT", raising=False)
    code, _, err = _run(capsys, "image", "push", str(_spec(tmp_path, tags='"{commit}"')))
    assert code == 2 and "needs a value for {commit}: pass --commit SHA or set GIT_COMMIT" in err


def test_half_credentials(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JB_REGISTRY_USERNAME", "u")
    monkeypatch.delenv("JB_REGISTRY_PASSWORD", raising=False)
    code, _, err = _run(capsys, "image", "push", str(_spec(tmp_path)))
    assert code == 2 and "JB_REGISTRY_PASSWORD is not" in err


def test_help_lists_the_actions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["image", "--help"]) == 0
    out = capsys.readouterr().out
    assert "build" in out and "push" in out
    assert main(["image", "push", "--help"]) == 0
    assert "--digest-file" in capsys.readouterr().out
