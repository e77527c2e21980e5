from __future__ import annotations

from dataclasses import dataclass

import pytest

from jenkinsbridge.errors import (
    BadRequestError,
    JenkinsAuthError,
    JenkinsServerError,
    NotFoundError,
    PermissionDeniedError,
    PluginsMissingError,
)
from jenkinsbridge.jenkins.httperrors import from_http_error, from_jenkins_error
from jenkinsbridge.jenkins.plugins import check_plugins, missing_plugins, required_plugins, version_tuple
from jenkinsbridge.render import render_spec
from jenkinsbridge.spec import load_specs


@dataclass
class _Job:
    config_xml: str
    jenkinsfile: str


def test_required_plugins_from_xml_and_steps() -> None:
    job = _Job(
        '<flow-definition plugin="workflow-job@1400.v1"><x plugin="git"/></flow-definition>',
        "pipeline {\n  stages { stage('a') { steps {\n"
        "    sh 'junit is not a step here; input neither'\n"
        "    // timestamps() in a comment\n"
        "    dockerCert(variable: 'D', credentialsId: 'c') { echo \"x\" }\n"
        "    input message: 'go?'\n"
        "    checkout([$class: 'GitSCM'])\n"
        "  } } }\n}\n",
    )
    got = required_plugins(job)
    assert got["workflow-job"] == "1400.v1"
    assert {"git", "docker-commons", "pipeline-input-step", "workflow-durable-task-step",
            "pipeline-model-definition", "workflow-scm-step", "workflow-basic-steps"} <= set(got)
    assert "junit" not in got and "timestamper" not in got


def test_required_plugins_of_a_rendered_job() -> None:
    job = render_spec(load_specs(["examples/shop.yaml"])).jobs[1]
    got = required_plugins(job)
    for name in ("junit", "timestamper", "mailer", "credentials-binding", "git", "workflow-cps"):
        assert name in got


def test_missing_plugins_and_versions() -> None:
    installed = [{"shortName": "git", "version": "5.5.2", "active": True, "enabled": True},
                 {"shortName": "junit", "version": "1300.v03", "active": False, "enabled": False}]
    missing = missing_plugins({"git": "5.10.0", "junit": None, "mailer": None}, installed)
    assert missing == {"git": "5.10.0 (have 5.5.2)", "junit": "(installed but disabled)", "mailer": ""}
    with pytest.raises(PluginsMissingError, match=r"git@5\.10\.0"):
        check_plugins({"git": "5.10.0"}, installed)
    assert version_tuple("1400.v7fd111b_ec82f") > version_tuple("1399.vaaa")
    assert version_tuple("2.10") > version_tuple("2.9")


def test_http_errors_are_precise() -> None:
    page = "<html><title>Error 403 alice is missing the Job/Create permission</title></html>"
    e = from_http_error(403, "http://j/createItem", page)
    assert isinstance(e, PermissionDeniedError) and e.permission == "Job/Create"
    e = from_http_error(403, "http://j/x", "", headers={"X-Required-Permission": "hudson.model.Item.Delete",
                                                        "X-You-Are-Authenticated-As": "bob"})
    assert isinstance(e, PermissionDeniedError) and e.permission == "Job/Delete" and "bob" in str(e)
    assert "no valid crumb" in str(from_http_error(403, "u", "No valid crumb was included in the request"))
    assert isinstance(from_http_error(401, "u"), JenkinsAuthError)
    assert isinstance(from_http_error(404, "u"), NotFoundError)
    e = from_http_error(400, "u", "", headers={"X-Error": "A job already exists with the name 'x'"})
    assert isinstance(e, BadRequestError) and "already exists" in str(e)
    e = from_http_error(500, "u", "<title>Error 500 java.io.IOException: Unable to read</title>")
    assert isinstance(e, JenkinsServerError) and "Unable to read" in str(e)


def test_python_jenkins_exceptions_keep_their_status() -> None:
    import jenkins
    import requests

    resp = requests.Response()
    resp.status_code = 403
    resp._content = b"bob is missing the Overall/Administer permission"
    try:
        try:
            raise requests.HTTPError(response=resp)
        except requests.HTTPError:
            raise jenkins.JenkinsException("Possibly authentication failed [403]") from None
    except jenkins.JenkinsException as exc:
        mapped = from_jenkins_error(exc)
    assert isinstance(mapped, PermissionDeniedError) and mapped.permission == "Overall/Administer"


@pytest.mark.parametrize(("lang", "wanted"), [
    ("go", {"coverage": "2.8.0", "warnings-ng": None}),  # GO_COV: coverage-model 0.56.0
    ("node", {"coverage": None, "warnings-ng": None, "analysis-model-api": "13.6.0"}),  # ESLint JSON
    ("python", {"coverage": None, "warnings-ng": None}),
])
def test_quality_steps_ask_for_the_releases_that_read_their_reports(lang: str, wanted: dict) -> None:
    from jenkinsbridge.render import render_job
    from jenkinsbridge.spec.models import Job

    job = Job.model_validate({"name": "q", "language": lang, "source": {"url": "https://git.example.com/q.git"}})
    got = required_plugins(render_job(job))
    assert {k: got.get(k, "absent") for k in wanted} == wanted
    # an older coverage plugin (1.16.1 has no Go parser) is reported as missing for Go
    installed = [{"shortName": n, "version": "1.16.1" if n == "coverage" else "99999"} for n in got]
    assert ("coverage" in missing_plugins(got, installed)) == (lang == "go")
