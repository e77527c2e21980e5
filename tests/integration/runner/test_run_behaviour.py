"""How `jenkinsbridge run` behaves around the stages: parallel waves, the environment
Jenkins gives, credentials from an env file (masked, never in the container's config),
skipped stages after a failure, --copy, a missing image, and Ctrl-C / SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.support.runner import (
    AREA_LABEL,
    IMAGE_PREFIX,
    NAME_PREFIX,
    ROOT,
    AgentImages,
    copy_sample,
    payload,
    run_cli,
    stage_marks,
)

SECRET = "s3cr3t-Value-" + uuid.uuid4().hex[:6]

SPEC = """\
version: 1
jobs:
  - name: behaviour
    folder: team/sub
    language: cpp
    source: {url: "https://git.example.com/acme/behaviour.git", branch: main}
    environment: {GREETING: "hi there"}
    stages:
      - name: left
        run: |
          echo "left-start"
          sleep 2
      - name: right
        run: |
          sleep 2
          echo "BUILD_NUMBER=$BUILD_NUMBER JOB_NAME=$JOB_NAME JB_LANGUAGE=$JB_LANGUAGE"
          echo "JB_TOOL_VERSION=$JB_TOOL_VERSION GREETING=$GREETING BRANCH_NAME=$BRANCH_NAME"
          echo "WORKSPACE=$WORKSPACE PWD=$(pwd) GIT_COMMIT=$GIT_COMMIT UID=$(id -u)"
          echo "FROM_ENV=$FROM_ENV length ${#FROM_ENV}"
      - name: secret
        run: |
          echo "token=$JB_TEST_TOKEN"
          echo "$JB_TEST_TOKEN" | sha256sum
          exit 3
        needs: [left, right]
      - name: after
        run: echo never
        needs: [secret]
