"""What a declarative pipeline's run does to its job's config.xml.

At the start of every run (before any agent is allocated) pipeline-model-definition sets
the job's properties from the Jenkinsfile's ``options``, ``triggers`` and ``parameters``
and saves the job (jenkinsci/pipeline-model-definition-plugin
pipeline-model-definition/src/main/groovy/org/jenkinsci/plugins/pipeline/modeldefinition/
Utils.groovy, ``updateJobProperties``):

* a job property, trigger or parameter the Jenkinsfile declares replaces the job's one of
  the same class (trigger: same class; parameter: same name), appended after the kept ones;
* one that the previous run declared (recorded in ``DeclarativeJobPropertyTrackerAction``)
  and this Jenkinsfile no longer declares is removed; others set by hand stay;
* the job gains ``DeclarativeJobAction`` and a ``DeclarativeJobPropertyTrackerAction``
  listing what the Jenkinsfile manages (…/actions/DeclarativeJobAction.java,
  DeclarativeJobPropertyTrackerAction.java).

Modelled for an inline script: ``buildDiscarder(logRotator(...))``,
``disableConcurrentBuilds(...)``, ``cron``/``pollSCM`` triggers and ``string``,
``booleanParam``, ``text`` parameters. A Jenkinsfile from SCM is not read (its run only
gains the actions).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

__all__ = ["after_run"]

ACTIONS = "org.jenkinsci.plugins.pipeline.modeldefinition.actions."
TRIGGERS_PROP = "org.jenkinsci.plugins.workflow.job.properties.PipelineTriggersJobProperty"
PARAMS_PROP = "hudson.model.ParametersDefinitionProperty"

_STR = r"'((?:[^'\\]|\\.)*)'"
_ARG = re.compile(r"(\w+)\s*:\s*(?:" + _STR + r"|(true|false|-?\d+))")


def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def _args(text: str) -> dict[str, str]:
    return {m.group(1): _unescape(m.group(2)) if m.group(2) is not None else m.group(3)
            for m in _ARG.finditer(text)}


def _block(script: str, name: str) -> str:
    """The body of the top-level ``name { ... }`` block of ``pipeline { }``, or ''."""
    m = re.search(r"^\s{4}" + name + r"\s*\{", script, re.M)
    if not m:
        return ""
    depth = 1
    for tok in re.finditer(r"'(?:[^'\\]|\\.)*'|\{|\}", script[m.end():]):
        depth += {"{": 1, "}": -1}.get(tok.group(0), 0)
        if depth == 0:
            return script[m.end():m.end() + tok.start()]
    return ""


def _el(tag: str, *fields: tuple[str, str], cls: str | None = None) -> ET.Element:
    el = ET.Element(tag, {"class": cls} if cls else {})
    for name, value in fields:
        ET.SubElement(el, name).text = value
    return el


def _properties(options: str) -> list[ET.Element]:
    """Job properties of ``options``, in the order the block names them."""
    out: list[tuple[int, ET.Element]] = []
    m = re.search(r"buildDiscarder\s*\(\s*logRotator\s*\(([^)]*)\)", options)
    if m:
        a = _args(m.group(1))
        prop = ET.Element("jenkins.model.BuildDiscarderProperty")
        prop.append(_el("strategy", ("daysToKeep", a.get("daysToKeepStr") or "-1"),
                        ("numToKeep", a.get("numToKeepStr") or "-1"),
                        ("artifactDaysToKeep", a.get("artifactDaysToKeepStr") or "-1"),
                        ("artifactNumToKeep", a.get("artifactNumToKeepStr") or "-1"), cls="hudson.tasks.LogRotator"))
        out.append((m.start(), prop))
    m = re.search(r"disableConcurrentBuilds\s*\(([^)]*)\)", options)
    if m:
        out.append((m.start(), _el("org.jenkinsci.plugins.workflow.job.properties.DisableConcurrentBuildsJobProperty",
                                   ("abortPrevious", _args(m.group(1)).get("abortPrevious", "false")))))
    return [el for _, el in sorted(out, key=lambda pe: pe[0])]


def _triggers(block: str) -> list[ET.Element]:
    out = []
    for m in re.finditer(r"\b(cron|pollSCM)\s*\(\s*" + _STR + r"\s*\)", block):
        spec = _unescape(m.group(2))
        if m.group(1) == "cron":
            out.append(_el("hudson.triggers.TimerTrigger", ("spec", spec)))
        else:
            out.append(_el("hudson.triggers.SCMTrigger", ("spec", spec), ("ignorePostCommitHooks", "false")))
    return out


_PARAMS = {"string": "hudson.model.StringParameterDefinition", "text": "hudson.model.TextParameterDefinition",
           "booleanParam": "hudson.model.BooleanParameterDefinition"}


def _parameters(block: str) -> list[ET.Element]:
    out = []
    for m in re.finditer(r"\b(string|text|booleanParam)\s*\(((?:[^()']|" + _STR + r")*)\)", block):
        a = _args(m.group(2))
        fields = [("name", a.get("name", "")), ("description", a.get("description", "")),
                  ("defaultValue", a.get("defaultValue", "false" if m.group(1) == "booleanParam" else ""))]
        if m.group(1) == "string":
            fields.append(("trim", a.get("trim", "false")))
        out.append(_el(_PARAMS[m.group(1)], *fields))
    return out


def _tracked(actions: ET.Element, what: str) -> set[str]:
    tracker = actions.find(ACTIONS + "DeclarativeJobPropertyTrackerAction")
    el = tracker.find(what) if tracker is not None else None
    return {s.text or "" for s in el.findall("string")} if el is not None else set()


def after_run(xml: bytes) -> bytes:
    root = ET.fromstring(xml)
    if root.tag != "flow-definition":
        return xml
    script = root.findtext("definition/script")
    actions = root.find("actions")
    if actions is None:
        actions = ET.Element("actions")
        root.insert(0, actions)
    props = root.find("properties")
    if props is None:
        props = ET.SubElement(root, "properties")
    before = {k: _tracked(actions, k) for k in ("jobProperties", "triggers", "parameters")}
    new_props = _properties(_block(script, "options")) if script else []
    new_triggers = _triggers(_block(script, "triggers")) if script else []
    new_params = _parameters(_block(script, "parameters")) if script else []
    declared = {p.tag for p in new_props}
    if script:
        # job properties (triggers and parameters are properties too, handled below)
        for p in list(props):
            if p.tag in (TRIGGERS_PROP, PARAMS_PROP):
                continue
            if p.tag in declared or p.tag in before["jobProperties"]:
                props.remove(p)
        props.extend(new_props)
        _merge(props, TRIGGERS_PROP, "triggers", new_triggers, lambda e: e.tag, before["triggers"])
        _merge(props, PARAMS_PROP, "parameterDefinitions", new_params, lambda e: e.findtext("name") or "",
               before["parameters"])
    for old in list(actions):
        if old.tag.startswith(ACTIONS):
            actions.remove(old)
    actions.append(ET.Element(ACTIONS + "DeclarativeJobAction"))
    tracker = ET.SubElement(actions, ACTIONS + "DeclarativeJobPropertyTrackerAction")
    for name, values in (("jobProperties", sorted(declared)), ("triggers", [t.tag for t in new_triggers]),
                         ("parameters", [p.findtext("name") or "" for p in new_params]), ("options", [])):
        holder = ET.SubElement(tracker, name)
        for v in values:
            ET.SubElement(holder, "string").text = v
    return ET.tostring(root)


def _merge(props: ET.Element, prop_tag: str, list_tag: str, new: list[ET.Element],
           keyf: Callable[[ET.Element], str], previous: set[str]) -> None:
    prop = props.find(prop_tag)
    kept: list[ET.Element] = []
    if prop is not None:
        holder = prop.find(list_tag)
        names = {keyf(n) for n in new}
        kept = [e for e in (list(holder) if holder is not None else [])
                if keyf(e) not in names and keyf(e) not in previous]
        props.remove(prop)
    if not kept and not new:
        return
    fresh = ET.SubElement(props, prop_tag)
    holder = ET.SubElement(fresh, list_tag)
    holder.extend([*kept, *new])
