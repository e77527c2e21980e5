"""jbMetrics: the command it runs, values as data, the Jenkins token bound from
credentials, the report archived."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.integration.library.conftest import Runner
from tests.support.library import HOSTILE, run_sh, sh_events

METRICS = ('mkdir -p -- "$JB_OUT" && jenkinsbridge metrics "$JB_SPEC" --env "$JB_ENV" --since "$JB_SINCE" '
           '--json --html "$JB_OUT/delivery-metrics.html" > "$JB_OUT/delivery-metrics.json"')


@pytest.fixture(scope="module")
def outcomes(run_steps: Runner) -> list[dict[str, Any]]:
    return run_steps([{"step": "jbMetrics", "args": {"spec": v, "env": v, "since": v, "credentialsId": "jenkins-api"}}
                      for v in HOSTILE])


@pytest.mark.parametrize("index", range(len(HOSTILE)))
def test_metrics_values_stay_data(outcomes: list[dict[str, Any]], index: int, tmp_path: Path) -> None:
    value = HOSTILE[index]
    out = outcomes[index]
    assert out["error"] is None
    (ev,) = sh_events(out)
    assert ev["script"] == METRICS
    assert (ev["env"]["JENKINS_USER"], ev["env"]["JENKINS_TOKEN"]) == ("user-of-jenkins-api", "password-of-jenkins-api")
    assert run_sh(ev, tmp_path) == [["metrics", value, "--env", value, "--since", value, "--json",
                                     "--html", "metrics/delivery-metrics.html"]]
    assert (tmp_path / "metrics" / "delivery-metrics.json").is_file()
    assert not list(tmp_path.glob("pwned*"))
    (archived,) = [e for e in out["events"] if e["type"] == "archiveArtifacts"]
    assert archived["artifacts"] == "metrics/delivery-metrics.html,metrics/delivery-metrics.json"
    assert out["result"] == "metrics/delivery-metrics.html"


def test_metrics_defaults_and_bad_arguments(run_steps: Runner, tmp_path: Path) -> None:
    plain, custom, escape, glob, missing = run_steps([
        {"step": "jbMetrics", "args": {"spec": "jenkinsbridge.yaml", "credentialsId": "c"}},
        {"step": "jbMetrics", "args": {"spec": "s.yaml", "credentialsId": "c", "output": "reports/dora",
                                       "tlsCredentialsId": "swarm-tls"}},
        {"step": "jbMetrics", "args": {"spec": "s.yaml", "credentialsId": "c", "output": "../outside"}},
        {"step": "jbMetrics", "args": {"spec": "s.yaml", "credentialsId": "c", "output": "a,b/**"}},
        {"step": "jbMetrics", "args": {"spec": "s.yaml"}},
    ])
    (ev,) = sh_events(plain)
    assert run_sh(ev, tmp_path) == [["metrics", "jenkinsbridge.yaml", "--env", "production", "--since", "30d",
                                     "--json", "--html", "metrics/delivery-metrics.html"]]
    (ev,) = sh_events(custom)
    assert ev["env"]["DOCKER_CERT_PATH"] == "/tmp/certs-of-swarm-tls" and ev["env"]["JB_OUT"] == "reports/dora"
    assert custom["result"] == "reports/dora/delivery-metrics.html"
    for bad in (escape, glob):
        assert bad["error"].startswith("jbMetrics: output '") and "must be a relative directory" in bad["error"]
        assert not sh_events(bad)
    assert missing["error"] == "jbMetrics: argument 'credentialsId' is required"
