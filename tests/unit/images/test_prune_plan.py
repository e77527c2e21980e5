"""The retention decision, without a registry: what stays and why, and what is freed."""

from __future__ import annotations

from jenkinsbridge.deploy.releases import kept_references
from jenkinsbridge.images.prune import Version, parse_time, plan

REPO = "reg:5000/acme/app"
DAY = 86400.0
NOW = 1_800_000_000.0


def v(n: int, *tags: str, age_days: float, config: str | None = None) -> Version:
    return Version(f"sha256:{n:064d}", list(tags), NOW - age_days * DAY, config,
                   {f"sha256:l{n}": 100 * n, "sha256:shared": 1000})


VERSIONS = [v(1, "b1", "stable", age_days=40), v(2, "b2", age_days=30, config="sha256:cfg2"),
            v(3, "b3", age_days=20), v(4, "b4", age_days=10), v(5, "b5", "latest", age_days=1)]


def _plan(**kw: object) -> tuple[list[str], dict[str, str]]:
    args: dict[str, object] = {"keep": 1, "older_than_days": None, "protected_tags": {"stable"}, "deployed": set()}
    args.update(kw)
    p = plan(REPO, VERSIONS, now=NOW, **args)  # type: ignore[arg-type]
    return sorted(x.tags[0] for x in p.delete), {x.tags[0]: why for x, why in p.keep}


def test_keep_latest_protected_and_newest() -> None:
    delete, keep = _plan(keep=2)
    assert delete == ["b2", "b3"]
    assert keep == {"b5": "latest", "b4": "one of the 2 newest", "b1": "protected tag stable"}


def test_deployed_by_tag_digest_or_image_id() -> None:
    for ref in (f"{REPO}:b3", f"{REPO}@{VERSIONS[2].digest}", VERSIONS[2].digest):
        delete, keep = _plan(deployed={ref})
        assert "b3" not in delete and keep["b3"].startswith("deployed or a rollback target"), ref
    delete, keep = _plan(deployed={"sha256:cfg2"})  # an image ID recorded by a deploy
    assert "b2" not in delete
    delete, _ = _plan(deployed={"other.reg:5000/acme/app:b3"})  # another registry's b3
    assert "b3" in delete


def test_older_than_and_unknown_creation_time() -> None:
    delete, keep = _plan(keep=0, older_than_days=15)
    assert delete == ["b2", "b3"] and keep["b4"] == "newer than 15 days"
    undated = Version("sha256:" + "9" * 64, ["x"], None)
    p = plan(REPO, [undated], keep=0, older_than_days=None, protected_tags=set(), deployed=set(), now=NOW)
    assert not p.delete and p.keep[0][1] == "no creation time"


def test_frees_only_blobs_no_kept_version_uses() -> None:
    p = plan(REPO, VERSIONS, keep=1, older_than_days=None, protected_tags={"stable"}, deployed=set(), now=NOW)
    assert p.frees_bytes == 200 + 300 + 400  # b2, b3, b4 layers; the shared one stays


def test_kept_references_from_state() -> None:
    state = {"live": {"image": "r/a:v3"}, "colors": {"blue": {"image": "r/a@sha256:" + "1" * 64}},
             "history": [{"action": "deploy", "result": "success", "image": "r/a:v1", "digest": "sha256:" + "2" * 64},
                         {"action": "deploy", "result": "failed", "image": "r/a:v9"},
                         {"action": "promote", "result": "success", "image": "r/a:v8"}]}
    refs = kept_references(state)
    assert {"r/a:v3", "r/a:v1", "sha256:" + "1" * 64, "sha256:" + "2" * 64} <= refs
    assert "r/a:v9" not in refs and "r/a:v8" not in refs


def test_parse_time_takes_nanoseconds_and_offsets() -> None:
    assert parse_time("2023-11-14T22:13:20.123456789Z") == parse_time("2023-11-14T22:13:20.123456Z")
    assert parse_time("2023-11-14T23:13:20+01:00") == parse_time("2023-11-14T22:13:20Z") == 1700000000.0
    assert parse_time("yesterday") is None and parse_time(None) is None
