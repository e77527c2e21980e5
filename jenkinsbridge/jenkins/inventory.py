"""What the controller holds, from one ``tree=`` listing over all folders.

The listing asks, at every level, for each item's ``name`` and ``description`` (Jenkins
adds ``_class``) and each folder's views; that is enough to tell which items are ours
(the marker) and unchanged (the hash). Folders nested deeper than the query reaches come
back without ``jobs`` and are listed with one more request each.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from jenkinsbridge.jenkins.stamp import hash_in, is_managed
from jenkinsbridge.jenkins.wire import JenkinsWire

__all__ = ["FOLDER_CLASSES", "Inventory", "Remote", "list_inventory", "tree_query"]

log = logging.getLogger(__name__)

FOLDER_CLASSES = frozenset({"com.cloudbees.hudson.plugins.folder.Folder"})
_FIELDS = "name,description"
_VIEWS = "views[name,description]"


@dataclass(frozen=True)
class Remote:
    """An item or view as listed: its path (``a/b/name``; views: folder path), class and description."""

    path: str
    cls: str
    description: str | None

    @property
    def managed(self) -> bool:
        return is_managed(self.description)

    @property
    def digest(self) -> str | None:
        return hash_in(self.description) if self.managed else None

    @property
    def is_folder(self) -> bool:
        return self.cls in FOLDER_CLASSES


@dataclass
class Inventory:
    items: dict[str, Remote] = field(default_factory=dict)
    views: dict[tuple[str, str], Remote] = field(default_factory=dict)  # (folder, view name)
    use_crumbs: bool | None = None

    def children(self, folder: str) -> list[str]:
        prefix = folder + "/"
        return [p for p in self.items if p.startswith(prefix) and "/" not in p[len(prefix):]]


def tree_query(levels: int) -> str:
    """``jobs[name,description,views[...],jobs[...]]`` nested ``levels`` deep."""
    query = f"jobs[{_FIELDS}]"
    for _ in range(max(levels, 1) - 1):
        query = f"jobs[{_FIELDS},{_VIEWS},{query}]"
    return query


def list_inventory(wire: JenkinsWire, levels: int) -> Inventory:
    inv = Inventory()
    query = tree_query(levels)
    data = wire.tree(f"useCrumbs,{_VIEWS},{query}")
    if isinstance(data.get("useCrumbs"), bool):
        inv.use_crumbs = data["useCrumbs"]
        wire.use_crumbs(inv.use_crumbs)
    pending: list[tuple[str, dict[str, Any]]] = [("", data)]
    while pending:
        folder, node = pending.pop()
        for v in node.get("views") or []:
            if "name" in v:
                inv.views[(folder, str(v["name"]))] = Remote(folder, str(v.get("_class", "")), v.get("description"))
        for child in node.get("jobs") or []:
            if "name" not in child:
                continue
            path = f"{folder}/{child['name']}" if folder else str(child["name"])
            remote = Remote(path, str(child.get("_class", "")), child.get("description"))
            inv.items[path] = remote
            if not remote.is_folder:
                continue
            if "jobs" in child:
                pending.append((path, child))
            else:  # deeper than the query reached
                log.debug("listing %s on its own (deeper than %d levels)", path, levels)
                pending.append((path, wire.tree(f"{_VIEWS},{query}", item=path)))
    return inv
