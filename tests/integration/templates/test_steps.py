"""What the image, deploy and notify parts of the pipelines call, read from the DSL stub."""

from tests.support.pipeline import find_steps, pipeline, sh_steps


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
    assert [c["step"] for c in post["children"]] == ["fixed", "success", "failure"]
    mails = find_steps(result, "mail")
    assert [m["args"][0]["to"] for m in mails] == ["team@example.com"] * 2
    ding = [s for s in sh_steps(result) if s.label == "notify dingtalk"]
    assert [s.section for s in ding] == ["post:fixed", "post:failure"]
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
    when = _one(result, "when")
    assert [(c["step"], c["args"]) for c in when["children"]] == [("beforeInput", [True]), ("branch", ["main"])]
    cron = _one(checked["java-gradle/multibranch-git"].result, "cron")
    assert cron["args"] == ["H 3 * * *"]
    assert not find_steps(checked["python/full"].result, "triggers")  # pipeline jobs: config.xml


def test_options_from_spec(checked: dict) -> None:
    result = checked["python/full"].result
    opts = {c["step"]: c["args"] for c in _one(result, "options")["children"]}
    assert opts["timeout"] == [{"time": 30, "unit": "MINUTES"}]
    assert opts["buildDiscarder"][0]["args"] == [{"numToKeepStr": "50", "daysToKeepStr": "30"}]
    assert {"timestamps", "disableConcurrentBuilds"} <= set(opts)
    assert _one(result, "label")["args"] == ["python-build && linux"]
