"""The artifact manifest: canonical bytes (a stable digest), read back by its parser, and
hostile file names in a pulled manifest refused."""

from __future__ import annotations

import json

import pytest

from jenkinsbridge.artifacts.oci import ArtifactFile, Meta, build_manifest, check_name, config_blob, read_manifest
from jenkinsbridge.errors import RegistryError

META = Meta(job="shop/api", commit="a" * 40, build_url="https://ci.example.com/job/api/7/",
            source="https://git.example.com/acme/api.git", created="2026-01-02T03:04:05Z")
FILES = [ArtifactFile("dist/app.tar.gz", "sha256:" + "1" * 64, 10), ArtifactFile("report.xml", "sha256:" + "2" * 64, 0)]


def test_manifest_is_canonical_and_round_trips() -> None:
    raw = build_manifest(META, "sha256:" + "3" * 64, 5, FILES)
    assert raw == build_manifest(META, "sha256:" + "3" * 64, 5, list(FILES))
    assert b" " not in raw.replace(b"report", b"")  # no whitespace: one serialization only
    notes, files = read_manifest(raw)
    assert files == FILES
    assert notes["org.opencontainers.image.revision"] == META.commit
    assert json.loads(raw)["artifactType"] == "application/vnd.jenkinsbridge.artifacts.v1"


def test_config_leaves_out_what_is_unknown() -> None:
    assert json.loads(config_blob(Meta("j", None, None, None, None))) == {"job": "j"}


@pytest.mark.parametrize("name", ["../etc/passwd", "/etc/passwd", "a/../../b", "", "a\nb", "a\\b", "."])
def test_hostile_names_are_refused(name: str) -> None:
    with pytest.raises(RegistryError):
        check_name(name)
    raw = json.dumps({"config": {"mediaType": "application/vnd.jenkinsbridge.artifacts.config.v1+json"},
                      "layers": [{"digest": "sha256:" + "1" * 64, "size": 1,
                                  "annotations": {"org.opencontainers.image.title": name}}]}).encode()
    with pytest.raises(RegistryError):
        read_manifest(raw)


def test_an_image_manifest_is_not_an_artifact() -> None:
    raw = json.dumps({"config": {"mediaType": "application/vnd.docker.container.image.v1+json"},
                      "layers": []}).encode()
    with pytest.raises(RegistryError, match="not a jenkinsbridge artifact"):
        read_manifest(raw)
