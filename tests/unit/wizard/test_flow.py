"""The flow without a terminal: questions asked in order, skipped when they do not apply,
remembered answers used only while they fit, secrets never remembered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jenkinsbridge.render.languages import language_defaults
from jenkinsbridge.spec import load_spec_text
from jenkinsbridge.wizard.catalogue import Context
from jenkinsbridge.wizard.detect import detect
from jenkinsbridge.wizard.flow import DefaultsAsker, WizardResult, ask_all, run_wizard
from jenkinsbridge.wizard.question import Answers, Question
from tests.support.wizard import FIXTURES, copy_fixture


class Scripted(DefaultsAsker):
    """Defaults, except for the answers given; records what was asked."""

    def __init__(self, given: dict[str, Any]) -> None:
        super().__init__()
        self.given = given
        self.asked: list[str] = []
        self.defaults: dict[str, Any] = {}

    def ask(self, question: Question, default: Any, answers: Answers) -> Any:
        self.asked.append(question.key)
        self.defaults[question.key] = default
        if question.key in self.given:
            return question.parse(self.given[question.key], answers)
        return super().ask(question, default, answers)


def test_groups_that_do_not_apply_are_skipped() -> None:
    asker = Scripted({"image": False})
    answers, _ = ask_all(Context(detect(FIXTURES / "python-pip")), asker)
    assert "project" not in asker.asked  # one project only
    assert not any(k.startswith(("image.", "deploy.")) for k in asker.asked)
    assert "triggers.push" not in asker.asked  # no GitHub or GitLab remote
    assert "notify.when" not in asker.asked  # nobody to notify
    assert asker.asked.index("name") < asker.asked.index("source.url") < asker.asked.index("stages")
    assert answers["triggers.poll"] == "H/5 * * * *"


def test_per_environment_questions() -> None:
    asker = Scripted({"image": True, "deploy.envs": "qa, prod", "deploy.prod.endpoint": "tcp://h:2376",
                      "deploy.prod.tls_credentials": "tls"})
    answers, _ = ask_all(Context(detect(FIXTURES / "go")), asker)
    assert "deploy.qa.tls_credentials" not in asker.asked  # local engine: no TLS
    assert answers["deploy.prod.strategy"] == "blue-green" and answers["deploy.qa.strategy"] == "standard"
    assert answers["deploy.qa.port"] == 9090


def test_result_validates_and_remembers_no_secret(tmp_path: Path) -> None:
    result = run_wizard(copy_fixture("php", tmp_path), DefaultsAsker())
    load_spec_text(__import__("yaml").safe_dump(result.spec))
    secret_q = Question("token", "t", secret=True)
    res = WizardResult(result.spec, {**result.answers, "token": "x"}, result.detection,
                       [*result.questions, secret_q])
    remembered = res.remembered()
    assert "token" not in remembered and remembered["name"] == "php"


def test_remembered_answers_are_dropped_for_another_project() -> None:
    ctx = Context(detect(FIXTURES / "monorepo"))
    remembered = {"project": "services/api", "language": "go", "name": "api-service", "version": "1.20"}
    same = Scripted({})
    answers, _ = ask_all(ctx, same, remembered)
    assert answers["name"] == "api-service" and answers["version"] == "1.20"
    other = Scripted({"project": "services/web"})
    answers, _ = ask_all(ctx, other, remembered)
    assert answers["language"] == "node" and answers["name"] == "web"


def test_forced_language_voids_language_bound_answers() -> None:
    ctx = Context(detect(FIXTURES / "python-pip"), language="go")
    answers, _ = ask_all(ctx, Scripted({}), {"language": "python", "version": "3.9", "name": "kept"})
    assert answers["version"] == language_defaults("go").version and answers["name"] == "kept"
