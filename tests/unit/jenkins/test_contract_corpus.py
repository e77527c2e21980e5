"""The double and the drift normalizer against the contract corpus (tests/fixtures/jenkins,
see its README for the sources): what the double saves has the shape Jenkins saves, the
normalizer sees no edit between a posted config and Jenkins's copy of it, and the queue
answers with Jenkins's fields and texts."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from jenkinsbridge.jenkins.normalize import merge_folder, semantic_xml
from tests.support.jenkins_double import folder_credentials
from tests.support.jenkins_double.declarative import after_run
from tests.support.jenkins_double.queue import Scheduler
from tests.support.jenkins_double.state import DEFAULT_PLUGINS
from tests.support.jenkins_double.xstream import resave

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "jenkins"
NODE = "<slave><name>{n}</name><numExecutors>1</numExecutors><mode>EXCLUSIVE</mode><label>{l}</label></slave>"


def _text(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def _shape(xml: str | bytes) -> set[tuple[str, tuple[str, ...]]]:
    """Every element path with the names of its attributes ('plugin' without its version)."""
    root = ET.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml)
    out: set[tuple[str, tuple[str, ...]]] = set()

    def walk(el: ET.Element, path: str) -> None:
        here = f"{path}/{el.tag}"
        out.add((here, tuple(sorted(el.attrib))))
        for child in el:
            walk(child, here)

    walk(root, "")
    return out


def test_the_double_saves_a_pipeline_the_way_jenkins_does() -> None:
    posted = _text("workflow-job.posted.xml")
    saved = _text("workflow-job.saved.xml")
    ours = resave(after_run(posted.encode("utf-8")), DEFAULT_PLUGINS).decode("utf-8")
    assert _shape(ours) == _shape(saved)
    assert ours.startswith("<?xml version='1.1' encoding='UTF-8'?>\n")
    for form in ("&apos;python &amp;&amp; linux&apos;", "&quot;api&quot; &amp; friends",
                 'plugin="workflow-job@', 'plugin="pipeline-model-definition@'):
        assert form in ours and form in saved
    # the order Jenkins leaves the properties in: the declared ones re-created
    props = [el.tag for el in ET.fromstring(ours.encode()).find("properties") or []]
    assert props == [el.tag for el in ET.fromstring(saved.encode()).find("properties") or []]


def test_the_normalizer_sees_no_edit_between_posted_and_saved() -> None:
    posted, saved = _text("workflow-job.posted.xml"), _text("workflow-job.saved.xml")
    assert semantic_xml(posted) == semantic_xml(saved)
    for old, new in (("<numToKeep>20</numToKeep>", "<numToKeep>5</numToKeep>"),
                     ("<defaultValue>verify</defaultValue>", "<defaultValue>deploy</defaultValue>"),
                     ("<abortPrevious>false</abortPrevious>", "<abortPrevious>true</abortPrevious>"),
                     ("<disabled>false</disabled>", "<disabled>true</disabled>"),
                     ("stage(&apos;build&apos;)", "stage(&apos;ship&apos;)"),
                     ("<removeLastBuild>false</removeLastBuild>", "<removeLastBuild>true</removeLastBuild>")):
        assert old in saved
        assert semantic_xml(saved.replace(old, new)) != semantic_xml(posted), new
    dropped = saved.replace("<org.jenkinsci.plugins.workflow.job.properties.DisableConcurrentBuildsJobProperty>\n"
                            "      <abortPrevious>false</abortPrevious>\n"
                            "    </org.jenkinsci.plugins.workflow.job.properties.DisableConcurrentBuildsJobProperty>",
                            "")
    assert dropped != saved and semantic_xml(dropped) != semantic_xml(posted)


def test_folder_credentials_and_foreign_parts_survive_a_merge() -> None:
    saved = _text("folder.saved.xml")
    ours = _text("folder.posted.xml").replace("Team folder", "Team folder, renamed")
    merged = merge_folder(ours, saved)
    assert "Team folder, renamed" in merged
    for kept in ("FolderCredentialsProperty", "<id>team-token</id>", "<name>theirs</name>",
                 "WorstChildHealthMetric", "StockFolderIcon", "hudson.model.View$PropertyList"):
        assert kept in merged
    assert semantic_xml(merged) != semantic_xml(saved)  # the description is ours to manage
    assert semantic_xml(merged) == semantic_xml(ours)  # and only it counts for a folder


def test_the_double_shows_folder_credentials_as_jenkins_writes_them() -> None:
    saved = _text("folder.saved.xml")
    bare, store = folder_credentials.extract(saved.encode("utf-8"))
    assert set(store) == {"team-token"} and b"FolderCredentialsProperty" not in bare
    shown = resave(folder_credentials.inject(bare, store), DEFAULT_PLUGINS).decode("utf-8")
    assert _shape(shown) == _shape(saved)


@pytest.mark.parametrize("case", sorted(json.loads(_text("queue-why.json"))))
def test_why_follows_jenkins_rules(case: str) -> None:
    spec = json.loads(_text("queue-why.json"))[case]
    sch = Scheduler()
    for name, label, online in spec["nodes"]:
        sch.add_node(name, NODE.format(n=name, l=label).encode())
        if online:
            sch.connect(name, sch.secret_for(name))
    if spec.get("busy"):  # occupy every matching node first
        for _ in spec["nodes"]:
            sch.enqueue("other", spec["label"])
    item = sch.enqueue("team/api", spec["label"])
    assert item.build is None
    assert sch.why(item) == spec["why"]


def test_queue_item_has_jenkins_fields_and_no_label() -> None:
    expected = json.loads(_text("queue-no-agent-node.json"))["items"][0]
    sch = Scheduler()
    item = sch.enqueue("team/api", "python")
    got = item.exported("http://jenkins.example.com/", sch.why(item))
    assert set(got) == set(expected) and "assignedLabel" not in got
    assert set(got["task"]) == set(expected["task"]) and got["task"]["_class"] == expected["task"]["_class"]
    assert got["why"] == expected["why"]


def test_fields_a_plugin_adds_at_their_defaults_are_no_edit() -> None:
    posted, saved = _text("workflow-job.posted.xml"), _text("workflow-job.saved.xml")
    newer = saved.replace("<sandbox>true</sandbox>", "<sandbox>true</sandbox>\n    <someNewOption>false</someNewOption>"
                          "\n    <someNewText></someNewText>")
    assert semantic_xml(newer) == semantic_xml(posted)
    # but a class element (a property, a column) is never a default, empty or not
    gone = posted.replace("<org.jenkinsci.plugins.workflow.job.properties.DisableConcurrentBuildsJobProperty/>", "")
    assert semantic_xml(gone) != semantic_xml(posted)
    assert semantic_xml(newer.replace("<someNewOption>false", "<someNewOption>true")) != semantic_xml(posted)
