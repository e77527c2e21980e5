"""jbNotify (mail + DingTalk through httpRequest) and jbPipeline (a whole pipeline)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.library.conftest import Runner
from tests.support.library import HOSTILE, LIBRARY, run_sh, sh_events

BUILD_ENV = {"JOB_NAME": "shop/api", "BUILD_NUMBER": "7", "BUILD_URL": "https://ci.test/job/shop/job/api/7/"}
DIGEST = "registry.test:5000/acme/api@sha256:" + "ab" * 32


def test_notify_mail_and_dingtalk(run_steps: Runner) -> None:
    hostile_job = dict(BUILD_ENV, JOB_NAME=HOSTILE[1] + HOSTILE[6] + HOSTILE[3])
    both, failing_hook, comma_list, bad_status, default_status = run_steps([
        {"step": "jbNotify", "env": BUILD_ENV,
         "args": {"email": ["team@example.com", "ops@example.com"], "dingtalk": "dingtalk-webhook",
                  "status": "failure"}},
        {"step": "jbNotify", "env": hostile_job, "httpFails": True,
         "args": {"dingtalk": "hook", "status": "fixed"}},
        {"step": "jbNotify", "env": BUILD_ENV, "args": {"email": "a@example.com, b@example.com"}},
        {"step": "jbNotify", "env": BUILD_ENV, "args": {"email": "a@example.com", "status": "meh"}},
        {"step": "jbNotify", "env": BUILD_ENV, "currentBuild": {"currentResult": "UNSTABLE"},
         "args": {"email": "a@example.com"}},
    ])
    assert both["error"] is None
    (mail,) = [e for e in both["events"] if e["type"] == "mail"]
    assert mail["to"] == "team@example.com, ops@example.com"
    assert mail["subject"] == "jenkinsbridge: shop/api #7 failure"
    assert mail["body"] == "jenkinsbridge: shop/api #7 failure\nhttps://ci.test/job/shop/job/api/7/"
    creds = [e["bindings"] for e in both["events"] if e["type"] == "withCredentials"]
    assert creds == [[{"kind": "string", "credentialsId": "dingtalk-webhook", "variable": "JB_DINGTALK_WEBHOOK"}]]
    (req,) = [e for e in both["events"] if e["type"] == "httpRequest"]
    assert req["url"] == "https://hooks.invalid/secret-of-dingtalk-webhook"  # read from the binding
    assert (req["httpMode"], req["contentType"], req["quiet"]) == ("POST", "APPLICATION_JSON_UTF8", True)
    assert json.loads(req["requestBody"]) == {"msgtype": "text", "text": {"content": mail["body"]}}
    assert not sh_events(both)  # no shell: nothing to inject into
    assert not any("secret-of" in json.dumps(e) for e in both["events"] if e["type"] in ("echo", "mail"))

    assert failing_hook["error"] is None  # a failed notification does not fail the build
    (req,) = [e for e in failing_hook["events"] if e["type"] == "httpRequest"]
    content = json.loads(req["requestBody"])["text"]["content"]
    assert content.startswith("jenkinsbridge: " + hostile_job["JOB_NAME"] + " #7 fixed")
    assert [e["message"] for e in failing_hook["events"] if e["type"] == "echo"] == [
        "jbNotify: the DingTalk notification failed: IOException"]
    assert not [e for e in failing_hook["events"] if e["type"] == "mail"]

    (mail,) = [e for e in comma_list["events"] if e["type"] == "mail"]
    assert mail["to"] == "a@example.com, b@example.com"
    assert mail["subject"].endswith(" success")
    assert bad_status["error"].startswith("jbNotify: status 'meh' is not one of success, failure")
    (mail,) = [e for e in default_status["events"] if e["type"] == "mail"]
    assert mail["subject"].endswith(" unstable")


def _pipeline_args(**extra: object) -> dict[str, object]:
    return {"language": "python", "job": "shop/api", "image": True, "credentialsId": "registry-creds",
            "deploy": ["staging", {"env": "production", "strategy": "blue-green", "tlsCredentialsId": "prod-tls"}],
            "email": ["team@example.com"], **extra}


def test_pipeline_runs_defaults_image_deploys(run_steps: Runner, tmp_path: Path) -> None:
    ok, failed, fixed, custom = run_steps([
        {"step": "jbPipeline", "env": BUILD_ENV, "readFile": DIGEST, "args": _pipeline_args()},
        {"step": "jbPipeline", "env": BUILD_ENV, "readFile": DIGEST, "shExit": {"lint": 1},
         "args": _pipeline_args()},
        {"step": "jbPipeline", "env": BUILD_ENV, "readFile": DIGEST,
         "currentBuild": {"previousBuild": {"result": "FAILURE"}}, "args": _pipeline_args()},
        {"step": "jbPipeline", "env": BUILD_ENV,
         "args": {"language": "go", "label": "go && eu", "stages": [{"name": "only", "run": "make"}],
                  "timeoutMinutes": 5}},
    ])
    table = json.loads((LIBRARY / "resources/io/jenkinsbridge/languages.json").read_text(encoding="utf-8"))
    python = table["python"]
    assert ok["error"] is None
    stages = [e["name"] for e in ok["events"] if e["type"] == "stage"]
    assert stages == ["Checkout", *[s["name"] for s in python["stages"]], "Image", "Deploy staging",
                      "Deploy production"]
    # the build on the language's agent; Image and each Deploy on a tools agent of their own
    node = [e["label"] for e in ok["events"] if e["type"] == "node"]
    assert node == [python["label"], "jenkinsbridge-tools", "jenkinsbridge-tools", "jenkinsbridge-tools"]
    scripts = [(e["label"], e["script"], e["node"]) for e in sh_events(ok)]
    assert scripts[: len(python["stages"])] == [(s["name"], s["run"], python["label"]) for s in python["stages"]]
    assert all(e["node"] == "jenkinsbridge-tools" and e["timeout"] == 60
               for e in sh_events(ok)[len(python["stages"]):])
    for e in sh_events(ok)[: len(python["stages"])]:  # what the rendered Jenkinsfiles' environment sets
        assert (e["env"]["CI"], e["env"]["JB_LANGUAGE"], e["env"]["JB_TOOL_VERSION"]) == (
            "true", "python", python["version"])
    junit = [e for e in ok["events"] if e["type"] == "junit"]
    assert [e["testResults"] for e in junit] == [s["junit"] for s in python["stages"] if s.get("junit")]
    assert all("allowEmptyResults" not in e for e in junit)  # no report is not "0 tests"
    stashes = {e["name"]: e for e in ok["events"] if e["type"] == "stash"}
    assert stashes["jenkinsbridge-workspace"]["node"] == python["label"]
    assert stashes["jenkinsbridge-workspace"]["useDefaultExcludes"] is False  # .git goes along (tags)
    assert stashes["jenkinsbridge-deploy"]["includes"] == "jenkinsbridge.yaml"
    assert [(e["name"], e["node"]) for e in ok["events"] if e["type"] == "unstash"] == [
        ("jenkinsbridge-workspace", "jenkinsbridge-tools"), ("jenkinsbridge-deploy", "jenkinsbridge-tools"),
        ("jenkinsbridge-deploy", "jenkinsbridge-tools")]
    assert [(e["ordinal"], e["label"]) for e in ok["events"] if e["type"] == "milestone"] == [
        (2, "deploy staging"), (4, "deploy production")]
    assert not [e for e in ok["events"] if e["type"] == "input"]
    deploys = [e for e in sh_events(ok) if e["label"] == "jenkinsbridge deploy"]
    assert [d["env"]["JB_ENV"] for d in deploys] == ["staging", "production"]
    assert all(d["env"]["JB_IMAGE"] == DIGEST and d["env"]["JB_JOB"] == "shop/api" for d in deploys)
    assert "DOCKER_TLS_VERIFY" not in deploys[0]["env"] and deploys[1]["env"]["DOCKER_TLS_VERIFY"] == "1"
    assert run_sh(deploys[1], tmp_path) == [["deploy", "jenkinsbridge.yaml", "--job", "shop/api", "--env",
                                             "production", "--image", DIGEST, "--strategy", "blue-green"]]
    assert not [e for e in ok["events"] if e["type"] == "mail"]  # success after success: quiet

    assert failed["error"] == "script returned exit code 1"
    assert failed["currentBuild"]["result"] == "FAILURE"
    assert [e["name"] for e in failed["events"] if e["type"] == "stage"] == ["Checkout", "install", "lint"]
    (mail,) = [e for e in failed["events"] if e["type"] == "mail"]
    assert mail["subject"] == "jenkinsbridge: shop/api #7 failure"

    (mail,) = [e for e in fixed["events"] if e["type"] == "mail"]
    assert mail["subject"].endswith(" fixed")

    assert [e["label"] for e in custom["events"] if e["type"] == "node"] == ["go && eu"]
    assert [(e["label"], e["script"]) for e in sh_events(custom)] == [("only", "make")]
    assert [e["time"] for e in custom["events"] if e["type"] == "timeout"] == [5]
    assert not [e for e in custom["events"] if e["type"] == "stash"]  # nothing to hand over


def test_pipeline_approval_holds_no_agent(run_steps: Runner) -> None:
    approved, short = run_steps([
        {"step": "jbPipeline", "env": BUILD_ENV, "readFile": DIGEST,
         "args": _pipeline_args(deploy=["staging", {"env": "production", "approval": "release-managers"}],
                                deployFiles=["deploy/compose.yaml"], toolsLabel="docker && tools")},
        {"step": "jbPipeline", "env": BUILD_ENV, "readFile": DIGEST,
         "args": _pipeline_args(deploy=[{"env": "prod", "approval": "ops", "approvalTimeoutMinutes": 30}],
                                approvalTimeoutMinutes=90)},
    ])
    assert approved["error"] is None
    events = approved["events"]
    (wait,) = [e for e in events if e["type"] == "input"]
    assert wait["node"] is None  # no executor, no container during the wait
    assert wait["timeout"] == 1440  # its own timeout, not the build's
    assert (wait["message"], wait["ok"], wait["submitter"]) == ("Deploy shop/api to production?", "Deploy",
                                                               "release-managers")
    milestones = [(e["ordinal"], e["label"], e["node"]) for e in events if e["type"] == "milestone"]
    assert milestones == [(2, "deploy staging", "docker && tools"), (3, "approved production", None),
                          (4, "deploy production", "docker && tools")]
    order = [e.get("name") for e in events if e["type"] == "stage"]
    assert order[-3:] == ["Deploy staging", "Approve production", "Deploy production"]
    stash = next(e for e in events if e["type"] == "stash" and e["name"] == "jenkinsbridge-deploy")
    assert stash["includes"] == "jenkinsbridge.yaml, deploy/compose.yaml"
    assert [e["timeout"] for e in short["events"] if e["type"] == "input"] == [30]  # per deploy over the default


def test_pipeline_stage_without_report_is_unstable(run_steps: Runner) -> None:
    (out,) = run_steps([
        {"step": "jbPipeline", "env": BUILD_ENV, "junitEmpty": ["reports/pytest.xml"],
         "args": {"language": "python", "job": "shop/api", "email": ["team@example.com"],
                  "notifyWhen": ["unstable"]}},
    ])
    assert out["error"] is None
    assert out["currentBuild"]["result"] == "UNSTABLE"
    (caught,) = [e for e in out["events"] if e["type"] == "catchError"]
    assert caught["message"] == "stage test wrote no test report matching reports/pytest.xml"
    assert (caught["buildResult"], caught["stageResult"]) == ("UNSTABLE", "UNSTABLE")
    assert caught["caught"] == "No test report files were found. Configuration error?"
    (mail,) = [e for e in out["events"] if e["type"] == "mail"]
    assert mail["subject"].endswith(" unstable")


def test_pipeline_rejects_unknown_language_and_keeps_values_data(run_steps: Runner, tmp_path: Path) -> None:
    job = HOSTILE[3] + HOSTILE[4] + HOSTILE[0]
    out, hostile = run_steps([
        {"step": "jbPipeline", "env": BUILD_ENV, "args": {"language": "cobol"}},
        {"step": "jbPipeline", "env": BUILD_ENV, "readFile": DIGEST,
         "args": {"language": "node", "job": job, "spec": HOSTILE[6], "image": True, "deploy": [HOSTILE[2]]}},
    ])
    build = next(e for e in sh_events(hostile) if e["label"] == "jenkinsbridge image build")
    assert run_sh(build, tmp_path) == [["image", "build", HOSTILE[6], "--job", job]]
    (deploy,) = [e for e in sh_events(hostile) if e["label"] == "jenkinsbridge deploy"]
    assert run_sh(deploy, tmp_path) == [["deploy", HOSTILE[6], "--job", job, "--env", HOSTILE[2],
                                         "--image", DIGEST]]
    assert not list(tmp_path.glob("pwned*"))
    assert out["error"] == ("jbPipeline: language 'cobol' is not one of cpp, go, java-gradle, java-maven, "
                            "node, php, python")


def test_pipeline_publishes_lint_and_coverage_like_the_rendered_jenkinsfiles(run_steps: Runner) -> None:
    from jenkinsbridge.render.core import _default_stage_block

    table = json.loads((LIBRARY / "resources/io/jenkinsbridge/languages.json").read_text(encoding="utf-8"))
    languages = sorted(table)
    runs = run_steps([{"step": "jbPipeline", "env": BUILD_ENV,
                       "args": {"language": lang, **({"coverage": 80} if lang == "go" else {})}}
                      for lang in languages])
    for lang, out in zip(languages, runs, strict=True):
        assert out["error"] is None, (lang, out["error"])
        defaults, rendered = table[lang], str(_default_stage_block(lang))
        lint = [s["issues"] for s in defaults["stages"] if "issues" in s]
        coverage = [s["coverage"] for s in defaults["stages"] if "coverage" in s]
        assert lint and coverage, lang  # every language publishes both
        issues = [e for e in out["events"] if e["type"] == "recordIssues"]
        assert [(t["tool"], t.get("pattern"), t["id"]) for e in issues for t in e["tools"]] == [
            (i["tool"], i.get("pattern"), i["id"]) for i in lint]
        assert all(e["node"] == defaults["label"] and e["qualityGates"] == [
            {"threshold": 1, "type": "TOTAL", "criticality": "UNSTABLE"}] for e in issues)
        published = [e for e in out["events"] if e["type"] == "recordCoverage"]
        assert [(e["tools"][0]["parser"], e["tools"][0]["pattern"], e["id"]) for e in published] == [
            (c["parser"], c["pattern"], c["id"]) for c in coverage]
        gates = [e.get("qualityGates") for e in published]
        assert gates == ([[{"metric": "LINE", "baseline": "PROJECT", "threshold": 80.0, "criticality": "FAILURE"}]]
                         if lang == "go" else [None])
        for ident in [i["id"] for i in lint] + [c["id"] for c in coverage]:  # the same result URLs
            assert f"id: '{ident}'" in rendered, (lang, ident)
        for i in lint:
            assert i["tool"] + "(" in rendered, (lang, i["tool"])
