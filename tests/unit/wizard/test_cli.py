"""`jenkinsbridge wizard` without a terminal: --defaults, --answers, remembered answers,
never replacing a file without --force, and nothing half-written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from jenkinsbridge.cli.main import main
from jenkinsbridge.spec import load_specs
from tests.support.wizard import copy_fixture, make_git_repo

LANG_FIXTURES = ["java-maven", "java-gradle-kts", "node-pnpm", "php", "python-poetry", "go", "cpp"]


def _spec(out: Path) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((out / "jenkinsbridge.yaml").read_text())


@pytest.mark.parametrize("name", LANG_FIXTURES)
def test_defaults_give_a_valid_rendered_spec(tmp_path: Path, name: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_git_repo(copy_fixture(name, tmp_path), remote=f"git@github.com:acme/{name}.git")
    out = tmp_path / "out"
    assert main(["wizard", str(repo), "-o", str(out), "--defaults"]) == 0
    text = (out / "jenkinsbridge.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=./.jenkinsbridge.schema.json\n")
    assert (out / ".jenkinsbridge.schema.json").is_file()
    job = load_specs([out / "jenkinsbridge.yaml"]).select(None)
    assert job.full_name == f"acme/{name}"
    assert job.source.provider == "github" and job.triggers.push
    jenkinsfile = (out / "acme" / name / "Jenkinsfile").read_text()
    assert (out / "acme" / name / "config.xml").is_file() and (out / "acme" / "config.xml").is_file()
    summary = capsys.readouterr().out
    assert "Summary:" in summary and f"Detected the root: {job.language}" in summary
    assert "stage(" in jenkinsfile
    answers = yaml.safe_load((out / ".jenkinsbridge-answers.yml").read_text())
    assert answers["_jenkinsbridge_version"] and answers["name"] == name


def test_tool_specific_stages_reach_the_jenkinsfile(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["wizard", str(copy_fixture("node-yarn-berry", tmp_path)), "-o", str(out), "--defaults"]) == 0
    stages = _spec(out)["jobs"][0]["stages"]
    assert stages[0]["run"] == "yarn install --immutable"
    jenkinsfile = next(out.glob("*/Jenkinsfile")).read_text()
    assert "yarn install --immutable" in jenkinsfile


def test_monorepo_defaults_take_the_first_project(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["wizard", str(copy_fixture("monorepo", tmp_path)), "-o", str(out), "--defaults"]) == 0
    job = _spec(out)["jobs"][0]
    assert job["name"] == "api" and job["language"] == "go"
    assert job["image"]["dockerfile"] == "services/api/Dockerfile"
    assert job["image"]["context"] == "services/api"
    assert job["deploy"][0]["port"] == 8088
    assert all(s["run"].startswith("cd services/api\n") for s in job["stages"])


def test_forced_language(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["wizard", str(copy_fixture("empty", tmp_path)), "-o", str(out), "--defaults",
                 "--language", "go"]) == 0
    assert _spec(out)["jobs"][0]["language"] == "go"


def test_nothing_detected_needs_a_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["wizard", str(copy_fixture("empty", tmp_path)), "-o", str(out), "--defaults"]) == 2
    assert "no default for language" in capsys.readouterr().err
    assert not out.exists()


def test_no_terminal_and_no_flag_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["wizard", str(copy_fixture("go", tmp_path)), "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--defaults" in err[0] and "--answers" in err[0]
    assert not out.exists()


ANSWERS = """\
name: gateway
folder: platform/edge
source:
  url: https://gitlab.example.com/platform/gateway.git
  provider: gitlab
  credentials: gitlab-creds
