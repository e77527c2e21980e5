"""The string checks, as tables of accepted and refused values."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from jenkinsbridge.spec import checks

ACCEPT: list[tuple[Callable[[str], None], str]] = [
    (checks.check_cron, "H/15 * * * *"), (checks.check_cron, "H(0-29)/10 2-5 1,15 * 1-5"),
    (checks.check_cron, "@midnight"), (checks.check_cron, "TZ=Europe/Berlin\n# nightly\nH 2 * * *\nH 14 * * 0"),
    (checks.check_cron, "0 0 31 12 7"),
    (checks.check_image_reference, "golang:1.22"), (checks.check_image_reference, "localhost:5000/a/b_c.d-e:v1"),
    (checks.check_image_reference, "[::1]:5000/app@sha256:" + "a" * 64),
    (checks.check_image_reference, "registry.example.com/acme/app:1.2@sha256:" + "0" * 64),
    (checks.check_registry, "registry.example.com:5000"), (checks.check_registry, "127.0.0.1:5000"),
    (checks.check_repository, "acme/shop__api/x-y.z"),
    (checks.check_tag_template, "{branch}-{build}"), (checks.check_tag_template, "v1.2.3_rc-1"),
    (checks.check_git_url, "https://git.example.com/acme/x.git"), (checks.check_git_url, "git@github.com:a/b.git"),
    (checks.check_git_url, "ssh://git@host:2222/a/b.git"), (checks.check_git_url, "https://token@host/a.git"),
    (checks.check_git_url, "file:///srv/git/app.git"),
    (checks.check_label_expression, "linux"), (checks.check_label_expression, "!(windows || mac) && docker"),
    (checks.check_label_expression, '"my label" -> x <-> y'),
    (checks.check_folder_path, "shop/back end/v2"), (checks.check_item_name, "api (é) + {x} ~ =,"),
    (checks.check_credentials_id, "registry-creds"), (checks.check_credentials_id, "team.prod_deploy-key-2024"),
    (checks.check_email, "o'brien+ci@mail.example.co.uk"),
    (checks.check_docker_endpoint, "ssh://deploy@docker.example.com"),
    (checks.check_docker_endpoint, "unix:///var/run/docker.sock"),
]
REFUSE: list[tuple[Callable[[str], None], str, str]] = [
    (checks.check_cron, "* * * *", "has 4 fields"), (checks.check_cron, "60 * * * *", "out of range"),
    (checks.check_cron, "H(1) * * * *", "not valid"), (checks.check_cron, "@reboot", "unknown alias"),
    (checks.check_cron, "# only a comment", "empty schedule"),
    (checks.check_cron, "TZ=Nowhere\nH * * * *", "time zone"),
    (checks.check_cron, "MON * * * *", "not valid"),
    (checks.check_image_reference, "Golang:1.22", "not an image reference"),
    (checks.check_image_reference, "app:" + "x" * 129, "not an image reference"),
    (checks.check_image_reference, "app@sha256:abc", "not an image reference"),
    (checks.check_registry, "https://r.example.com", "has a scheme"),
    (checks.check_registry, "r_x:5000", "not a registry"),
    (checks.check_repository, "acme//api", "not a repository"),
    (checks.check_repository, "-acme/api", "not a repository"),
    (checks.check_tag_template, "{sha}", "unknown placeholder"), (checks.check_tag_template, ".v1", "not a valid tag"),
    (checks.check_tag_template, "{build", "not a valid tag"),
    (checks.check_git_url, "https://u:p@host/a.git", "password"),
    (checks.check_git_url, "https://host", "no repository path"),
    (checks.check_git_url, "host/a/b", "not a git URL"),
    (checks.check_label_expression, "a &&", "ends too early"), (checks.check_label_expression, "(a", "unclosed"),
    (checks.check_label_expression, "a b", "unexpected"), (checks.check_label_expression, "", "empty"),
    (checks.check_folder_path, "/shop", "empty segment"), (checks.check_folder_path, "a/..", "not a valid name"),
    (checks.check_item_name, "a?b", "names exclude"), (checks.check_item_name, " a", "spaces"),
    (checks.check_credentials_id, "glpat-abcdefghijklmnopqrst", "secret"),
    (checks.check_credentials_id, "AKIAIOSFODNN7EXAMPLE", "secret"),
    (checks.check_credentials_id, "user:pass@host", "user:password"),
    (checks.check_credentials_id, "a" * 129, "not a credentials ID"),
    (checks.check_credentials_id, "creds\n", "newline"),
    (checks.check_email, "team", "not an email"), (checks.check_docker_endpoint, "tcp://host", "not a Docker endpoint"),
]


@pytest.mark.parametrize(("check", "value"), ACCEPT, ids=[f"{c.__name__}:{v[:30]}" for c, v in ACCEPT])
def test_accepts(check: Callable[[str], None], value: str) -> None:
    check(value)


@pytest.mark.parametrize(("check", "value", "says"), REFUSE, ids=[f"{c.__name__}:{v[:30]}" for c, v, _ in REFUSE])
def test_refuses(check: Callable[[str], None], value: str, says: str) -> None:
    with pytest.raises(ValueError, match=None) as e:
        check(value)
    assert says in str(e.value)
    assert ";" in str(e.value) or "," in str(e.value), "a message says what is allowed"


def test_redact_hides_passwords() -> None:
    assert checks.redact("https://bob:hunter2@h/x") == "https://***@h/x"
    assert checks.redact("https://h/x") == "https://h/x"
