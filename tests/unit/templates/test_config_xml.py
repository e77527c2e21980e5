"""config.xml elements per spec option: the classes and fields the plugins read."""

import defusedxml.ElementTree as ET
import pytest

from jenkinsbridge.render import render_job
from jenkinsbridge.spec.loader import load_spec_text

BASE = """
version: 1
jobs:
  - name: app
    language: go
    source: {{url: "{url}", branch: main, credentials: c1, provider: {provider}}}
    type: {type}
    jenkinsfile: {jenkinsfile}
    triggers: {triggers}
"""


def _xml(url: str = "https://github.com/acme/app.git", provider: str = "github", type: str = "pipeline",
         jenkinsfile: str = "inline", triggers: str = "{}"):  # type: ignore[no-untyped-def]
    text = BASE.format(url=url, provider=provider, type=type, jenkinsfile=jenkinsfile, triggers=triggers)
    (job,) = load_spec_text(text).jobs
    return ET.fromstring(render_job(job).config_xml.encode())


@pytest.mark.parametrize(("provider", "triggers", "expected"), [
    ("github", "{push: true}", ["com.cloudbees.jenkins.GitHubPushTrigger"]),
    ("gitlab", "{push: true}", ["com.dabsquared.gitlabjenkins.GitLabPushTrigger"]),
    ("git", '{poll: "H/5 * * * *"}', ["hudson.triggers.SCMTrigger"]),
    ("github", '{push: true, poll: "H * * * *", cron: "@daily"}',
     ["com.cloudbees.jenkins.GitHubPushTrigger", "hudson.triggers.SCMTrigger", "hudson.triggers.TimerTrigger"]),
    ("git", "{}", []),
])
def test_pipeline_triggers(provider: str, triggers: str, expected: list[str]) -> None:
    root = _xml(provider=provider, triggers=triggers)
    found = [t.tag for t in root.findall("properties/*/triggers/*")]
    assert found == expected
    plugins = {t.tag: t.get("plugin") for t in root.findall("properties/*/triggers/*")}
    assert plugins.get("com.dabsquared.gitlabjenkins.GitLabPushTrigger", "gitlab-plugin") == "gitlab-plugin"
    assert plugins.get("com.cloudbees.jenkins.GitHubPushTrigger", "github") == "github"


def test_gitlab_push_filters_the_branch() -> None:
    trig = _xml(provider="gitlab", url="https://gitlab.example.com/a/b.git", triggers="{push: true}").find(
        ".//com.dabsquared.gitlabjenkins.GitLabPushTrigger")
    assert trig.findtext("triggerOnPush") == "true"
    assert trig.findtext("branchFilterType") == "NameBasedFilter"
    assert trig.findtext("includeBranchesSpec") == "main"


def test_scm_definition() -> None:
    d = _xml(jenkinsfile="scm").find("definition")
    assert d.get("class") == "org.jenkinsci.plugins.workflow.cps.CpsScmFlowDefinition"
    assert d.find("scm").get("class") == "hudson.plugins.git.GitSCM"
    assert d.findtext("scm/userRemoteConfigs/hudson.plugins.git.UserRemoteConfig/credentialsId") == "c1"
    assert d.findtext("scriptPath") == "Jenkinsfile" and d.findtext("lightweight") == "true"


def test_inline_definition_is_sandboxed() -> None:
    d = _xml().find("definition")
    assert d.get("class") == "org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition"
    assert d.findtext("sandbox") == "true" and "pipeline {" in d.findtext("script")


@pytest.mark.parametrize(("provider", "url", "cls", "fields"), [
    ("git", "https://git.example.com/a/b.git", "jenkins.plugins.git.GitSCMSource",
     {"remote": "https://git.example.com/a/b.git", "credentialsId": "c1"}),
    ("github", "git@github.com:acme/app.git", "org.jenkinsci.plugins.github_branch_source.GitHubSCMSource",
     {"repoOwner": "acme", "repository": "app", "apiUri": "https://api.github.com"}),
    ("github", "https://ghe.example.com/acme/app.git", "org.jenkinsci.plugins.github_branch_source.GitHubSCMSource",
     {"repoOwner": "acme", "repository": "app", "apiUri": "https://ghe.example.com/api/v3"}),
    ("gitlab", "https://gitlab.example.com/g/sub/app.git", "io.jenkins.plugins.gitlabbranchsource.GitLabSCMSource",
     {"projectOwner": "g/sub", "projectPath": "g/sub/app", "serverName": "gitlab.example.com"}),
    ("gitlab", "git@gitlab.com:g/app.git", "io.jenkins.plugins.gitlabbranchsource.GitLabSCMSource",
     {"projectOwner": "g", "projectPath": "g/app", "serverName": "default"}),
])
def test_multibranch_sources(provider: str, url: str, cls: str, fields: dict[str, str]) -> None:
    root = _xml(provider=provider, url=url, type="multibranch")
    assert root.tag == "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject"
    src = root.find("sources/data/jenkins.branch.BranchSource/source")
    assert src.get("class") == cls
    assert {k: src.findtext(k) for k in fields} == fields
    traits = [t.tag for t in src.find("traits")]
    assert traits[-1] == "jenkins.scm.impl.trait.WildcardSCMHeadFilterTrait"
    # pull/merge requests are heads named PR-n / MR-n: the filter must let them through
    includes = src.findtext("traits/jenkins.scm.impl.trait.WildcardSCMHeadFilterTrait/includes").split()
    assert includes[0] == "main"
    assert includes[1:] == {"github": ["PR-*"], "gitlab": ["MR-*"], "git": []}[provider]
    assert any(t.endswith("BranchDiscoveryTrait") for t in traits)
    strategies = [s.tag.rsplit(".", 1)[1] for s in root.find(".//buildStrategies")]
    assert strategies[0] == "BranchBuildStrategyImpl"
    assert ("ChangeRequestBuildStrategyImpl" in strategies) == (provider != "git")
    assert root.findtext("factory/scriptPath") == "Jenkinsfile"


def test_description_marks_managed_jobs() -> None:
    assert "Managed by jenkinsbridge" in _xml().findtext("description")


def test_stage_names_must_not_clash_with_generated_stages() -> None:
    """validate finds it (with its place in the file), before render would refuse it."""
    from jenkinsbridge.errors import SpecError

    text = BASE.format(url="https://github.com/a/b.git", provider="github", type="pipeline", jenkinsfile="inline",
                       triggers="{}") + "    stages: [{name: Checkout, run: make}]\n"
    with pytest.raises(SpecError, match=r":10:21: jobs\[0\]\.stages\[0\]\.name: stage name 'Checkout' is taken"):
        load_spec_text(text)
