"""Choosing the release a rollback goes back to, from history records (old records
without digest or why included)."""

from __future__ import annotations

from typing import Any

import pytest

from jenkinsbridge.deploy.releases import find_release, is_current, matches, previous_release, reference_of
from jenkinsbridge.errors import DeployError

D1 = "sha256:" + "1" * 64
D2 = "sha256:" + "2" * 64


def rec(action: str, result: str, image: str, digest: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"action": action, "result": result, "image": image}
    if digest is not None:
        out["digest"] = digest
    return out


HISTORY = [
    rec("deploy", "success", "reg:5000/app:v1", f"reg:5000/app@{D1}"),
    rec("deploy", "success", "reg:5000/app:v2", D2),
    rec("promote", "success", "reg:5000/app:v2"),
    rec("deploy", "failed", "reg:5000/app:v3"),
]


def test_previous_release_skips_failures_promotes_and_the_current_one() -> None:
    assert previous_release(HISTORY)["image"] == "reg:5000/app:v1"


def test_a_rollback_is_a_release_so_rolling_back_twice_goes_forward_again() -> None:
    history = [*HISTORY, rec("rollback", "success", f"reg:5000/app@{D1}", f"reg:5000/app@{D1}")]
    assert previous_release(history)["image"] == "reg:5000/app:v2"


def test_old_records_without_digest_compare_by_reference() -> None:
    history = [rec("deploy", "success", "app:v1"), rec("deploy", "success", "app:v1"),
               rec("deploy", "success", "app:v2")]
    assert previous_release(history)["image"] == "app:v1"


def test_nothing_to_roll_back_to() -> None:
    with pytest.raises(DeployError, match="nothing to roll back to"):
        previous_release([rec("deploy", "success", "app:v1"), rec("deploy", "failed", "app:v2")])


@pytest.mark.parametrize("wanted", ["v1", "reg:5000/app:v1", D1, D1[:19], f"reg:5000/app@{D1}"])
def test_to_matches_tag_reference_and_digest(wanted: str) -> None:
    assert find_release(HISTORY, wanted)["image"] == "reg:5000/app:v1"


@pytest.mark.parametrize("wanted", ["v3", "v", "sha256:1111", "app:v1", "sha256:" + "3" * 64])
def test_to_refuses_what_was_never_released(wanted: str) -> None:
    with pytest.raises(DeployError, match="no successful release"):
        find_release(HISTORY, wanted)


def test_matches_ignores_registry_port_as_tag() -> None:
    assert not matches(rec("deploy", "success", "reg:5000/app"), "5000/app")


def test_reference_pins_the_registry_digest_else_keeps_the_reference() -> None:
    assert reference_of(HISTORY[0]) == f"reg:5000/app@{D1}"
    assert reference_of(HISTORY[1]) == "reg:5000/app:v2"  # an image ID is not pullable


def test_is_current() -> None:
    assert is_current(HISTORY, HISTORY[1]) and not is_current(HISTORY, HISTORY[0])
