"""What an item does, without how Jenkins happened to write it down: the drift normalizer.

Jenkins saves items itself (XStream, through ``Items.save``/``XmlFile``), and a saved copy
differs from what was posted in ways that change nothing an item does:

* ``plugin="name@version"`` on plugin-provided elements (XStream2's class ownership);
* its own entity and quote forms, attribute order, indentation (XStream's pretty printer);
* fields at their default values written out (``<disabled>false</disabled>``,
  ``<abortPrevious>false</abortPrevious>``, ``<trim>false</trim>`` …): any field holding
  ``false`` or nothing, and the others listed in :data:`DEFAULT_LEAVES`;
* persisted actions it adds, such as a declarative pipeline's ``DeclarativeJobAction``
  and ``DeclarativeJobPropertyTrackerAction`` after its first run;
* job properties, triggers and parameters the declarative pipeline re-creates from the
  Jenkinsfile's ``options``/``triggers``/``parameters`` on every run (pipeline-model-
  definition ``Utils.updateJobProperties``), which puts them in another order;
* secrets a plugin keeps in the item (:data:`SECRET_FIELDS`): a ``hudson.util.Secret`` is
  written encrypted (core hudson/util/Secret.java ``ConverterImpl.marshal`` writes
  ``getEncryptedValue()``, a fresh random IV for a value that came in as plain text), so
  the saved text never equals what was sent; the rendered config.xml does not carry the
  value anyway (sync supplies it: jenkinsbridge/jenkins/pushsecret.py).

:func:`semantic_xml` maps both the rendered config.xml and the server's copy to one form
in which only those differences vanish; a change of script, SCM URL, trigger, parameter,
discarder or any other value stays visible. For folders only what the spec manages counts
(the description with its marker): properties such as folder credentials, health metrics, the
icon and views belong to the controller (see :func:`merge_folder`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from jenkinsbridge.errors import RenderError
from jenkinsbridge.render.jobxml import GITLAB_PUSH_TRIGGER, GITLAB_SECRET_TOKEN

__all__ = ["FOLDER_CREDENTIALS", "FOLDER_MANAGED", "FOLDER_TAGS", "SECRET_FIELDS", "display_xml",
           "keep_folder_credentials", "merge_folder", "semantic_xml", "without_folder_credentials"]

FOLDER_TAGS = frozenset({"com.cloudbees.hudson.plugins.folder.Folder"})
# cloudbees-folder's FolderCredentialsProvider keeps a folder's credentials store here
FOLDER_CREDENTIALS = ("com.cloudbees.hudson.plugins.folder.properties."
                      "FolderCredentialsProvider_-FolderCredentialsProperty")
# What a managed folder's spec decides; everything else in its config.xml is the controller's.
FOLDER_MANAGED = ("description",)

# Leaf fields whose value here is the field's default: present or absent, same meaning.
# (element name, default text)
DEFAULT_LEAVES: frozenset[tuple[str, str]] = frozenset({
    ("keepDependencies", "false"), ("disabled", "false"), ("resumeBlocked", "false"),
    ("concurrentBuild", "true"), ("abortPrevious", "false"), ("trim", "false"),
    ("sandbox", "false"), ("lightweight", "false"), ("filterExecutors", "false"),
    ("filterQueue", "false"), ("recurse", "false"), ("ignorePostCommitHooks", "false"),
    ("doGenerateSubmoduleConfigurations", "false"), ("removeLastBuild", "false"),
})
# Any field (an element named like a Java field, not a class) holding one of these is at
# the default a missing field reads as (Java's false, an empty string): XStream writes
# every field, so plugins we do not list still add such fields when Jenkins saves.
FIELD_DEFAULTS = frozenset({"false", ""})
# Containers that mean the same empty or absent.
EMPTY_CONTAINERS = frozenset({"properties", "triggers", "parameterDefinitions", "submoduleCfg",
                              "extensions", "jobFilters", "nodeProperties"})
# Containers whose children form a set (keyed by class, or by parameter name): the
# declarative re-save rebuilds them in its own order.
UNORDERED = frozenset({"properties", "triggers", "parameterDefinitions"})
# Never part of what an item does: persisted actions Jenkins and plugins add.
DROPPED = frozenset({"actions"})
# Secret fields per class (element) that holds them: gitlab-plugin GitLabPushTrigger.java
# ``private volatile Secret secretToken``.
SECRET_FIELDS: dict[str, frozenset[str]] = {GITLAB_PUSH_TRIGGER: frozenset({GITLAB_SECRET_TOKEN})}

_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _key(el: ET.Element) -> tuple[str, str]:
    return (el.tag, el.findtext("name") or "")


def _clean(el: ET.Element) -> None:
    el.attrib.pop("plugin", None)
    had_children = len(el) > 0
    secrets = SECRET_FIELDS.get(el.get("class") or el.tag, frozenset())
    for child in list(el):
        if child.tag in DROPPED or child.tag in secrets:
            el.remove(child)
            continue
        _clean(child)
        if len(child) == 0 and not child.attrib:
            text = (child.text or "").strip()
            if ((child.tag, text) in DEFAULT_LEAVES or (child.tag in EMPTY_CONTAINERS and not text)
                    or (text in FIELD_DEFAULTS and "." not in child.tag)):
                el.remove(child)
    if len(el) or had_children:
        if el.text is not None and not el.text.strip():
            el.text = None
        for child in el:
            if child.tail is not None and not child.tail.strip():
                child.tail = None
    if el.text == "":
        el.text = None
    if el.tag in UNORDERED and len(el) > 1:
        children = sorted(el, key=_key)
        for child in list(el):
            el.remove(child)
        el.extend(children)


def semantic_xml(xml: str) -> str:
    """The canonical (C14N 2.0) text of what ``xml`` does; see the module's docstring."""
    try:
        root = ET.fromstring(_DECLARATION.sub("", xml, count=1).encode("utf-8"))
    except ET.ParseError as e:
        raise RenderError(f"config.xml is not well formed: {e}") from e
    if root.tag in FOLDER_TAGS:
        for child in list(root):
            if child.tag not in FOLDER_MANAGED:
                root.remove(child)
    _clean(root)
    return ET.canonicalize(xml_data=ET.tostring(root, encoding="unicode"))