triggers.cron: "H 3 * * *"
stages: [lint, test]
image: true
image.registry: registry.example.com:5000
image.tags: ["{commit}", latest]
deploy.envs: [staging, production]
deploy.production.target: swarm
deploy.production.endpoint: tcp://swarm.example.com:2376
deploy.production.tls_credentials: swarm-tls
deploy.production.approval: release-managers
notify.email: team@example.com
"""


def test_answers_file(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text(ANSWERS)
    out = tmp_path / "out"
    assert main(["wizard", str(copy_fixture("go", tmp_path)), "-o", str(out), "--answers", str(answers)]) == 0
    job = _spec(out)["jobs"][0]
    assert job["folder"] == "platform/edge" and job["source"]["credentials"] == "gitlab-creds"
    assert job["triggers"] == {"push": True, "cron": "H 3 * * *"}
    assert [s["name"] for s in job["stages"]] == ["lint", "test"]
    assert job["image"]["tags"] == ["{commit}", "latest"]
    staging, production = job["deploy"]
    assert staging["strategy"] == "standard" and staging["port"] == 9090  # EXPOSE in the Dockerfile
    assert production["strategy"] == "blue-green" and production["replicas"] == 2
    assert production["tls_credentials"] == "swarm-tls"
    assert job["notify"] == {"email": ["team@example.com"], "when": ["failure", "fixed"]}
    assert (out / "platform" / "edge" / "gateway" / "Jenkinsfile").is_file()


@pytest.mark.parametrize(("text", "where"), [
    ("name: gateway\ntriggers.cron: '61 * * * *'\n", ":2:16: triggers.cron: minute 61 is out of range"),
    ("image: true\nimage.registry: https://reg.example.com\n", ":2:17: image.registry: "),
    ("source:\n  url: 'not a url'\n", ":2:8: source.url: "),
    ("deploy.envs: [qa]\nimage: true\ndeploy.qa.port: 99999\n", ":3:17: deploy.qa.port: 99999 is out of range"),
    ("name: a\nimage.registy: x\n", ":2:1: image.registy: unknown answer 'image.registy'; did you mean 'image.reg"),
    ("name: [unclosed\n", ": YAML syntax error"),
    ("stages: [build, deploy]\n", ": stages: 'deploy' is not one of"),
])
def test_bad_answers_give_one_located_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           text: str, where: str) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text(text)
    out = tmp_path / "out"
    assert main(["wizard", str(copy_fixture("go", tmp_path)), "-o", str(out), "--answers", str(answers)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(str(answers)) and where in err[0], err[0]
    assert not out.exists()


def test_answers_that_do_not_apply_are_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text("image: false\ndeploy.envs: [qa]\n")
    out = tmp_path / "out"
    assert main(["wizard", str(copy_fixture("go", tmp_path)), "-o", str(out), "--answers", str(answers)]) == 0
    assert f"{answers}:2:14: deploy.envs: not used" in capsys.readouterr().out
    assert "deploy" not in _spec(out)["jobs"][0]


def test_remembered_answers_start_the_next_run(tmp_path: Path) -> None:
    repo = copy_fixture("python-pip", tmp_path)
    out = tmp_path / "out"
    answers = tmp_path / "answers.yml"
    answers.write_text("name: reports\nagent.label: 'python && docker'\nkeep.builds: 7\n")
    assert main(["wizard", str(repo), "-o", str(out), "--answers", str(answers)]) == 0
    remembered = yaml.safe_load((out / ".jenkinsbridge-answers.yml").read_text())
    assert remembered["name"] == "reports" and remembered["keep.builds"] == 7
    assert main(["wizard", str(repo), "-o", str(out), "--defaults"]) == 0  # nothing changes
    job = _spec(out)["jobs"][0]
    assert job["name"] == "reports" and job["agent"] == {"label": "python && docker"}
    assert job["keep"] == {"builds": 7}


def test_existing_files_are_not_replaced_without_force(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    repo = copy_fixture("go", tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "jenkinsbridge.yaml").write_text("# mine\n")
    assert main(["wizard", str(repo), "-o", str(out), "--defaults"]) == 2
    assert "--force" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["jenkinsbridge.yaml"]
    assert (out / "jenkinsbridge.yaml").read_text() == "# mine\n"
    assert main(["wizard", str(repo), "-o", str(out), "--defaults", "--force"]) == 0
    assert "language: go" in (out / "jenkinsbridge.yaml").read_text()


def test_rerun_with_same_answers_changes_nothing(tmp_path: Path) -> None:
    repo = copy_fixture("php", tmp_path)
    out = tmp_path / "out"
    assert main(["wizard", str(repo), "-o", str(out), "--defaults"]) == 0
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    assert main(["wizard", str(repo), "-o", str(out), "--defaults"]) == 0
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("after", [0, 2])
def test_interrupt_while_writing_leaves_nothing(after: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from jenkinsbridge import fsutil

    real, calls = os.replace, []

    def interrupted(src: str | Path, dst: str | Path) -> None:
        calls.append(dst)
        if len(calls) > after:  # before any file is in place, or after two are
            raise KeyboardInterrupt
        real(src, dst)

    monkeypatch.setattr(fsutil.os, "replace", interrupted)
    out = tmp_path / "out"
    assert main(["wizard", str(copy_fixture("go", tmp_path)), "-o", str(out), "--defaults"]) == 130
    monkeypatch.undo()
    assert list(out.iterdir()) == []


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    out = tmp_path / "out"
    assert main(["--json", "wizard", str(copy_fixture("cpp", tmp_path)), "-o", str(out), "--defaults"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["spec"]["jobs"][0]["language"] == "cpp"
    assert "jenkinsbridge.yaml" in data["written"]
