"""Hostile values in every free-text field: the Jenkinsfiles parse, each value arrives
intact as data, the XML parses and carries it verbatim, and no shell step but a
stage's own command ever contains one."""

import defusedxml.ElementTree as ET
import pytest

from tests.support import hostile
from tests.support.pipeline import sh_steps, structure_problems

JOBS = ["inline", "scm", "multi"]


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def _job(checked: dict, kind: str):  # type: ignore[no-untyped-def]
    (c,) = [c for k, c in checked.items() if k.startswith("hostile/") and k.endswith(f" {kind}")]
    return c


@pytest.mark.parametrize("kind", JOBS)
def test_values_arrive_intact_as_data(checked: dict, kind: str) -> None:
    c = _job(checked, kind)
    assert structure_problems(c.result) == []
    data = _strings(c.result["tree"])
    values = hostile.values()
    library = kind == "multi"  # the library reads image settings from the spec itself
    for tag in hostile.JENKINSFILE_TAGS:
        if library and tag in _AS_ENV and tag != "SPEC_FILE":
            continue
        want = values[tag]
        if tag in _AS_ENV and not library:
            want = f"{_AS_ENV[tag]}={want}"
        assert want in data, f"{tag} did not arrive intact"
    if library:
        assert values["CA"] in data  # jbImage(ca: ...)


# values handed to the image and deploy scripts as withEnv entries NAME=value
_AS_ENV = {"DOCKERFILE": "JB_DOCKERFILE", "CONTEXT": "JB_CONTEXT", "TARGET": "JB_TARGET",
           "BUILD_ARG": "HOSTILE_ARG", "SPEC_FILE": "JB_SPEC"}


@pytest.mark.parametrize("kind", JOBS)
def test_no_shell_step_runs_a_value(checked: dict, kind: str) -> None:
    c = _job(checked, kind)
    commands = {hostile.values()[t] for t in hostile.COMMAND_TAGS}
    for step in sh_steps(c.result):
        if step.script in commands:
            continue
        assert "jb-pwned" not in step.script and "é" not in step.script, step.label
        for value in hostile.values().values():
            assert value not in step.script


@pytest.mark.parametrize("kind", JOBS)
def test_xml_parses_and_holds_values_verbatim(checked: dict, kind: str) -> None:
    c = _job(checked, kind)
    root = ET.fromstring(c.job.config_xml.encode("utf-8"))
    values = hostile.values()
    assert root.findtext("description").startswith(values["DESC"])
    if kind == "inline":
        assert root.findtext("definition/script") == c.job.jenkinsfile
        defaults = [e.text or "" for e in root.iter("defaultValue")]
        assert values["PARAM_DEFAULT"] in defaults and values["PARAM_TEXT"] in defaults
        assert root.findtext(".//hudson.model.ChoiceParameterDefinition/choices/a/string") == values["CHOICE"]
        assert root.findtext(".//hudson.model.StringParameterDefinition/description") == values["PARAM_DESC"]
    elif kind == "scm":
        assert root.findtext("definition/scriptPath") == values["SCRIPT_PATH"]
        assert root.findtext(".//hudson.plugins.git.UserRemoteConfig/url") == hostile.URL
        assert root.findtext(".//hudson.plugins.git.BranchSpec/name") == f"*/{hostile.BRANCH}"
    else:
        assert root.findtext("factory/scriptPath") == values["SCRIPT_PATH"]
        includes = root.findtext(".//jenkins.scm.impl.trait.WildcardSCMHeadFilterTrait/includes")
        assert includes == f"{hostile.BRANCH} MR-*"


# the only lines of any shell step that may read a secret, and what they do with it
_SECRET_USES = {
    "JB_REGISTRY_PASSWORD": ('printf \'%s\' "$JB_REGISTRY_PASSWORD" | docker login',),
    "JB_DINGTALK_WEBHOOK": ('--data-binary "$body" "$JB_DINGTALK_WEBHOOK"',),
}


def test_secrets_only_through_credentials_and_never_printed(checked: dict) -> None:
    for key, c in checked.items():
        for step in sh_steps(c.result):
            assert "set -x" not in step.script, key
            assert not [e for e in step.env if e.split("=", 1)[0] in _SECRET_USES], key
            for line in step.script.splitlines():
                for var, allowed in _SECRET_USES.items():
                    if var in line and "${JB_REGISTRY_PASSWORD:-}" not in line:
                        assert any(a in line for a in allowed), f"{key}: {line}"
            bound = {v for b in step.credentials for k, v in b["args"][0].items()
                     if k.endswith(("Variable", "variable"))}
            image = c.job.job.image
            if step.label.startswith("image") and image is not None and image.credentials:
                assert {"JB_REGISTRY_USERNAME", "JB_REGISTRY_PASSWORD"} <= bound, key
            if "JB_DINGTALK_WEBHOOK" in step.script:
                assert "JB_DINGTALK_WEBHOOK" in bound, key
