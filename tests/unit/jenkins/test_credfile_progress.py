from __future__ import annotations

import io
from pathlib import Path

import pytest

from jenkinsbridge.errors import UsageError
from jenkinsbridge.jenkins.credfile import load_credentials_file
from jenkinsbridge.jenkins.plan import Action
from jenkinsbridge.jenkins.progress import Progress
from tests.support.jenkins_double import label_matches
from tests.support.jenkins_double.exporter import parse_tree


def _file(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "c.yaml"
    p.write_text(body)
    return p


@pytest.mark.parametrize("body, message", [
    ("credentials: []", "non-empty list"),
    ("credentials:\n  - {type: secret_text, secret: {env: X}}", "needs an 'id'"),
    ("credentials:\n  - {id: a, type: token, secret: {env: X}}", "type must be one of"),
    ("credentials:\n  - {id: a, type: secret_text, secret: plain}", "never a value written in the file"),
    ("credentials:\n  - {id: a, type: secret_text, secret: {env: JB_TEST_UNSET_VAR}}", "is not set"),
    ("credentials:\n  - {id: a, type: secret_text, secret: {file: /nonexistent/x}}", "cannot read"),
    ("credentials:\n  - {id: a, type: username_password, password: {env: HOME}}", "needs 'username'"),
    ("credentials:\n  - {id: a, type: secret_text, secret: {env: HOME}, colour: red}", "unknown field"),
    ("credentials:\n  - {id: a, type: secret_text, secret: {env: HOME}}\n"
     "  - {id: a, type: secret_text, secret: {env: HOME}}", "appears twice"),
])
def test_bad_credentials_files(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        load_credentials_file(_file(tmp_path, body))


def test_values_are_escaped_into_xml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JB_T", "a<b>&]]>'\"")
    (spec,) = load_credentials_file(_file(tmp_path, "credentials:\n  - {id: t, type: secret_text, "
                                                   "secret: {env: JB_T}, folder: a/b}"))
    import xml.etree.ElementTree as ET

    assert ET.fromstring(spec.xml).findtext("secret") == "a<b>&]]>'\""
    assert spec.folder == "a/b"


def test_progress_bar_and_lines() -> None:
    a = Action("job", "f/j", "create")
    tty = io.StringIO()
    bar = Progress(tty, tty=True, threshold=2)
    for i in range(1, 5):
        bar(i, 4, a)
    assert "\r[" in tty.getvalue() and "4/4 created f/j" in tty.getvalue() and tty.getvalue().endswith("\n")
    plain = io.StringIO()
    lines = Progress(plain, tty=False, threshold=2, every=3600)
    for i in range(1, 5):
        lines(i, 4, a)
    assert plain.getvalue().splitlines() == ["sync: 1/4 written (25%)", "sync: 4/4 written (100%)"]
    quiet = io.StringIO()
    Progress(quiet, tty=False, threshold=20)(1, 5, a)
    assert quiet.getvalue() == ""


def test_double_tree_and_labels() -> None:
    assert parse_tree("jobs[name,jobs[name]{0,5}],views[name]") == {
        "jobs": {"name": None, "jobs": {"name": None}}, "views": {"name": None}}
    with pytest.raises(ValueError):
        parse_tree("jobs[name")
    assert label_matches("docker && (linux || mac) && !arm", {"docker", "linux"})
    assert not label_matches("docker && !arm", {"docker", "arm"})
    assert label_matches(None, set())
