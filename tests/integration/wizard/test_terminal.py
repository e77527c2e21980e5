"""The interactive wizard through a real pseudo-terminal: keystrokes in, files out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from jenkinsbridge.spec import load_specs
from tests.support.wizard import CLEAR, CTRL_C, DOWN, ENTER, Terminal, copy_fixture, make_git_repo


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    made: list[Terminal] = []
    yield made
    for t in made:
        t.close()


def _run(terminals: list[Terminal], tmp_path: Path, *args: str) -> Terminal:
    t = Terminal(*args, cwd=tmp_path)
    terminals.append(t)
    return t


def _job(out: Path) -> dict:  # type: ignore[type-arg]
    load_specs([out / "jenkinsbridge.yaml"])  # valid
    return yaml.safe_load((out / "jenkinsbridge.yaml").read_text())["jobs"][0]


def test_python_bad_cron_is_refused_and_asked_again(tmp_path: Path, terminals: list[Terminal]) -> None:
    repo = make_git_repo(copy_fixture("python-pip", tmp_path), remote="git@github.com:acme/reports.git")
    out = tmp_path / "out"
    t = _run(terminals, tmp_path, str(repo), "-o", str(out))
    t.expect("Detected the root: python 3.11 (pip)")
    t.expect(".python-version: Python 3.11.7")
    t.accept("Language and build tool", "Toolchain version", "Job name", "Jenkins folder",
             "Git repository URL", "Branch to build", "Git hosting", "credentials ID for checkout",
             "Build on every push", "Poll the repository")
    t.answer("Also build on a schedule", "61 * * * *" + ENTER)
    t.expect("minute 61 is out of range; allowed 0-59")
    t.child.send(CLEAR + "H 2 * * 1-5" + ENTER)
    t.accept("Agent label", "Agent image", "Stages to keep")
    t.answer("Build and push a container image?", "n")
    t.answer("Email addresses", "dev@example.com" + ENTER)
    t.accept("DingTalk", "Notify when the build", "Builds to keep")
    t.expect("Summary:")
    t.answer("Write these files?", ENTER)
    assert t.finish() == 0
    job = _job(out)
    assert job["triggers"] == {"push": True, "cron": "H 2 * * 1-5"}
    assert job["name"] == "reports" and job["folder"] == "acme" and job["version"] == "3.11"
    assert job["notify"]["email"] == ["dev@example.com"]
    assert "stages" not in job  # the python defaults fit this project
    assert (out / "acme" / "reports" / "Jenkinsfile").is_file()


def test_node_pnpm_with_image_and_swarm(tmp_path: Path, terminals: list[Terminal]) -> None:
    repo = make_git_repo(copy_fixture("node-pnpm", tmp_path),
                         remote="https://gitlab.example.com/web/dashboard.git", remote_head="develop")
    out = tmp_path / "out"
    t = _run(terminals, tmp_path, str(repo), "-o", str(out))
    t.expect("packageManager 'pnpm@9.1.0'")
    t.accept("Language and build tool", "Toolchain version")
    t.answer("Job name", CLEAR + "dash" + ENTER)
    t.accept("Jenkins folder", "Git repository URL", "Branch to build", "Git hosting")
    t.answer("credentials ID for checkout", "gitlab-creds" + ENTER)
    t.accept("Build on every push", "Poll the repository", "Also build on a schedule", "Agent label", "Agent image")
    t.expect("install with `pnpm install --frozen-lockfile`")
    t.answer("Stages to keep", DOWN + " " + ENTER)  # drop lint
    t.answer("Build and push a container image?", "y")
    t.accept("Dockerfile", "Registry")
    t.answer("Image repository", CLEAR + "web/dash" + ENTER)
    t.accept("Tags", "credentials ID for the registry", "Deploy environments")
    t.answer("[staging] Deploy with", DOWN + ENTER)  # swarm
    t.accept("[staging] Docker endpoint", "[staging] Release strategy", "[staging] Replicas")
    t.answer("[staging] The container's port", CLEAR + "3000" + ENTER)
    t.accept("[staging] Publish on host port")
    t.answer("[staging] Health check path", CLEAR + "/healthz" + ENTER)
    t.accept("[staging] Who must approve", "Email addresses", "DingTalk", "Builds to keep")
    t.answer("Write these files?", ENTER)
    assert t.finish() == 0
    job = _job(out)
    assert job["source"] == {"url": "https://gitlab.example.com/web/dashboard.git", "branch": "develop",
                             "provider": "gitlab", "credentials": "gitlab-creds"}
    assert [s["name"] for s in job["stages"]] == ["install", "test"]
    assert job["stages"][0]["run"] == "pnpm install --frozen-lockfile"
    assert job["version"] == "20"
    assert job["image"]["repository"] == "web/dash"
    assert job["deploy"] == [{"env": "staging", "target": "swarm", "strategy": "standard", "replicas": 2,
                              "port": 3000, "health": {"path": "/healthz"}}]
    assert "pnpm install --frozen-lockfile" in (out / "web" / "dash" / "Jenkinsfile").read_text()


def test_java_maven_two_environments(tmp_path: Path, terminals: list[Terminal]) -> None:
    repo = make_git_repo(copy_fixture("java-maven", tmp_path), remote="https://git.example.org/shop/orders.git")
    out = tmp_path / "out"
    t = _run(terminals, tmp_path, str(repo), "-o", str(out))
    t.expect("<maven.compiler.release> says Java 21")
    t.accept("Language and build tool", "Toolchain version", "Job name", "Jenkins folder",
             "Git repository URL", "Branch to build", "Git hosting", "credentials ID for checkout")
    t.answer("Poll the repository", CLEAR + "H/2 * * * *" + ENTER)
    t.accept("Also build on a schedule", "Agent label")
    t.answer("Agent image", "Maven:3 JDK" + ENTER)
    t.expect("is not an image reference")
    t.child.send(CLEAR + "registry.example.com:5000/ci/maven:3.9-jdk21" + ENTER)
    t.accept("Stages to keep")
    t.answer("Build and push a container image?", ENTER)  # yes: there is a Dockerfile
    t.accept("Dockerfile")
    t.answer("Registry", CLEAR + "registry.example.com:5000" + ENTER)
    t.accept("Image repository", "Tags")
    t.answer("credentials ID for the registry", "registry-creds" + ENTER)
    t.answer("Deploy environments", CLEAR + "staging, production" + ENTER)
    t.accept(*(f"[staging] {p}" for p in ("Deploy with", "Docker endpoint", "Release strategy", "Replicas",
                                           "The container's port", "Publish on host port",
                                           "Health check path", "Who must approve")))
    t.answer("[production] Deploy with", DOWN + ENTER)
    t.answer("[production] Docker endpoint", "tcp://swarm.example.com:2376" + ENTER)
    t.answer("[production] Credentials ID of the TLS client certificate", "swarm-tls" + ENTER)
    t.accept("[production] Release strategy", "[production] Replicas", "[production] The container's port")
    t.answer("[production] Publish on host port", "80" + ENTER)
    t.accept("[production] Health check path")
    t.answer("[production] Who must approve", "release-managers" + ENTER)
    t.answer("Email addresses", "shop@example.com" + ENTER)
    t.accept("DingTalk", "Notify when the build", "Builds to keep", "Write these files?")
    assert t.finish() == 0
    job = _job(out)
    assert job["language"] == "java-maven" and job["version"] == "21"
    assert job["triggers"] == {"poll": "H/2 * * * *"}
    assert job["agent"] == {"image": "registry.example.com:5000/ci/maven:3.9-jdk21"}
    assert job["image"]["credentials"] == "registry-creds"
    staging, production = job["deploy"]
    assert staging["port"] == 8081  # from EXPOSE
    assert production == {"env": "production", "target": "swarm", "endpoint": "tcp://swarm.example.com:2376",
                          "tls_credentials": "swarm-tls", "strategy": "blue-green", "replicas": 2,
                          "port": 8081, "publish": 80, "approval": "release-managers"}


def test_monorepo_choice_and_remembered_answers(tmp_path: Path, terminals: list[Terminal]) -> None:
    repo = copy_fixture("monorepo", tmp_path)
    out = tmp_path / "out"
    t = _run(terminals, tmp_path, str(repo), "-o", str(out), "--defaults")
    assert t.finish() == 0
    assert _job(out)["name"] == "api"
    t = _run(terminals, tmp_path, str(repo), "-o", str(out))
    t.expect("Starting from the answers in")
    t.answer("Which project should the pipeline build?", DOWN + ENTER)  # services/web
    t.answer("Language and build tool", ENTER)
    t.answer("Toolchain version", ENTER)
    t.answer("Job name", CLEAR + "web" + ENTER)
    t.accept("Jenkins folder", "Git repository URL", "Branch to build", "Git hosting",
             "credentials ID for checkout", "Poll the repository", "Also build on a schedule", "Agent label",
             "Agent image",
             "Stages to keep")
    t.answer("Build and push a container image?", "n")
    t.accept("Email addresses", "DingTalk", "Builds to keep")
    t.expect("changed   jenkinsbridge.yaml")
    t.answer("Replace 2 existing file(s) that would change?", "y")
    assert t.finish() == 0
    job = _job(out)
    assert job["name"] == "web" and job["language"] == "node"
    assert job["stages"][0]["run"].startswith("cd services/web\n")


def test_ctrl_c_writes_nothing(tmp_path: Path, terminals: list[Terminal]) -> None:
    out = tmp_path / "out"
    t = _run(terminals, tmp_path, str(copy_fixture("go", tmp_path)), "-o", str(out))
    t.accept("Language and build tool", "Toolchain version")
    t.answer("Job name", CTRL_C)
    assert t.finish() == 130
    assert not out.exists()


def test_declining_to_replace_keeps_the_files(tmp_path: Path, terminals: list[Terminal]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "jenkinsbridge.yaml").write_text("# mine\n")
    t = _run(terminals, tmp_path, str(copy_fixture("cpp", tmp_path)), "-o", str(out))
    t.accept("Language and build tool", "Toolchain version", "Job name", "Jenkins folder",
             "Git repository URL", "Branch to build", "Git hosting", "credentials ID for checkout",
             "Poll the repository", "Also build on a schedule", "Agent label", "Agent image", "Stages to keep",
             "Build and push a container image?", "Email addresses", "DingTalk", "Builds to keep")
    t.expect("changed   jenkinsbridge.yaml")
    t.answer("Replace 1 existing file(s) that would change?", ENTER)  # the default is no
    assert t.finish() == 1
    assert sorted(p.name for p in out.iterdir()) == ["jenkinsbridge.yaml"]
    assert (out / "jenkinsbridge.yaml").read_text() == "# mine\n"
