"""What the image, deploy and notify parts of the pipelines call, read from the DSL stub."""

import pytest

from tests.support.pipeline import all_stages, children, find_steps, pipeline, sh_steps


def _one(result: dict, step: str) -> dict:
    (node,) = find_steps(result, step)
    return node


def test_image_stage_binds_values_and_registry_credentials(checked: dict) -> None:
    steps = {s.label: s for s in sh_steps(checked["python/full"].result)}
    image = steps["image: build, tag, push"]
    assert image.stage == "Image"
    assert "JB_IMAGE_REPO=registry.example.com:5000/acme/shop-api" in image.env
    assert "JB_IMAGE_TAGS={commit} {build} latest" in image.env
    assert {"JB_DOCKERFILE=docker/Dockerfile", "JB_TARGET=runtime", "JB_BUILD_ARGS=PYTHON_VERSION",
            "PYTHON_VERSION=3.12", "JB_BRANCH=main"} <= set(image.env)
    (cred,) = image.credentials
    assert cred == {"step": "usernamePassword", "children": [], "args": [{
        "credentialsId": "registry-creds", "usernameVariable": "JB_REGISTRY_USERNAME",
        "passwordVariable": "JB_REGISTRY_PASSWORD"}]}
    assert "--password-stdin" in image.script and "$JB_REGISTRY_PASSWORD" in image.script


def test_deploy_stages_per_environment(checked: dict) -> None:
    result = checked["python/full"].result
    deploys = {s.stage: s for s in sh_steps(result) if s.label.startswith("deploy ")}
    assert list(deploys) == ["Deploy staging", "Deploy production"]
    staging = deploys["Deploy staging"]
    assert staging.env == ["JB_SPEC=jenkinsbridge.yaml", "JB_JOB=shop/shop-api", "JB_ENV=staging"]
    assert staging.credentials[0]["step"] == "dockerCert"
    assert staging.credentials[0]["args"][0] == {"credentialsId": "swarm-tls", "variable": "DOCKER_CERT_PATH"}
    assert deploys["Deploy production"].credentials == []
    assert 'jenkinsbridge deploy "$JB_SPEC" --job "$JB_JOB" --env "$JB_ENV" "$@"' in staging.script
    (inp,) = find_steps(result, "input")
    assert [(c["step"], c["args"]) for c in inp["children"]] == [
        ("message", ["Deploy shop/shop-api to production?"]), ("ok", ["Deploy"]),
        ("submitter", ["release-managers"])]


def test_notifications_on_conditions(checked: dict) -> None:
    result = checked["python/full"].result
    (post,) = [c for c in pipeline(result)["children"] if c["step"] == "post"]
    assert [c["step"] for c in post["children"]] == ["fixed", "failure"]
    mails = find_steps(result, "mail")
    assert [m["args"][0]["to"] for m in mails] == ["team@example.com"] * 2
    ding = [s for s in sh_steps(result) if s.label == "notify dingtalk"]
    assert [s.section for s in ding] == ["post:fixed", "post:failure"]
    # the pipeline has no agent: the shell call takes one of the build's label
    assert [n["args"] for n in find_steps(result, "node")] == [["python-build && linux"]] * 2
    assert ding[0].credentials[0]["args"][0] == {"credentialsId": "dingtalk-webhook",
                                                 "variable": "JB_DINGTALK_WEBHOOK"}
    assert ding[0].env == ["JB_BUILD_STATUS=fixed"]


def test_library_steps(checked: dict) -> None:
    result = checked["node/library"].result
    assert _one(result, "library_annotation")["args"] == ["jenkinsbridge"]
    assert _one(result, "jbImage")["args"] == [
        {"spec": "deploy/jenkinsbridge.yaml", "job": "shop/web", "credentialsId": "registry-creds"}]
    deploys = [d["args"][0] for d in find_steps(result, "jbDeploy")]
    assert [d["env"] for d in deploys] == ["staging", "production"]
    assert deploys[0]["image"].startswith("registry.test/stub@sha256:")  # jbImage's return value
    assert deploys[0]["tlsCredentialsId"] == "swarm-tls"
    assert [n["args"][0]["status"] for n in find_steps(result, "jbNotify")] == ["fixed", "success", "failure"]
    assert not [s for s in sh_steps(result) if s.stage in ("Image", "Deploy staging") or s.section != "stages"]


def test_multibranch_checks_out_scm_and_deploys_from_its_branch(checked: dict) -> None:
    result = checked["node/multibranch-github"].result
    assert _one(result, "checkout")["args"] == ["SCM"]
    stages = dict(all_stages(result))
    for name in ("Image", "Deploy staging"):
        (when,) = children(stages[name], "when")
        assert [(c["step"], c["args"]) for c in when["children"]] == [("beforeAgent", [True]), ("branch", ["main"])]
    cron = _one(checked["java-gradle/multibranch-git"].result, "cron")
    assert cron["args"] == ["H 3 * * *"]
    assert not find_steps(checked["python/full"].result, "triggers")  # pipeline jobs: config.xml


def _stage_options(stage: dict) -> dict:
    (opts,) = children(stage, "options")
    return {c["step"]: c["args"] for c in opts["children"]}


