"""The push trigger's token goes into the rendered config.xml as text: nothing else of the
document changes (character references XML 1.1 needs stay references), the token is
escaped, and a token XML cannot carry is bad input that never shows the value."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from jenkinsbridge.errors import UsageError
from jenkinsbridge.jenkins.normalize import semantic_xml
from jenkinsbridge.jenkins.pushsecret import push_secret_variable, push_secrets, with_push_secret
from jenkinsbridge.render import RenderedJob, render_spec
from jenkinsbridge.spec import load_specs

SPEC = """version: 1
jobs:
  - name: hooked
    language: python
    description: "a C1 control \\x85 and a line separator \\u2028 stay references"
    source: {url: "https://gitlab.example.com/acme/hooked.git", provider: gitlab, webhook_secret: gl-hook}
    triggers: {push: true, poll: "H/5 * * * *"}
  - name: github
    language: python
    source: {url: "https://github.com/acme/github.git", provider: github, webhook_secret: gl-hook}
    triggers: {push: true}
  - name: multi
    type: multibranch
    language: python
    source: {url: "https://gitlab.example.com/acme/multi.git", provider: gitlab, webhook_secret: gl-hook}
    triggers: {push: true}
"""


def _jobs(tmp_path: Path) -> dict[str, RenderedJob]:
    path = tmp_path / "s.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return {j.job.name: j for j in render_spec(load_specs([path])).jobs}


def test_inserted_as_text_and_only_where_the_trigger_takes_it(tmp_path: Path) -> None:
    jobs = _jobs(tmp_path)
    hooked = jobs["hooked"]
    assert push_secret_variable(hooked) == "GL_HOOK_SECRET"
    assert push_secret_variable(jobs["github"]) is None
    assert push_secret_variable(jobs["multi"]) is None  # the server's webhookSecret
    xml = hooked.config_xml
    assert "&#133;" in xml and "&#8232;" in xml
    token = "a&b<c>\"'d"
    sent = with_push_secret(xml, token)
    field = "  <secretToken>a&amp;b&lt;c&gt;&quot;&apos;d</secretToken>\n        "
    assert sent.replace(field, "", 1) == xml  # nothing else changed
    root = ET.fromstring(sent.split("?>", 1)[1])
    assert root.findtext(".//com.dabsquared.gitlabjenkins.GitLabPushTrigger/secretToken") == token
    assert semantic_xml(sent) == semantic_xml(xml)  # the token is no content difference
    with pytest.raises(ValueError, match="no GitLab push trigger"):
        with_push_secret(jobs["github"].config_xml, token)


def test_a_token_xml_cannot_carry_is_bad_input(tmp_path: Path) -> None:
    jobs = list(_jobs(tmp_path).values())
    value = "tok\x00en-visible-part"
    with pytest.raises(UsageError) as e:
        push_secrets(jobs, {"GL_HOOK_SECRET": value})
    assert "GL_HOOK_SECRET" in str(e.value) and "U+0000" in str(e.value)
    assert "visible-part" not in str(e.value)
    assert push_secrets(jobs, {"GL_HOOK_SECRET": "ok"}) == {"hooked": "ok"}
