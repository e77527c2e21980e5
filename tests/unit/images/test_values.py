"""Tag values, references from templates, OCI labels."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from jenkinsbridge.errors import UsageError
from jenkinsbridge.images.values import (
    LOCAL_BUILD,
    TagValues,
    created_from_env,
    image_references,
    oci_labels,
    registry_of,
    resolve_values,
    split_reference,
)
from jenkinsbridge.spec.checks import REFERENCE_RE
from jenkinsbridge.spec.models import Image

SHA = "89abcdef0123456789abcdef0123456789abcdef"


def _image(*tags: str) -> Image:
    return Image.model_validate({"registry": "reg.example.com:5000", "repository": "acme/app",
                                 "tags": list(tags)})


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True,
                              text=True).stdout.strip()

    git("init", "-q", "-b", "feature/Login_Page")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    (tmp_path / "f").write_text("x")
    git("add", "f")
    git("commit", "-qm", "one")
    git("tag", "v1.4.2")
    return tmp_path


def test_values_from_git_when_nothing_else(repo: Path) -> None:
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()
    v = resolve_values(repo, {})
    assert v.commit == head and v.short_commit == head[:7]
    assert v.branch == "feature/Login_Page"
    assert v.version == "v1.4.2"
    assert v.build == LOCAL_BUILD


def test_jenkins_env_beats_git_and_flags_beat_env(repo: Path) -> None:
    env = {"GIT_COMMIT": SHA, "BUILD_NUMBER": "41", "GIT_BRANCH": "origin/release/2.0",
           "JB_IMAGE_VERSION": "2.0.0"}
    v = resolve_values(repo, env)
    assert (v.commit, v.build, v.branch, v.version) == (SHA, "41", "release/2.0", "2.0.0")
    v = resolve_values(repo, {**env, "BRANCH_NAME": "PR-7"}, build="99", version="3.1")
    assert (v.branch, v.build, v.version) == ("PR-7", "99", "3.1")
    v = resolve_values(repo, env, commit="ABCDEF1234567", branch="hotfix")
    assert v.commit == "abcdef1234567" and v.branch == "hotfix"


def test_outside_git_only_build_has_a_default(tmp_path: Path) -> None:
    v = resolve_values(tmp_path, {})
    assert v.commit is None and v.branch is None and v.version is None
    assert v.build == LOCAL_BUILD


def test_a_commit_that_is_not_a_sha_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a git SHA"):
        resolve_values(tmp_path, {}, commit="main; rm -rf /")


def test_references_expand_sanitise_and_dedupe() -> None:
    values = TagValues(commit=SHA, build="12", branch="feature/Fix Bug#3", version="1.2.3")
    refs = image_references(_image("{short_commit}", "{commit}", "b{build}", "{branch}", "latest",
                                   "v{version}", "b{build}"), values)
    assert refs == [
        "reg.example.com:5000/acme/app:89abcde",
        f"reg.example.com:5000/acme/app:{SHA}",
        "reg.example.com:5000/acme/app:b12",
        "reg.example.com:5000/acme/app:feature-Fix-Bug-3",
        "reg.example.com:5000/acme/app:latest",
        "reg.example.com:5000/acme/app:v1.2.3",
    ]
    assert all(REFERENCE_RE.match(r) for r in refs)


@pytest.mark.parametrize("branch", ["-lead", ".dot", "ü/ñ", "a" * 300, "x" * 127 + "/y"])
def test_every_branch_becomes_a_valid_tag(branch: str) -> None:
    ref = image_references(_image("{branch}"), TagValues(branch=branch))[0]
    tag = ref.rsplit(":", 1)[1]
    assert REFERENCE_RE.match(ref), ref
    assert len(tag) <= 128 and tag[0] not in ".-"


def test_a_template_too_long_after_expansion_is_refused() -> None:
    with pytest.raises(UsageError, match="not valid"):
        image_references(_image("{branch}-{short_commit}"), TagValues(commit=SHA, branch="b" * 125))


@pytest.mark.parametrize(("template", "hint"), [
    ("{commit}", "--commit SHA or set GIT_COMMIT"),
    ("c-{short_commit}", "--commit SHA or set GIT_COMMIT"),
    ("{branch}", "--branch NAME or set BRANCH_NAME"),
    ("{version}", "--version V or set JB_IMAGE_VERSION"),
])
def test_a_missing_value_says_where_to_give_it(template: str, hint: str) -> None:
    with pytest.raises(UsageError) as e:
        image_references(_image(template), TagValues(build="1"))
    assert hint in str(e.value) and template in str(e.value)
    assert e.value.exit_code == 2


def test_oci_labels() -> None:
    when = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    labels = oci_labels("https://user:tok@git.example.com/acme/app.git",
                        TagValues(commit=SHA, version="1.0"), created=when)
    assert labels == {
        "org.opencontainers.image.created": "2024-05-06T07:08:09Z",
        "org.opencontainers.image.source": "https://git.example.com/acme/app.git",
        "org.opencontainers.image.revision": SHA,
        "org.opencontainers.image.version": "1.0",
    }
    assert set(oci_labels(None, TagValues())) == {"org.opencontainers.image.created"}


def test_source_date_epoch() -> None:
    assert created_from_env({"SOURCE_DATE_EPOCH": "86400"}) == datetime(1970, 1, 2, tzinfo=UTC)
    assert created_from_env({}) is None
    with pytest.raises(UsageError):
        created_from_env({"SOURCE_DATE_EPOCH": "yesterday"})


@pytest.mark.parametrize(("ref", "name", "tag", "registry"), [
    ("reg:5000/a/b:1", "reg:5000/a/b", "1", "reg:5000"),
    ("acme/app", "acme/app", "latest", "docker.io"),
    ("localhost/app:x", "localhost/app", "x", "localhost"),
    ("r.io/a@sha256:" + "0" * 64, "r.io/a", "sha256:" + "0" * 64, "r.io"),
])
def test_split_reference(ref: str, name: str, tag: str, registry: str) -> None:
    assert split_reference(ref) == (name, tag)
    assert registry_of(name) == registry
