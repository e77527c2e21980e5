"""Artifacts as OCI artifacts on the real registry (TLS + htpasswd): push, pull back byte
for byte, the same digest on a re-push, a wrong password is exit 1, and the manifest is
in the documented format."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.integration.images.conftest import COMMIT, App
from tests.support.registry import TestRegistry


def _outputs(root: Path) -> list[Path]:
    dist = root / "dist"
    (dist / "docs").mkdir(parents=True)
    files = {
        dist / "app-1.0.tar.gz": os.urandom(300_000),  # binary, several hundred kB
        dist / "docs" / "notes.txt": b"line 1\r\n${not} ]]> 'quoted' \\ \x00 end\n",
        dist / "empty.bin": b"",
    }
    for path, data in files.items():
        path.write_bytes(data)
    return list(files)


def test_push_pull_round_trip(shared_registry: TestRegistry, make_app: Callable[..., App],
                              tmp_path: Path) -> None:
    reg = shared_registry
    app = make_app(reg)
    files = _outputs(app.dir)
    digest_file = tmp_path / "artifacts.digest"
    env = {"BUILD_URL": "https://ci.example.com/job/app/17/", "SOURCE_DATE_EPOCH": "1700000000"}
    push = ["artifacts", "push", str(app.spec), *map(str, files), "--base", str(app.dir),
            "--digest-file", str(digest_file)]
    code, out, err = app.cli(*push, env=env)
    assert code == 0, err
    repository = f"{app.repository}/artifacts"
    stored, manifest = reg.manifest(repository, "b17")
    assert out.strip() == f"{reg.host}/{repository}@{stored}"
    assert digest_file.read_text() == out
    assert reg.tags(repository) == sorted([COMMIT[:7], "b17", "latest"])
    assert manifest["config"]["mediaType"] == "application/vnd.jenkinsbridge.artifacts.config.v1+json"
    titles = [layer["annotations"]["org.opencontainers.image.title"] for layer in manifest["layers"]]
    assert titles == ["dist/app-1.0.tar.gz", "dist/docs/notes.txt", "dist/empty.bin"]
    assert manifest["annotations"]["org.opencontainers.image.revision"] == COMMIT
    assert manifest["annotations"]["io.jenkinsbridge.build-url"] == env["BUILD_URL"]
    assert manifest["annotations"]["org.opencontainers.image.created"] == "2023-11-14T22:13:20Z"

    # the same files of the same build: the same digest, no blob uploaded again
    uploads = reg.blob_uploads()
    code, out2, err = app.cli(*push, env=env)
    assert code == 0, err
    assert out2 == out and reg.blob_uploads() == uploads

    # by tag with the CA the engine trusts (certs.d); by digest with JB_REGISTRY_CA
    for ref, ca in ((f"{reg.host}/{repository}:b17", None), (out.strip(), str(reg.ca))):
        target = tmp_path / ref.rpartition("@")[2].replace(":", "-")[:20]
        code, pulled, err = app.cli("artifacts", "pull", ref, "-o", str(target), "--json",
                                    env={"JB_REGISTRY_CA": ca})
        assert code == 0, err
        assert json.loads(pulled)["digest"] == stored
        for f in files:
            assert (target / f.relative_to(app.dir)).read_bytes() == f.read_bytes()


def test_wrong_password_and_missing_artifact(shared_registry: TestRegistry, make_app: Callable[..., App],
                                             tmp_path: Path) -> None:
    app = make_app(shared_registry)
    files = _outputs(app.dir)
    code, out, err = app.cli("artifacts", "push", str(app.spec), str(files[0]),
                             env={"JB_REGISTRY_PASSWORD": "not-the-password"})
    assert code == 1 and out == ""
    assert "refused the login" in err and "not-the-password" not in err
    assert len(err.splitlines()) == 1
    ref = f"{shared_registry.host}/{app.repository}/artifacts:b17"
    code, out, err = app.cli("artifacts", "pull", ref, "-o", str(tmp_path / "x"))
    assert code == 1 and "has no artifact" in err, err
    assert not (tmp_path / "x").exists()
    code, _, err = app.cli("artifacts", "push", str(app.spec), str(tmp_path / "missing.bin"))
    assert code == 2 and "is not a file" in err


def test_push_takes_the_specs_artifacts_patterns(shared_registry: TestRegistry, make_app: Callable[..., App],
                                                 tmp_path: Path, monkeypatch: Any) -> None:
    app = make_app(shared_registry)
    files = _outputs(app.dir)
    (app.dir / "dist" / "skip.log").write_text("not an artifact\n")
    app.spec.write_text(app.spec.read_text().replace(
        "    image:\n", '    artifacts: "dist/*.tar.gz, dist/**/*.txt, dist/*.bin"\n    image:\n'))
    monkeypatch.chdir(app.dir)
    code, out, err = app.cli("artifacts", "push", str(app.spec), "--json")
    assert code == 0, err
    assert sorted(f["name"] for f in json.loads(out)["files"]) == [
        "dist/app-1.0.tar.gz", "dist/docs/notes.txt", "dist/empty.bin"]
    target = tmp_path / "pulled"
    code, _, err = app.cli("artifacts", "pull", json.loads(out)["reference"], "-o", str(target))
    assert code == 0, err
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [
        "dist/app-1.0.tar.gz", "dist/docs/notes.txt", "dist/empty.bin"]
    assert all((target / f.relative_to(app.dir)).read_bytes() == f.read_bytes() for f in files)

    app.spec.write_text(app.spec.read_text().replace("dist/*.tar.gz, dist/**/*.txt, dist/*.bin", "out/*"))
    code, _, err = app.cli("artifacts", "push", str(app.spec))
    assert code == 2 and "matches the artifacts patterns" in err
