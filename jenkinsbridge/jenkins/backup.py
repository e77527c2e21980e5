"""Back up every folder's and job's config.xml (a folder's views are inside it) and the
controller's own list views; restore them, parents first.

Layout of a backup directory::

    manifest.json                 what was saved, from where, when
    items/<a>/<b>/config.xml      one per folder and job, by item path
    views/<name>.xml              the root's views (not "all")

Credentials are not part of it: Jenkins never gives secret values back, and a folder's
credentials store (inside its config.xml, secrets encrypted with the controller's key) is
left out of the saved file. Restoring over an existing folder keeps its credentials.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jenkinsbridge.errors import UsageError
from jenkinsbridge.fsutil import staged_directory
from jenkinsbridge.jenkins.inventory import list_inventory
from jenkinsbridge.jenkins.normalize import keep_folder_credentials, without_folder_credentials
from jenkinsbridge.jenkins.wire import JenkinsWire

__all__ = ["BackupResult", "backup", "restore"]

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
FORMAT = 1


@dataclass
class BackupResult:
    directory: Path
    items: list[dict[str, str]] = field(default_factory=list)
    views: list[str] = field(default_factory=list)
    results: dict[str, str] = field(default_factory=dict)  # restore: key -> created/updated/skipped

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.results.values():
            out[r] = out.get(r, 0) + 1
        return out


def backup(wire: JenkinsWire, out: Path, *, workers: int = 4) -> BackupResult:
    if out.exists() and any(out.iterdir()):
        raise UsageError(f"{out} exists and is not empty; give a new directory for the backup")
    inv = list_inventory(wire, levels=10)
    paths = sorted(inv.items)
    root_views = sorted(name for (folder, name) in inv.views if folder == "" and name.lower() != "all")
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        configs = dict(zip(paths, pool.map(wire.item_config, paths), strict=True))
        views = dict(zip(root_views, pool.map(lambda n: wire.view_config("", n), root_views), strict=True))
    items = [{"path": p, "class": inv.items[p].cls, "kind": "folder" if inv.items[p].is_folder else "job"}
             for p in paths]
    manifest: dict[str, Any] = {
        "format": FORMAT, "url": wire.url,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "items": items, "views": root_views,
    }
    with staged_directory(out) as tmp:
        for path, xml in configs.items():
            target = tmp / "items" / Path(*path.split("/")) / "config.xml"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(without_folder_credentials(xml), encoding="utf-8")
        for name, xml in views.items():
            target = tmp / "views" / f"{name}.xml"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(xml, encoding="utf-8")
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    log.info("saved %d item(s) and %d view(s) to %s", len(items), len(root_views), out)
    return BackupResult(out, items=items, views=root_views)


def restore(wire: JenkinsWire, directory: Path, *, overwrite: bool = False, workers: int = 4) -> BackupResult:
    """Create what is missing; with ``overwrite`` also rewrite what exists."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise UsageError(f"{directory}: not a jenkinsbridge backup ({MANIFEST}: {e})") from e
    if manifest.get("format") != FORMAT:
        raise UsageError(f"{directory}: backup format {manifest.get('format')!r}; this version reads {FORMAT}")
    items: list[dict[str, str]] = manifest["items"]
    configs: dict[str, str] = {}
    for it in items:  # read everything before writing anything
        f = directory / "items" / Path(*it["path"].split("/")) / "config.xml"
        try:
            configs[it["path"]] = f.read_text(encoding="utf-8")
        except OSError as e:
            raise UsageError(f"{f}: {e.strerror}") from e
    views = {n: (directory / "views" / f"{n}.xml").read_text(encoding="utf-8") for n in manifest.get("views", [])}
    inv = list_inventory(wire, levels=10)
    result = BackupResult(directory, items=items, views=list(views))

    def put(path: str) -> None:
        if path in inv.items:
            if not overwrite:
                result.results[path] = "skipped"
                return
            xml = configs[path]
            if inv.items[path].is_folder:  # read-modify-write: its credentials stay
                xml = keep_folder_credentials(xml, wire.item_config(path))
            wire.update_item_config(path, xml)
            result.results[path] = "updated"
        else:
            wire.create_item(path, configs[path])
            result.results[path] = "created"

    by_depth: dict[int, list[str]] = {}
    for it in items:
        by_depth.setdefault(it["path"].count("/"), []).append(it["path"])
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for depth in sorted(by_depth):  # parents before children
            list(pool.map(put, by_depth[depth]))
    for name, xml in views.items():
        key = f"view:{name}"
        if ("", name) in inv.views:
            if overwrite:
                wire.update_view_config("", name, xml)
                result.results[key] = "updated"
            else:
                result.results[key] = "skipped"
            continue
        wire.create_view("", name, xml)
        result.results[key] = "created"
    return result
