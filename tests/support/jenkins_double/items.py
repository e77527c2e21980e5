"""Items of the double: the root, folders, jobs and views, stored as config.xml.

Like Jenkins, an item's config.xml is the source of truth: its description and type are
read from it; a folder's list views live inside its config.xml under
``folderViews/views`` (jenkinsci/cloudbees-folder-plugin src/main/java/com/cloudbees/hudson/
plugins/folder/views/DefaultFolderViewHolder.java), the root's under ``views`` of the
controller's own config. The remote API exports of items follow core
hudson/model/Job.java, AbstractItem.java and View.java (``@Exported`` getters only).
A root element the controller does not know (or whose plugin is
not installed) is refused the way Jenkins refuses it: a 500 with the XStream message.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from tests.support.jenkins_double.builds import run_properties

__all__ = [
    "FOLDER_CLASS",
    "ITEM_TYPES",
    "VIEW_TYPES",
    "ConfigRejected",
    "Folder",
    "Job",
    "Root",
    "View",
    "parse_config",
]

FOLDER_CLASS = "com.cloudbees.hudson.plugins.folder.Folder"

# config.xml root element -> (Java class reported as _class, plugin that provides it or None for core)
ITEM_TYPES: dict[str, tuple[str, str | None]] = {
    "flow-definition": ("org.jenkinsci.plugins.workflow.job.WorkflowJob", "workflow-job"),
    "project": ("hudson.model.FreeStyleProject", None),
    FOLDER_CLASS: (FOLDER_CLASS, "cloudbees-folder"),
    "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject": (
        "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject", "workflow-multibranch"),
    "jenkins.branch.OrganizationFolder": ("jenkins.branch.OrganizationFolder", "branch-api"),
}
# form createItem ``mode`` (descriptor id) -> root element
ITEM_MODES: dict[str, str] = {
    "org.jenkinsci.plugins.workflow.job.WorkflowJob": "flow-definition",
    "hudson.model.FreeStyleProject": "project",
    FOLDER_CLASS: FOLDER_CLASS,
}
VIEW_TYPES: dict[str, str] = {
    "hudson.model.ListView": "hudson.model.ListView",
    "hudson.model.AllView": "hudson.model.AllView",
    "hudson.model.MyView": "hudson.model.MyView",
}


class ConfigRejected(Exception):
    """The controller refuses a config.xml: ``status`` and Jenkins's message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def parse_config(body: bytes, known: dict[str, Any], plugins: set[str] | None = None) -> ET.Element:
    """Parse and check a posted config.xml like Jenkins: not well formed -> 500 from the
    XML transformer (core hudson/util/XMLUtils.java, safeTransform, used by
    AbstractItem.updateByXml and ItemGroupMixIn.createProjectFromXML); unknown root
    element -> 500 ``CannotResolveClassException`` (XStream's mapper, through Items.load /
    XmlFile.read in core hudson/model/Items.java, hudson/XmlFile.java)."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as e:
        raise ConfigRejected(500, f"java.io.IOException: Failed to persist config.xml: "
                                  f"org.xml.sax.SAXParseException: {e}") from e
    if root.tag not in known:
        raise ConfigRejected(500, "java.io.IOException: Unable to read: "
                                  f"com.thoughtworks.xstream.mapper.CannotResolveClassException: {root.tag}")
    spec = known[root.tag]
    plugin = spec[1] if isinstance(spec, tuple) else None
    if plugin and plugins is not None and plugin not in plugins:
        raise ConfigRejected(500, "java.io.IOException: Unable to read: "
                                  f"com.thoughtworks.xstream.mapper.CannotResolveClassException: {root.tag} "
                                  f"(plugin {plugin} is not installed)")
    return root


def _text(root: ET.Element, tag: str) -> str:
    el = root.find(tag)
    return (el.text or "") if el is not None else ""


class _Parsed:
    """Caches the parsed config.xml until ``xml`` is replaced."""

    xml: bytes
    _parsed: tuple[bytes, ET.Element] | None

    @property
    def root(self) -> ET.Element:
        cached = getattr(self, "_parsed", None)
        if cached is None or cached[0] is not self.xml:
            cached = (self.xml, ET.fromstring(self.xml))
            self._parsed = cached
        return cached[1]


@dataclass(eq=False)
class View(_Parsed):
    """A view; ``owner`` is the folder (or root) it belongs to."""

    name: str
    xml: bytes
    owner: Folder

    @property
    def cls(self) -> str:
        return VIEW_TYPES.get(self.root.tag, self.root.tag)

    def job_names(self) -> list[str]:
        if self.cls == "hudson.model.AllView":
            return list(self.owner.children)
        el = self.root.find("jobNames")
        return [s.text or "" for s in el.findall("string")] if el is not None else []

    def url(self, base: str) -> str:
        return f"{self.owner.url(base)}view/{self.name}/"

    def bind(self, base: str) -> BoundView:
        return BoundView(self, base)


@dataclass(eq=False)
class BoundView:
    view: View
    base: str

    def summary(self) -> dict[str, Any]:
        return {"_class": self.view.cls, "name": self.view.name, "url": self.view.url(self.base)}

    def exported(self) -> dict[str, Any]:
        jobs = [self.view.owner.children[n].bind(self.base) for n in self.view.job_names()
                if n in self.view.owner.children]
        return {**self.summary(), "description": _text(self.view.root, "description") or None,
                "jobs": jobs, "property": []}


@dataclass(eq=False)
class Job(_Parsed):
    """Any item with a config.xml: a pipeline, a freestyle project or a folder."""

    name: str
    xml: bytes
    parent: Folder
    next_build: int = 1
    builds: list[dict[str, Any]] = field(default_factory=list)

    @property
    def tag(self) -> str:
        return self.root.tag

    @property
    def cls(self) -> str:
        return ITEM_TYPES[self.tag][0]

    @property
    def full_name(self) -> str:
        return f"{self.parent.full_name}/{self.name}" if self.parent.full_name else self.name

    def url(self, base: str) -> str:
        return f"{self.parent.url(base)}job/{self.name}/"

    def bind(self, base: str) -> BoundItem:
        return BoundItem(self, base)


class Folder(Job):
    """A folder: children by name and views stored in its config.xml."""

    def __init__(self, name: str, xml: bytes, parent: Folder | None) -> None:
        super().__init__(name=name, xml=xml, parent=parent)  # type: ignore[arg-type]
        self.children: dict[str, Job] = {}

    @property
    def full_name(self) -> str:
        if self.parent is None:
            return ""
        return super().full_name

    def url(self, base: str) -> str:
        return base if self.parent is None else super().url(base)

    # -- views stored inside the folder's config.xml, as Jenkins keeps them
    def _views_el(self, root: ET.Element) -> ET.Element:
        holder = root.find("folderViews")
        if holder is None:
            holder = ET.SubElement(root, "folderViews",
                                   {"class": "com.cloudbees.hudson.plugins.folder.views.DefaultFolderViewHolder"})
        views = holder.find("views")
        if views is None:
            views = ET.SubElement(holder, "views")
        return views

    def views(self) -> dict[str, View]:
        out: dict[str, View] = {}
        for el in list(self._views_el(self.root)):
            name = _text(el, "name")
            out[name] = View(name=name, xml=ET.tostring(el), owner=self)
        return out

    def put_view(self, name: str, xml: bytes) -> None:
        root = ET.fromstring(self.xml)
        views = self._views_el(root)
        new = ET.fromstring(xml)
        for old in list(views):
            if _text(old, "name") == name:
                views.remove(old)
        views.append(new)
        self.xml = _serialize(root)

    def delete_view(self, name: str) -> None:
        root = ET.fromstring(self.xml)
        views = self._views_el(root)
        for old in list(views):
            if _text(old, "name") == name:
                views.remove(old)
        self.xml = _serialize(root)


class Root(Folder):
    """The controller itself (``Hudson``): top-level items and global views."""

    def __init__(self) -> None:
        super().__init__(name="", xml=b"<hudson><views><hudson.model.AllView><name>all</name>"
                                       b"<filterExecutors>false</filterExecutors><filterQueue>false"
                                       b"</filterQueue></hudson.model.AllView></views></hudson>",
                         parent=None)

    @property
    def cls(self) -> str:
        return "hudson.model.Hudson"

    def _views_el(self, root: ET.Element) -> ET.Element:
        views = root.find("views")
        assert views is not None
        return views


def _serialize(root: ET.Element) -> bytes:
    return b"<?xml version='1.1' encoding='UTF-8'?>\n" + ET.tostring(root)


@dataclass(eq=False)
class BoundItem:
    """An item as the remote API sees it, with absolute URLs."""

    item: Job
    base: str
    csrf: bool = True
    readable: bool = True  # the caller has Job/Read: children are listed

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"_class": self.item.cls, "name": self.item.name, "url": self.item.url(self.base)}
        if not isinstance(self.item, Folder):
            out["color"] = "notbuilt"
        return out

    def exported(self) -> dict[str, Any]:
        it = self.item
        root = it.root
        out: dict[str, Any] = {
            **self.summary(),
            "description": _text(root, "description") or None,
            "displayName": it.name,
            "fullName": it.full_name,
            "fullDisplayName": it.full_name.replace("/", " » "),
        }
        if isinstance(it, Root):
            out = {"_class": it.cls, "mode": "NORMAL", "nodeName": "", "nodeDescription": "the Jenkins controller",
                   "numExecutors": 0, "description": None, "quietingDown": False, "useCrumbs": self.csrf,
                   "useSecurity": True, "url": self.base}
        if isinstance(it, Folder):
            out["jobs"] = [c.bind(self.base) for c in it.children.values()] if self.readable else []
            views = it.views()
            out["views"] = [v.bind(self.base) for v in views.values()]
            first = next(iter(views.values()), None)
            out["primaryView"] = first.bind(self.base) if first else None
        else:
            out["buildable"] = _text(root, "disabled") != "true"
            out["inQueue"] = False
            out["keepDependencies"] = False
            out["nextBuildNumber"] = it.next_build
            out.update(run_properties(it, self.base))  # builds, allBuilds, lastBuild...: builds.py
            out["property"] = []
        return out
