"""Question.parse: the one check for typed answers and answers from files; the checks are
the spec's own."""

from __future__ import annotations

import pytest

from jenkinsbridge.spec import checks
from jenkinsbridge.wizard.question import Choice, Question

CRON = Question("triggers.cron", "cron", optional=True, check=checks.check_cron)


@pytest.mark.parametrize(("text", "reason"), [
    ("61 * * * *", "minute 61 is out of range"),
    ("* * *", "has 3 fields"),
    ("@sometimes", "unknown alias"),
])
def test_bad_cron_is_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        CRON.parse(text)


def test_good_and_empty_cron() -> None:
    assert CRON.parse("  H 2 * * 1-5 ") == "H 2 * * 1-5"
    assert CRON.parse("") is None


@pytest.mark.parametrize(("check", "bad", "reason"), [
    (checks.check_registry, "https://reg.example.com", "has a scheme"),
    (checks.check_repository, "Acme/App", "not a repository name"),
    (checks.check_git_url, "https://u:p@host/a.git", "carries a password"),
    (checks.check_label_expression, "linux &&", "ends too early"),
    (checks.check_folder_path, "a//b", "empty segment"),
    (checks.check_credentials_id, "ghp_abcdefabcdef", "looks like a secret"),
    (checks.check_email, "nobody", "not an email"),
    (checks.check_docker_endpoint, "http://host", "not a Docker endpoint"),
    (checks.check_image_reference, "Bad Ref", "not an image reference"),
])
def test_spec_checks_refuse(check: object, bad: str, reason: str) -> None:
    q = Question("k", "p", check=check)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=reason):
        q.parse(bad)


def test_required_text() -> None:
    with pytest.raises(ValueError, match="required"):
        Question("name", "Job name").parse("  ")


def test_control_characters_refused() -> None:
    with pytest.raises(ValueError, match="control character"):
        Question("name", "Job name").parse("a\x1bb")


def test_int_bounds_and_types() -> None:
    q = Question("port", "port", value_type="int", bounds=(1, 65535))
    assert q.parse("8080") == 8080 and q.parse(443) == 443
    with pytest.raises(ValueError, match="out of range"):
        q.parse("70000")
    with pytest.raises(ValueError, match="whole number"):
        q.parse(True)


def test_list_text_accepts_commas_and_yaml_lists() -> None:
    q = Question("notify.email", "emails", value_type="list", optional=True, check=checks.check_email)
    assert q.parse("a@example.com, b@example.com a@example.com") == ["a@example.com", "b@example.com"]
    assert q.parse(["a@example.com"]) == ["a@example.com"]
    assert q.parse("") == []
    with pytest.raises(ValueError, match="not an email"):
        q.parse("a@example.com, nope")


def test_select_confirm_checkbox() -> None:
    sel = Question("t", "t", "select", choices=[Choice("compose", "C"), Choice("swarm", "S")])
    assert sel.parse("swarm") == "swarm"
    with pytest.raises(ValueError, match="not one of: compose, swarm"):
        sel.parse("k8s")
    with pytest.raises(ValueError, match="true or false"):
        Question("c", "c", "confirm").parse("yes")
    box = Question("s", "s", "checkbox", choices=[Choice("a", "a"), Choice("b", "b")], min_selected=1)
    assert box.parse(["b", "a"]) == ["a", "b"]  # in the offered order
    with pytest.raises(ValueError, match="at least 1"):
        box.parse([])
