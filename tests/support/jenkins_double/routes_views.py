"""Routes of the double for list views (in folders and at the root).

A view's config.xml lives inside its folder's config.xml; creating, changing or deleting a
view saves the folder (cloudbees-folder AbstractFolder; core hudson/model/View.java,
ViewGroupMixIn.java for the root).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from tests.support.jenkins_double.common import Reply, error_page
from tests.support.jenkins_double.items import VIEW_TYPES, ConfigRejected, Folder, parse_config
from tests.support.jenkins_double.xstream import resave

__all__ = ["ViewRoutes", "default_views"]


class ViewRoutes:
    """Mixed into the handler: uses its ``state``, ``query``, ``body``, ``base``, ``_need`` and ``_api``."""

    state: Any
    query: dict[str, str]
    body: bytes
    base: str

    def _need(self, permission: str) -> None: ...  # provided by the handler

    def _api(self, obj: Any) -> Reply: ...  # provided by the handler

    def _create_view(self, folder: Folder) -> Reply:
        # View.create / ViewGroupMixIn (core hudson/model/View.java, MyViewsProperty): View.CREATE;
        # "A view already exists with the name" (core Messages.properties, Hudson_ViewAlreadyExists)
        self._need("View/Create")
        name = self.query.get("name")
        if not name:
            raise Reply(400, error_page(400, "Query parameter 'name' is required"))
        if name in folder.views():
            msg = f"A view already exists with the name \u201c{name}\u201d"
            raise Reply(400, error_page(400, msg), headers={"X-Error": msg})
        root = _parse_view(self.body)
        name_el = root.find("name")
        if name_el is None:
            name_el = ET.SubElement(root, "name")
        name_el.text = name
        folder.put_view(name, ET.tostring(root))
        self._resave_folder(folder)
        return Reply(200, b"")

    def _resave_folder(self, folder: Folder) -> None:
        """Adding, changing or deleting a view saves its folder (cloudbees-folder
        AbstractFolder.addView/onViewRenamed/deleteView call save())."""
        if folder is not self.state.root:
            folder.xml = resave(folder.xml, self.state.versions())

    def _view(self, method: str, folder: Folder, name: str, rest: list[str]) -> Reply:
        view = folder.views().get(name)
        if view is None:
            raise Reply(404, error_page(404, "Not Found"))
        if rest[:1] == ["api"]:
            return self._api(view.bind(self.base))
        if rest == ["config.xml"] and method == "GET":
            self._need("View/Read")
            return Reply(200, b"<?xml version='1.1' encoding='UTF-8'?>\n" + view.xml, "application/xml")
        if rest == ["config.xml"] and method == "POST":
            self._need("View/Configure")
            root = _parse_view(self.body)
            if root.tag != view.root.tag:
                raise Reply(500, error_page(500, "java.io.IOException: Expecting view type "
                                                  f"{view.root.tag} but got {root.tag} instead"))
            name_el = root.find("name")
            if name_el is not None:
                name_el.text = name
            folder.put_view(name, ET.tostring(root))
            self._resave_folder(folder)
            return Reply(200, b"")
        if rest == ["doDelete"] and method == "POST":
            self._need("View/Delete")
            folder.delete_view(name)
            self._resave_folder(folder)
            return Reply(302, b"", headers={"Location": folder.url(self.base)})
        raise Reply(404, error_page(404, "Not Found"))



# View.properties is a View$PropertyList (jenkinsci/jenkins core/src/main/java/hudson/model/
# View.java); any other class there is one XStream cannot resolve.
_VIEW_PROPERTY_CLASSES = {None, "hudson.model.View$PropertyList"}


def _parse_view(body: bytes) -> ET.Element:
    root = parse_config(body, {k: (k, None) for k in VIEW_TYPES})
    props = root.find("properties")
    cls = props.get("class") if props is not None else None
    if cls not in _VIEW_PROPERTY_CLASSES:
        raise ConfigRejected(500, "java.io.IOException: Unable to read: "
                                  f"com.thoughtworks.xstream.mapper.CannotResolveClassException: {cls}")
    return root


def default_views(posted: bytes) -> bytes:
    """A posted folder config without ``folderViews`` keeps none: the folder gets its default
    "All" view (cloudbees-folder AbstractFolder.init when views are empty). With it, the
    posted views are the folder's views."""
    root = ET.fromstring(posted)
    if root.find("folderViews") is None:
        ET.SubElement(ET.SubElement(ET.SubElement(root, "folderViews", {
            "class": "com.cloudbees.hudson.plugins.folder.views.DefaultFolderViewHolder"}), "views"),
            "hudson.model.AllView").append(_name("All"))
    return ET.tostring(root)


def _name(text: str) -> ET.Element:
    el = ET.Element("name")
    el.text = text
    return el


