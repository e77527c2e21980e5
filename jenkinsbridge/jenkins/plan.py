"""The plan of a sync: one :class:`Action` per folder, job and view, computed from the
desired items and the listing alone (no request), then refined by reading the server's
config.xml where that is needed (updates, ``--check-drift``, ``--dry-run`` diffs)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Literal

from jenkinsbridge.jenkins.desired import Desired, Kind, view_key
from jenkinsbridge.jenkins.inventory import Inventory, Remote
from jenkinsbridge.jenkins.normalize import display_xml
from jenkinsbridge.jenkins.stamp import c14n_in, content_hash

__all__ = ["Action", "Op", "Options", "build_plan", "judge_server_copy"]

Op = Literal["create", "update", "unchanged", "delete", "kept", "conflict"]


@dataclass(frozen=True)
class Options:
    prune: bool = False
    keep_manual: bool = False
    check_drift: bool = False
    adopt: bool = False


@dataclass
class Action:
    kind: Kind
    key: str
    op: Op
    desired: Desired | None = None
    remote: Remote | None = None
    server_xml: str | None = None
    manual: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def path(self) -> str:
        """Item path; a view's folder path."""
        if self.desired is not None:
            return self.desired.path
        assert self.remote is not None
        return self.remote.path

    @property
    def name(self) -> str:
        if self.desired is not None:
            return self.desired.name
        return self.key.rsplit("view:", 1)[-1] if self.kind == "view" else self.key.rsplit("/", 1)[-1]

    @property
    def writes(self) -> bool:
        return self.op in {"create", "update", "delete"}

    @property
    def needs_server_copy(self) -> bool:
        return self.op == "update" and self.remote is not None and self.remote.managed

    def diff(self) -> str:
        old = display_xml(self.server_xml).splitlines(keepends=True) if self.server_xml else []
        new_xml = self.desired.xml if self.desired and self.op != "delete" else ""
        new = display_xml(new_xml).splitlines(keepends=True) if new_xml else []
        where = self.key
        return "".join(difflib.unified_diff(old, new, f"jenkins/{where}", f"spec/{where}"))


def build_plan(desired: list[Desired], inv: Inventory, opts: Options) -> list[Action]:
    plan: list[Action] = []
    wanted_items = {d.path for d in desired if d.kind != "view"}
    wanted_views = {(d.path, d.name) for d in desired if d.kind == "view"}
    for d in desired:
        remote = inv.views.get((d.path, d.name)) if d.kind == "view" else inv.items.get(d.path)
        plan.append(_decide(d, remote, opts))
    if opts.prune:
        for (folder, name), remote in sorted(inv.views.items()):
            if remote.managed and (folder, name) not in wanted_views:
                plan.append(Action("view", view_key(folder, name), "delete", remote=remote))
        doomed: set[str] = set()
        for path, remote in sorted(inv.items.items()):
            if remote.managed and not remote.is_folder and path not in wanted_items:
                plan.append(Action("job", path, "delete", remote=remote))
                doomed.add(path)
        # managed folders the spec dropped, deepest first, when everything in them goes too
        for path, remote in sorted(inv.items.items(), key=lambda kv: -kv[0].count("/")):
            if not (remote.managed and remote.is_folder) or path in wanted_items:
                continue
            inside = [p for p in inv.items if p.startswith(path + "/")]
            if all(p in doomed for p in inside):
                plan.append(Action("folder", path, "delete", remote=remote))
                doomed.add(path)
            else:
                kept = ", ".join(sorted(p for p in inside if p not in doomed)[:5])
                plan.append(Action("folder", path, "kept", remote=remote,
                                   notes=[f"not deleted: it still holds items that are not ours: {kept}"]))
    return plan


def _decide(d: Desired, remote: Remote | None, opts: Options) -> Action:
    if remote is None:
        return Action(d.kind, d.key, "create", desired=d)
    if d.kind == "folder" and not remote.is_folder:
        return Action(d.kind, d.key, "conflict", desired=d, remote=remote,
                      notes=[f"{d.path} exists and is not a folder ({remote.cls})"])
    if not remote.managed:
        if d.kind == "folder":
            return Action(d.kind, d.key, "unchanged", desired=d, remote=remote,
                          notes=["exists and is not managed by jenkinsbridge: left as it is"])
        if opts.adopt:
            return Action(d.kind, d.key, "update", desired=d, remote=remote, notes=["adopted"])
        return Action(d.kind, d.key, "conflict", desired=d, remote=remote,
                      notes=["exists and is not managed by jenkinsbridge (use --adopt to take it over)"])
    if remote.digest == d.digest:
        return Action(d.kind, d.key, "unchanged", desired=d, remote=remote)
    return Action(d.kind, d.key, "update", desired=d, remote=remote)


def judge_server_copy(action: Action, server_xml: str, opts: Options) -> None:
    """Given the server's config.xml of a managed item: was it edited by hand since we
    wrote it? Then overwrite with a warning, or keep it with ``--keep-manual``."""
    action.server_xml = server_xml
    recorded = c14n_in(_description(server_xml))
    actual = content_hash(server_xml)
    action.manual = recorded is None or actual != recorded
    if action.desired is not None and actual == action.desired.stamp.c14n and not action.manual:
        action.op = "unchanged"
        return
    if action.manual:
        if opts.keep_manual:
            action.op = "kept"
            action.notes.append("edited on the server since the last sync: kept (--keep-manual)")
        else:
            action.op = "update"
            action.notes.append("edited on the server since the last sync: overwritten")


def _description(xml: str) -> str:
    import re

    m = re.search(r"<description>(.*?)</description>", xml, re.S)
    return m.group(1) if m else ""
