"""How Jenkins writes an item back: the double stores what XStream would write, not what
was posted.

Jenkins reads a posted config.xml into objects (``Items.load``/``XmlFile.unmarshal``) and
saves them again with XStream (jenkinsci/jenkins core/src/main/java/hudson/XmlFile.java,
core/src/main/java/hudson/util/XStream2.java); recent cores answer GET config.xml with
that fresh serialization. What changes on the way:

* the declaration ``<?xml version='1.1' encoding='UTF-8'?>`` (XmlFile.write);
* ``plugin="name@version"`` on every element whose class a plugin provides when it differs
  from the enclosing element's plugin (XStream2 ``PluginClassOwnership``); a posted
  ``plugin`` attribute is ignored on reading and written anew;
* text and attribute values escaped the way XStream's ``PrettyPrintWriter`` does
  (``&amp; &lt; &gt; &quot; &apos;`` and ``&#xd;``), two-space indentation, ``<x/>`` for
  empty elements;
* fields the object has but the post left out, written with their default values
  (XStream writes every non-transient field): :data:`DEFAULT_FIELDS`, read from the
  classes named there;
* ``hudson.util.Secret`` fields (:data:`SECRET_FIELDS`) written encrypted: core
  core/src/main/java/hudson/util/Secret.java ``ConverterImpl`` reads with
  ``Secret.fromString`` (a value this controller encrypted is decrypted, keeping its IV;
  anything else is taken as plain text) and writes ``getEncryptedValue()``:
  ``"{" + Base64(1, IV length, data length, IV, AES-CBC data) + "}"`` with a fresh random IV
  for a plain-text value. The double's "key" is :data:`_SEALED` (only values it encrypted
  decrypt); :func:`reveal` is what the plugin's ``getPlainText()`` would return.
"""

from __future__ import annotations

import base64
import os
import threading
import xml.etree.ElementTree as ET

__all__ = ["DEFAULT_FIELDS", "SECRET_FIELDS", "plugin_of", "resave", "reveal"]

# class (element name or class="...") -> plugin that provides it; the longest prefix wins.
# Package names as in each plugin's sources.
PLUGIN_PACKAGES: dict[str, str] = {
    "flow-definition": "workflow-job",
    "org.jenkinsci.plugins.workflow.job.": "workflow-job",
    "org.jenkinsci.plugins.workflow.cps.": "workflow-cps",
    "org.jenkinsci.plugins.workflow.multibranch.": "workflow-multibranch",
    "org.jenkinsci.plugins.pipeline.modeldefinition.": "pipeline-model-definition",
    "com.cloudbees.hudson.plugins.folder.": "cloudbees-folder",
    "com.cloudbees.plugins.credentials.": "credentials",
    "hudson.plugins.git.": "git",
    "jenkins.plugins.git.": "git",
    "com.dabsquared.gitlabjenkins.": "gitlab-plugin",
    "com.cloudbees.jenkins.GitHubPushTrigger": "github",
    "org.jenkinsci.plugins.plaincredentials.": "plain-credentials",
    "jenkins.branch.": "branch-api",
}

# Fields XStream writes with their defaults when a post left them out, per class:
# workflow-job WorkflowJob.java (keepDependencies from core Job.java, disabled,
# resumeBlocked); workflow-job DisableConcurrentBuildsJobProperty.java (abortPrevious);
# core hudson/model/StringParameterDefinition.java and TextParameterDefinition.java (trim);
# core hudson/tasks/LogRotator.java (removeLastBuild); core hudson/model/ListView.java
# and View.java (filterExecutors, filterQueue, recurse); workflow-cps
# CpsScmFlowDefinition.java (lightweight) and CpsFlowDefinition.java (sandbox).
DEFAULT_FIELDS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "flow-definition": (("actions", None), ("keepDependencies", "false"), ("properties", None),
                        ("triggers", None), ("disabled", "false"), ("resumeBlocked", "false")),
    "org.jenkinsci.plugins.workflow.job.properties.DisableConcurrentBuildsJobProperty": (
        ("abortPrevious", "false"),),
    "hudson.model.StringParameterDefinition": (("trim", "false"),),
    "hudson.model.TextParameterDefinition": (("trim", "false"),),
    "hudson.tasks.LogRotator": (("removeLastBuild", "false"),),
    "hudson.model.ListView": (("filterExecutors", "false"), ("filterQueue", "false"), ("recurse", "false")),
    "org.jenkinsci.plugins.workflow.cps.CpsScmFlowDefinition": (("lightweight", "false"),),
    "org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition": (("sandbox", "false"),),
}