def test_options_from_spec(checked: dict) -> None:
    result = checked["python/full"].result
    (opts,) = children(pipeline(result), "options")
    top = {c["step"]: c["args"] for c in opts["children"]}
    assert top["buildDiscarder"][0]["args"] == [{"numToKeepStr": "50", "daysToKeepStr": "30"}]
    assert "timestamps" in top and "timeout" not in top  # an approval's wait is not build time
    assert "disableConcurrentBuilds" not in top  # a build waiting for approval blocks nobody
    stages = dict(all_stages(result))
    assert _stage_options(stages["Build"])["timeout"] == [{"time": 30, "unit": "MINUTES"}]
    assert _stage_options(stages["Approve production"])["timeout"] == [{"time": 1440, "unit": "MINUTES"}]
    (label,) = children(only_agent(stages["Build"]), "label")
    assert label["args"] == ["python-build && linux"]
    plain = find_steps(checked["python/default"].result, "options")[0]
    assert "disableConcurrentBuilds" in {c["step"] for c in plain["children"]}


def only_agent(stage: dict) -> dict:
    (agent,) = children(stage, "agent")
    return agent


def test_approval_holds_no_agent_and_keeps_build_order(checked: dict) -> None:
    result = checked["python/full"].result
    stages = dict(all_stages(result))
    assert [n for n in stages if "/" not in n] == [
        "Build", "Image", "Deploy staging", "Approve production", "Deploy production"]
    assert not children(stages["Approve production"], "agent")
    for name in ("Image", "Deploy staging", "Deploy production"):
        (label,) = children(only_agent(stages[name]), "label")
        assert label["args"] == ["jenkinsbridge-tools"]
    ordinals = [m["args"][0]["ordinal"] for m in find_steps(result, "milestone")]
    assert ordinals == sorted(ordinals) and len(set(ordinals)) == len(ordinals) == 3
    (approved,) = [m for m in find_steps(result, "milestone") if m["args"][0]["label"] == "approved production"]
    assert approved in children(children(stages["Approve production"], "steps")[0], "milestone")


def test_build_hands_its_workspace_to_the_tools_agents(checked: dict) -> None:
    result = checked["python/full"].result
    stages = dict(all_stages(result))
    (post,) = children(stages["Build"], "post")
    success = children(post, "success")[0]
    assert [c["step"] for c in success["children"]] == ["archiveArtifacts", "stash", "stash"]
    assert success["children"][0]["args"][0]["fingerprint"] is True
    names = [u["args"][0] for u in find_steps(result, "unstash")]
    assert names == ["jenkinsbridge-workspace", "jenkinsbridge-deploy", "jenkinsbridge-deploy"]


def test_reports_are_published_so_they_can_be_trusted(checked: dict) -> None:
    result = checked["python/default"].result
    stages = dict(all_stages(result))
    # a test stage without a report marks the build UNSTABLE with a message, not "0 tests"
    (catch,) = find_steps({"tree": stages["Build / parallel: lint, test / test"]}, "catchError")
    assert catch["args"][0]["buildResult"] == "UNSTABLE"
    assert "wrote no test report matching reports/pytest.xml" in catch["args"][0]["message"]
    assert [c["step"] for c in catch["children"]] == ["junit"]
    assert "allowEmptyResults" not in catch["children"][0]["args"][0]
    # lint results are issues (warnings-ng), not tests
    lint = stages["Build / parallel: lint, test / lint"]
    assert not find_steps({"tree": lint}, "junit")
    (rec,) = find_steps({"tree": lint}, "recordIssues")
    (tool,) = rec["args"][0]["tools"]
    assert tool["step"] == "sarif" and tool["args"][0]["pattern"] == "reports/ruff.sarif"


# each language's default Jenkinsfile: the coverage parser and the warnings-ng tool it publishes with
QUALITY_TOOLS = {"python": ("COBERTURA", "sarif"), "java-maven": ("JACOCO", "java"),
                 "java-gradle": ("JACOCO", "java"), "node": ("COBERTURA", "esLint"),
                 "php": ("COBERTURA", "phpStan"), "go": ("GO_COV", "goVet"), "cpp": ("COBERTURA", "clangTidy")}


@pytest.mark.parametrize("lang", sorted(QUALITY_TOOLS))
def test_every_language_publishes_coverage_and_lint_and_lint_only_makes_it_unstable(checked: dict,
                                                                                    lang: str) -> None:
    parser, tool_name = QUALITY_TOOLS[lang]
    result = checked[f"{lang}/default"].result
    (cov,) = find_steps(result, "recordCoverage")
    assert [t["parser"] for t in cov["args"][0]["tools"]] == [parser]
    (rec,) = find_steps(result, "recordIssues")
    args = rec["args"][0]
    (tool,) = args["tools"]
    assert tool["step"] == tool_name
    # java() reads the build log: no pattern; the others read the report the stage wrote
    assert ("pattern" in tool["args"][0]) == (tool_name != "java")
    assert args["qualityGates"] == [{"threshold": 1, "type": "TOTAL", "criticality": "UNSTABLE"}]
    # both plugins add an action under the build's URL at their id: the ids must differ
    assert cov["args"][0]["id"] != tool["args"][0]["id"]
