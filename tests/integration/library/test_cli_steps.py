"""jbImage, jbDeploy, jbPromote and jbRollback: the exact command line each runs, the
environment it runs with, and hostile values arriving as single argv words."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.integration.library.conftest import Runner
from tests.support.library import HOSTILE, run_sh, sh_events

DIGEST = "registry.test:5000/acme/api@sha256:" + "0123456789abcdef" * 4
BUILD = 'jenkinsbridge image build "$JB_SPEC" --job "$JB_JOB"'
PUSH = ('mkdir -p .jenkinsbridge && jenkinsbridge image push "$JB_SPEC" --job "$JB_JOB" '
        '--digest-file "$JB_DIGEST_FILE"')


def _image(spec: str, job: str, **extra: Any) -> dict[str, Any]:
    return {"step": "jbImage", "args": {"spec": spec, "job": job, **extra}, "readFile": DIGEST + "\n"}


@pytest.fixture(scope="module")
def image_outcomes(run_steps: Runner) -> list[dict[str, Any]]:
    scenarios = [_image(v, "shop/" + v, credentialsId="registry-creds", ca=v) for v in HOSTILE]
    return run_steps(scenarios)


@pytest.mark.parametrize("index", range(len(HOSTILE)))
def test_image_builds_and_pushes_with_values_as_data(
    image_outcomes: list[dict[str, Any]], index: int, tmp_path: Path
) -> None:
    value = HOSTILE[index]
    out = image_outcomes[index]
    assert out["error"] is None
    assert out["result"] == DIGEST
    build, push, cleanup = sh_events(out)
    assert (build["script"], push["script"]) == (BUILD, PUSH)
    assert cleanup["script"] == 'rm -f "$JB_DIGEST_FILE"'
    creds = [e for e in out["events"] if e["type"] == "withCredentials"]
    assert creds == [{"type": "withCredentials", "bindings": [{
        "kind": "usernamePassword", "credentialsId": "registry-creds",
        "usernameVariable": "JB_REGISTRY_USERNAME", "passwordVariable": "JB_REGISTRY_PASSWORD"}]}]
    for ev in (build, push):
        assert ev["env"]["JB_SPEC"] == value
        assert ev["env"]["JB_REGISTRY_CA"] == value
        assert ev["env"]["JB_REGISTRY_PASSWORD"] == "password-of-registry-creds"
    digest_file = push["env"]["JB_DIGEST_FILE"]
    assert re.fullmatch(r"\.jenkinsbridge/image-[0-9a-f-]{36}\.digest", digest_file)
    assert [e["file"] for e in out["events"] if e["type"] == "readFile"] == [digest_file]
    assert "JB_REGISTRY_PASSWORD" not in cleanup["env"]  # credentials end with the push

    assert run_sh(build, tmp_path) == [["image", "build", value, "--job", "shop/" + value]]
    assert run_sh(push, tmp_path) == [
        ["image", "push", value, "--job", "shop/" + value, "--digest-file", digest_file]]
    assert not list(tmp_path.glob("pwned*")), "a value ran as code"


def test_image_edge_cases(run_steps: Runner) -> None:
    hostile_id = "creds'$(touch pwned)\n${X}"
    odd_creds, no_creds, bad_digest, missing, unknown = run_steps([
        _image("s.yaml", "j", credentialsId=hostile_id),
        _image("s.yaml", "j"),
        {**_image("s.yaml", "j"), "readFile": "pushed fine\n"},
        {"step": "jbImage", "args": {"spec": "s.yaml"}},
        {"step": "jbImage", "args": {"spec": "s.yaml", "job": "j", "credentials": "x"}},
    ])
    (binding,) = [e["bindings"][0] for e in odd_creds["events"] if e["type"] == "withCredentials"]
    assert binding["credentialsId"] == hostile_id  # handed to the binding as data
    assert all(hostile_id not in ev["script"] for ev in sh_events(odd_creds))
    assert no_creds["result"] == DIGEST
    assert not [e for e in no_creds["events"] if e["type"] == "withCredentials"]
    assert "JB_REGISTRY_CA" not in sh_events(no_creds)[0]["env"]
    assert bad_digest["error"].startswith("jbImage: the push wrote no repository@sha256:<digest> reference")
    assert missing["error"] == "jbImage: argument 'job' is required"
    assert not sh_events(missing)
    assert unknown["error"] == "jbImage: unknown argument(s) credentials; known: spec, job, credentialsId, ca"


DEPLOY = 'jenkinsbridge deploy "$JB_SPEC" --job "$JB_JOB" --env "$JB_ENV"'


@pytest.fixture(scope="module")
def deploy_outcomes(run_steps: Runner) -> list[dict[str, Any]]:
    scenarios: list[dict[str, Any]] = []
    for v in HOSTILE:
        scenarios.append({"step": "jbDeploy", "args": {
            "spec": v, "job": v, "env": v, "image": v, "tlsCredentialsId": "swarm-tls", "strategy": "rolling"}})
    return run_steps(scenarios)


@pytest.mark.parametrize("index", range(len(HOSTILE)))
def test_deploy_passes_values_as_data(deploy_outcomes: list[dict[str, Any]], index: int, tmp_path: Path) -> None:
    value = HOSTILE[index]
    out = deploy_outcomes[index]
    (ev,) = sh_events(out)
    assert ev["script"] == DEPLOY + ' --image "$JB_IMAGE" --strategy "$JB_STRATEGY"'
    assert ev["env"]["DOCKER_TLS_VERIFY"] == "1"
    assert ev["env"]["DOCKER_CERT_PATH"] == "/tmp/certs-of-swarm-tls"
    creds = [e["bindings"] for e in out["events"] if e["type"] == "withCredentials"]
    assert creds == [[{"kind": "dockerCert", "credentialsId": "swarm-tls", "variable": "DOCKER_CERT_PATH"}]]
    assert run_sh(ev, tmp_path) == [
        ["deploy", value, "--job", value, "--env", value, "--image", value, "--strategy", "rolling"]]
    assert not list(tmp_path.glob("pwned*"))


def test_deploy_promote_rollback_forms(run_steps: Runner, tmp_path: Path) -> None:
    plain, bad_strategy, promote, rollback, rollback_tls, no_env = run_steps([
        {"step": "jbDeploy", "args": {"spec": "s.yaml", "job": "shop/api", "env": "staging"}},
        {"step": "jbDeploy", "args": {"spec": "s.yaml", "job": "j", "env": "e", "strategy": "$(reboot)"}},
        {"step": "jbPromote", "args": {"spec": "s.yaml", "job": "shop/api", "env": "pro'd"}},
        {"step": "jbRollback", "args": {"spec": "s.yaml", "job": "shop/api", "env": "production"}},
        {"step": "jbRollback", "args": {"spec": "s.yaml", "job": "j", "env": "e", "tlsCredentialsId": "tls"}},
        {"step": "jbPromote", "args": {"spec": "s.yaml", "job": "j"}},
    ])
    (ev,) = sh_events(plain)
    assert ev["script"] == DEPLOY
    assert "DOCKER_TLS_VERIFY" not in ev["env"] and "DOCKER_CERT_PATH" not in ev["env"]
    assert run_sh(ev, tmp_path) == [["deploy", "s.yaml", "--job", "shop/api", "--env", "staging"]]
    assert bad_strategy["error"] == "jbDeploy: strategy '$(reboot)' is not one of standard, rolling, blue-green"
    assert not sh_events(bad_strategy)
    (ev,) = sh_events(promote)
    assert ev["script"] == 'jenkinsbridge deploy promote "$JB_SPEC" --job "$JB_JOB" --env "$JB_ENV"'
    assert run_sh(ev, tmp_path) == [["deploy", "promote", "s.yaml", "--job", "shop/api", "--env", "pro'd"]]
    (ev,) = sh_events(rollback)
    assert run_sh(ev, tmp_path) == [["deploy", "rollback", "s.yaml", "--job", "shop/api", "--env", "production"]]
    (ev,) = sh_events(rollback_tls)
    assert ev["env"]["DOCKER_TLS_VERIFY"] == "1" and ev["env"]["DOCKER_CERT_PATH"] == "/tmp/certs-of-tls"
    assert no_env["error"] == "jbPromote: argument 'env' is required"


def test_rollback_to_a_release_with_a_reason(run_steps: Runner, tmp_path: Path) -> None:
    to, reason = HOSTILE[3], HOSTILE[6] + HOSTILE[1]
    both, only_to, unknown = run_steps([
        {"step": "jbRollback", "args": {"spec": "s.yaml", "job": "shop/api", "env": "production", "to": to,
                                        "reason": reason}},
        {"step": "jbRollback", "args": {"spec": "s.yaml", "job": "j", "env": "e", "to": "sha256:" + "ab" * 32}},
        {"step": "jbRollback", "args": {"spec": "s.yaml", "job": "j", "env": "e", "version": "v1"}},
    ])
    (ev,) = sh_events(both)
    assert ev["script"] == ('jenkinsbridge deploy rollback "$JB_SPEC" --job "$JB_JOB" --env "$JB_ENV" '
                            '--to "$JB_ROLLBACK_TO" --reason "$JB_ROLLBACK_REASON"')
    assert run_sh(ev, tmp_path) == [["deploy", "rollback", "s.yaml", "--job", "shop/api", "--env", "production",
                                     "--to", to, "--reason", reason]]
    assert not list(tmp_path.glob("pwned*"))
    (ev,) = sh_events(only_to)
    assert run_sh(ev, tmp_path) == [["deploy", "rollback", "s.yaml", "--job", "j", "--env", "e",
                                     "--to", "sha256:" + "ab" * 32]]
    assert unknown["error"] == ("jbRollback: unknown argument(s) version; known: spec, job, env, "
                                "tlsCredentialsId, to, reason")


ARTIFACTS_PUSH = ('mkdir -p .jenkinsbridge && jenkinsbridge artifacts push "$JB_SPEC" --job "$JB_JOB" '
                  '--digest-file "$JB_DIGEST_FILE"')


def test_artifacts_pushes_with_values_as_data(run_steps: Runner, tmp_path: Path) -> None:
    value = HOSTILE[0]
    ok, no_creds, bad_digest, unknown = run_steps([
        {"step": "jbArtifacts", "args": {"spec": value, "job": "shop/" + value, "credentialsId": "registry-creds",
                                         "ca": value}, "readFile": DIGEST + "\n"},
        {"step": "jbArtifacts", "args": {"spec": "s.yaml", "job": "j"}, "readFile": DIGEST + "\n"},
        {"step": "jbArtifacts", "args": {"spec": "s.yaml", "job": "j"}, "readFile": "nothing\n"},
        {"step": "jbArtifacts", "args": {"spec": "s.yaml", "job": "j", "files": "dist/*"}},
    ])
    assert ok["error"] is None and ok["result"] == DIGEST
    push, cleanup = sh_events(ok)
    assert push["script"] == ARTIFACTS_PUSH and cleanup["script"] == 'rm -f "$JB_DIGEST_FILE"'
    assert push["env"]["JB_REGISTRY_CA"] == value
    assert push["env"]["JB_REGISTRY_PASSWORD"] == "password-of-registry-creds"
    assert "JB_REGISTRY_PASSWORD" not in cleanup["env"]
    digest_file = push["env"]["JB_DIGEST_FILE"]
    assert re.fullmatch(r"\.jenkinsbridge/artifacts-[0-9a-f-]{36}\.digest", digest_file)
    assert run_sh(push, tmp_path) == [
        ["artifacts", "push", value, "--job", "shop/" + value, "--digest-file", digest_file]]
    assert not list(tmp_path.glob("pwned*")), "a value ran as code"
    assert no_creds["result"] == DIGEST
    assert not [e for e in no_creds["events"] if e["type"] == "withCredentials"]
    assert bad_digest["error"].startswith("jbArtifacts: the push wrote no repository@sha256:<digest>")
    assert unknown["error"] == "jbArtifacts: unknown argument(s) files; known: spec, job, credentialsId, ca"