# class -> its hudson.util.Secret fields: jenkinsci/gitlab-plugin
# src/main/java/com/dabsquared/gitlabjenkins/GitLabPushTrigger.java (private volatile Secret
# secretToken; setSecretToken(String) -> Secret.fromString).
SECRET_FIELDS: dict[str, tuple[str, ...]] = {
    "com.dabsquared.gitlabjenkins.GitLabPushTrigger": ("secretToken",),
}

# encrypted text -> plain text: what this controller's key decrypts (Secret.decrypt)
_SEALED: dict[str, str] = {}
_SEALED_LOCK = threading.Lock()


def _encrypt(plain: str) -> str:
    """Secret.getEncryptedValue's shape: payload version 1, lengths, a 16-byte IV, data
    padded to the AES block size; the data bytes are random here (the double's key is the
    table, not a cipher)."""
    iv = os.urandom(16)
    data = os.urandom((len(plain.encode("utf-8")) // 16 + 1) * 16)
    payload = bytes([1]) + len(iv).to_bytes(4, "big") + len(data).to_bytes(4, "big") + iv + data
    text = "{" + base64.b64encode(payload).decode("ascii") + "}"
    with _SEALED_LOCK:
        _SEALED[text] = plain
    return text


def reveal(text: str) -> str:
    """Secret.fromString(text).getPlainText(): decrypted when this controller encrypted it,
    else the text itself."""
    with _SEALED_LOCK:
        return _SEALED.get(text, text)


def _seal_secrets(el: ET.Element) -> None:
    for name in SECRET_FIELDS.get(el.get("class") or el.tag, ()):
        field = el.find(name)
        if field is None:  # a null field: XStream writes nothing
            continue
        with _SEALED_LOCK:
            known = (field.text or "") in _SEALED
        if not known:  # plain text, even empty (or another controller's cipher text): encrypted anew
            field.text = _encrypt(field.text or "")
    for child in el:
        _seal_secrets(child)


def plugin_of(cls: str) -> str | None:
    best = ""
    for prefix in PLUGIN_PACKAGES:
        if (cls == prefix or (prefix.endswith(".") and cls.startswith(prefix))) and len(prefix) > len(best):
            best = prefix
    return PLUGIN_PACKAGES.get(best) if best else None


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&apos;").replace("\r", "&#xd;"))


def _fill_defaults(el: ET.Element) -> None:
    cls = el.get("class") or el.tag
    for name, value in DEFAULT_FIELDS.get(cls, ()):
        if el.find(name) is None:
            child = ET.SubElement(el, name)
            child.text = value
    for child in el:
        _fill_defaults(child)


def _write(el: ET.Element, out: list[str], depth: int, enclosing: str | None, plugins: dict[str, str]) -> None:
    cls = el.get("class") or el.tag
    owner = plugin_of(cls)
    attrs = {k: v for k, v in el.attrib.items() if k != "plugin"}
    if owner is None and "plugin" in el.attrib:  # a class we do not know: keep its owner
        owner = el.attrib["plugin"].split("@", 1)[0]
    if owner is not None and owner != enclosing and owner in plugins:
        attrs["plugin"] = f"{owner}@{plugins[owner]}"
    head = "  " * depth + "<" + el.tag + "".join(f' {k}="{_escape(v)}"' for k, v in attrs.items())
    if len(el):
        out.append(head + ">")
        for child in el:
            _write(child, out, depth + 1, owner or enclosing, plugins)
        out.append("  " * depth + f"</{el.tag}>")
    elif el.text:
        out.append(f"{head}>{_escape(el.text)}</{el.tag}>")
    else:
        out.append(head + "/>")


def resave(xml: bytes, plugins: dict[str, str]) -> bytes:
    """``xml`` as Jenkins would have saved it; ``plugins``: installed name -> version."""
    root = ET.fromstring(xml)
    _fill_defaults(root)
    _seal_secrets(root)
    out: list[str] = []
    _write(root, out, 0, None, plugins)
    return ("<?xml version='1.1' encoding='UTF-8'?>\n" + "\n".join(out) + "\n").encode("utf-8")