def merge_folder(ours: str, server: str) -> str:
    """Our folder config written over the server's copy: only the fields the spec manages
    (:data:`FOLDER_MANAGED`) are replaced; folder credentials, other properties, health
    metrics, the icon and every view stay as the controller has them."""
    new = ET.fromstring(_DECLARATION.sub("", ours, count=1).encode("utf-8"))
    old = ET.fromstring(_DECLARATION.sub("", server, count=1).encode("utf-8"))
    if new.tag != old.tag:
        return ours
    for tag in FOLDER_MANAGED:
        mine = new.find(tag)
        theirs = old.find(tag)
        if mine is None:
            if theirs is not None:
                old.remove(theirs)
            continue
        if theirs is None:
            old.insert(min(1, len(old)), mine)
        else:
            theirs.text = mine.text
            theirs.attrib.clear()
            theirs.attrib.update(mine.attrib)
    decl = _DECLARATION.match(ours)
    return (decl.group(0) + "\n" if decl else "") + ET.tostring(old, encoding="unicode")


def display_xml(xml: str) -> str:
    """One written form for showing a diff: the same indentation, quoting and entities on
    both sides, so a diff shows what differs in content, not how Jenkins wrote it. Secret
    fields (:data:`SECRET_FIELDS`) are left out: the server's copy holds them encrypted and
    the rendered one not at all, so they would show as a change that is none."""
    try:
        root = ET.fromstring(_DECLARATION.sub("", xml, count=1).encode("utf-8"))
    except ET.ParseError:
        return xml
    for el in list(root.iter()):
        for name in SECRET_FIELDS.get(el.get("class") or el.tag, ()):
            for field in el.findall(name):
                el.remove(field)
    for el in root.iter():
        if len(el) and el.text is not None and not el.text.strip():
            el.text = None
        if el.tail is not None and not el.tail.strip():
            el.tail = None
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="unicode") + "\n"


def without_folder_credentials(xml: str) -> str:
    """A folder's config.xml without its credentials store (secrets encrypted with the
    controller's own key: of no use elsewhere, and never to be written to disk)."""
    if FOLDER_CREDENTIALS not in xml:
        return xml
    root = ET.fromstring(_DECLARATION.sub("", xml, count=1).encode("utf-8"))
    for props in root.findall("properties"):
        for prop in props.findall(FOLDER_CREDENTIALS):
            props.remove(prop)
    decl = _DECLARATION.match(xml)
    return (decl.group(0) + "\n" if decl else "") + ET.tostring(root, encoding="unicode")


def keep_folder_credentials(new: str, server: str) -> str:
    """``new`` with the credentials store the server's copy of the folder has, so that
    writing it leaves the folder's credentials as they are."""
    old = ET.fromstring(_DECLARATION.sub("", server, count=1).encode("utf-8"))
    store = old.find(f"properties/{FOLDER_CREDENTIALS}")
    root = ET.fromstring(_DECLARATION.sub("", without_folder_credentials(new), count=1).encode("utf-8"))
    if store is None or root.tag not in FOLDER_TAGS:
        return without_folder_credentials(new)
    props = root.find("properties")
    if props is None:
        props = ET.SubElement(root, "properties")
    props.append(store)
    decl = _DECLARATION.match(new)
    return (decl.group(0) + "\n" if decl else "") + ET.tostring(root, encoding="unicode")