"""


def _git_tree(tmp_path: Path) -> tuple[Path, str]:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "jenkinsbridge.yaml").write_text(SPEC)
    git = ["git", "-C", str(tree), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "feature-x"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "init"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True)
    return tree, head.stdout.strip()


def test_waves_environment_secrets_and_skips(agent_images: AgentImages, run_network: str,
                                             tmp_path: Path) -> None:
    image = agent_images.get("cpp")
    tree, head = _git_tree(tmp_path)
    env_file = tmp_path / "creds.env"
    env_file.write_text(f"# credentials\nJB_TEST_TOKEN={SECRET}\nFROM_ENV\n")
    proc = run_cli(tree / "jenkinsbridge.yaml", "--env-file", str(env_file), image=image,
                   env={"FROM_ENV": "taken-from-environment"}, network=run_network)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out[-3000:]
    assert "stage 'secret' failed with exit status 3" in proc.stderr

    marks = stage_marks(proc.stderr)
    # left and right ran side by side: both started before either ended
    assert max(marks.index(("start", "left")), marks.index(("start", "right"))) < \
        min(marks.index(("end", "left")), marks.index(("end", "right"))), marks
    assert ("start", "after") not in marks
    assert "[after] " not in proc.stderr
    assert any(line.split()[:2] == ["after", "SKIPPED"] for line in proc.stderr.splitlines())

    ws = "/home/jenkins/agent/workspace/team/sub/behaviour"
    assert "BUILD_NUMBER=1 JOB_NAME=team/sub/behaviour JB_LANGUAGE=cpp" in proc.stderr
    assert "JB_TOOL_VERSION=14 GREETING=hi there BRANCH_NAME=feature-x" in proc.stderr  # cpp's default
    assert f"WORKSPACE={ws} PWD={ws} GIT_COMMIT={head} UID={tree.stat().st_uid}" in proc.stderr
    # a bare NAME in the env file takes the caller's value, masked like every credential
    assert f"FROM_ENV=**** length {len('taken-from-environment')}" in proc.stderr

    # the credential reached the stage but never the logs
    assert SECRET not in out
    assert "token=****" in proc.stderr
    import hashlib
    assert hashlib.sha256((SECRET + "\n").encode()).hexdigest() in proc.stderr


def test_copy_runs_as_jenkins_and_leaves_the_tree_alone(agent_images: AgentImages, run_network: str,
                                                        tmp_path: Path) -> None:
    image = agent_images.get("cpp")
    tree = copy_sample("cpp", tmp_path)
    before = sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*"))
    proc = run_cli(tree / "jenkinsbridge.yaml", "--copy", image=image, network=run_network)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*")) == before
    test = next(r for r in payload(proc)["stages"] if r["stage"] == "test")
    assert test["junit"]["tests"] == 1 and test["junit"]["files"] == ["build-test/junit.xml"]

    who = tmp_path / "who"
    who.mkdir()
    (who / "jenkinsbridge.yaml").write_text(
        "version: 1\njobs:\n  - name: who\n    language: cpp\n"
        "    source: {url: 'https://git.example.com/a/who.git'}\n"
        "    stages:\n      - {name: who, run: 'echo \"user=$(id -un) home=$HOME\"; touch made-here'}\n")
    proc = run_cli(who / "jenkinsbridge.yaml", "--copy", image=image, network=run_network)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "user=jenkins home=/home/jenkins" in proc.stderr
    assert not (who / "made-here").exists()


def test_missing_image_is_one_clear_line(docker_client: Any, run_network: str, tmp_path: Path) -> None:
    tree = copy_sample("cpp", tmp_path)
    proc = run_cli(tree / "jenkinsbridge.yaml", image=f"{IMAGE_PREFIX}/agent-nothing:absent",
                   network=run_network)
    assert proc.returncode == 1
    assert f"agent image {IMAGE_PREFIX}/agent-nothing:absent is not on this Docker engine" in proc.stderr


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupt_removes_the_container(signum: int, agent_images: AgentImages, docker_client: Any,
                                         run_network: str, tmp_path: Path) -> None:
    image = agent_images.get("cpp")
    (tmp_path / "jenkinsbridge.yaml").write_text(
        "version: 1\njobs:\n  - name: sleeper\n    language: cpp\n"
        "    source: {url: 'https://git.example.com/a/sleeper.git'}\n"
        "    stages:\n      - {name: nap, run: 'echo napping; sleep 300'}\n")
    token = uuid.uuid4().hex[:10]
    cmd = [sys.executable, "-m", "jenkinsbridge.cli.main", "run", str(tmp_path / "jenkinsbridge.yaml"),
           "--label", AREA_LABEL, "--label", f"io.jenkinsbridge.test-run={token}",
           "--name-prefix", NAME_PREFIX, "--network", run_network, "--image-override", image]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
                            env=os.environ.copy())
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # wait until the stage runs
            if "[nap] napping" in line:
                break
        else:
            raise AssertionError("the stage never started")
        flt = {"label": f"io.jenkinsbridge.test-run={token}"}
        assert len(docker_client.containers.list(filters=flt)) == 1
        proc.send_signal(signum)
        rest, _ = proc.communicate(timeout=60)
        assert proc.returncode == 130, rest
        assert "interrupted" in rest
        assert docker_client.containers.list(all=True, filters=flt) == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and docker_client.containers.list(all=True, filters=flt):
        time.sleep(0.2)


def test_job_timeout_aborts_the_stage_and_removes_the_container(
        agent_images: AgentImages, docker_client: Any, run_network: str, tmp_path: Path) -> None:
    from jenkinsbridge.runner import make_plan, run_plan
    from jenkinsbridge.spec import load_spec_text

    image = agent_images.get("cpp")
    job = load_spec_text(
        "version: 1\njobs:\n  - name: slow\n    language: cpp\n"
        "    source: {url: 'https://git.example.com/a/slow.git'}\n"
        "    stages:\n      - {name: crawl, run: 'sleep 120'}\n"
        "      - {name: next, run: 'true', needs: [crawl]}\n").jobs[0]
    plan = make_plan(job, tree=tmp_path, image_overrides={"*": image})
    lines: list[tuple[str, str]] = []
    key, value = AREA_LABEL.split("=")
    t0 = time.monotonic()
    report = run_plan(docker_client, plan, on_line=lambda s, line: lines.append((s, line)),
                      name_prefix=NAME_PREFIX, labels={key: value}, timeout=3, network=run_network)
    assert time.monotonic() - t0 < 30
    assert report.timed_out and not report.ok
    assert [(r.name, r.result) for r in report.results] == [("crawl", "ABORTED"), ("next", "SKIPPED")]
    assert any("timed out after 3s" in line for _, line in lines)
    assert docker_client.containers.list(all=True, filters={"name": report.container}) == []


def test_failing_tests_in_a_passing_stage_make_it_unstable(
        agent_images: AgentImages, run_network: str, tmp_path: Path) -> None:
    image = agent_images.get("cpp")
    report = ('<testsuite name="s"><testcase name="ok"/>'
              '<testcase name="bad"><failure message="no"/></testcase></testsuite>')
    (tmp_path / "jenkinsbridge.yaml").write_text(
        "version: 1\njobs:\n  - name: flaky\n    language: cpp\n"
        "    source: {url: 'https://git.example.com/a/flaky.git'}\n"
        "    stages:\n      - name: test\n        junit: 'out/*.xml'\n        run: |\n"
        f"          mkdir -p out\n          echo '{report}' > out/TEST-s.xml\n")
    proc = run_cli(tmp_path / "jenkinsbridge.yaml", image=image, network=run_network)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "stage 'test' is unstable: 1 failing test(s) in its JUnit reports" in proc.stderr
    assert payload(proc)["type"] == "StageUnstableError"
    assert any(line.split()[:2] == ["test", "UNSTABLE"] for line in proc.stderr.splitlines())


def test_a_passing_stage_without_its_report_is_unstable(
        agent_images: AgentImages, run_network: str, tmp_path: Path) -> None:
    """The Jenkinsfile's junit step fails on no matching report and catchError makes the build
    UNSTABLE: a local run says the same instead of passing with no tests counted."""
    image = agent_images.get("cpp")
    (tmp_path / "jenkinsbridge.yaml").write_text(
        "version: 1\njobs:\n  - name: quiet\n    language: cpp\n"
        "    source: {url: 'https://git.example.com/a/quiet.git'}\n"
        "    stages:\n      - name: test\n        junit: 'out/*.xml'\n        run: mkdir -p out\n")
    proc = run_cli(tmp_path / "jenkinsbridge.yaml", image=image, network=run_network)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "stage 'test' is unstable: it wrote no test report matching 'out/*.xml'" in proc.stderr
    assert payload(proc)["type"] == "StageUnstableError"
    assert any(line.split()[:2] == ["test", "UNSTABLE"] and line.endswith("no reports")
               for line in proc.stderr.splitlines())
