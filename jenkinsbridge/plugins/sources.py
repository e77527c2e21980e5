"""Where the installed plugins and the core version come from: a running controller
(``pluginManager/api``, one request; the core from its X-Jenkins header) or a pinned
plugins.txt with the core of the controller image built from it (the Jenkins version in
the ``BASE_IMAGE`` of the Dockerfile beside it), unless given."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from jenkinsbridge.errors import UsageError
from jenkinsbridge.jenkins import endpoints as ep
from jenkinsbridge.jenkins.client import Jenkins
from jenkinsbridge.plugins.pluginstxt import PluginsTxt, read_plugins_txt

__all__ = ["Installed", "core_of_image", "from_controller", "from_plugins_txt"]

_BASE_IMAGE = re.compile(r"^\s*ARG\s+BASE_IMAGE=\S*jenkins:(\d+(?:\.\d+)+)", re.M)
_VERSION = re.compile(r"^\d+(?:\.\d+)+$")


@dataclass
class Installed:
    core: str
    plugins: dict[str, str]
    unpinned: list[str] = field(default_factory=list)
    txt: PluginsTxt | None = None


def core_of_image(dockerfile: Path) -> str:
    try:
        m = _BASE_IMAGE.search(dockerfile.read_text(encoding="utf-8"))
    except OSError as e:
        raise UsageError(f"{dockerfile}: cannot read it to find the Jenkins version ({e.strerror or e}); "
                         "pass --core VERSION") from e
    if not m:
        raise UsageError(f"{dockerfile}: no ARG BASE_IMAGE=jenkins/jenkins:VERSION...; pass --core VERSION")
    return m.group(1)


def check_core(core: str) -> str:
    if not _VERSION.match(core):
        raise UsageError(f"--core {core!r}: give a Jenkins version such as 2.492.3")
    return core


def from_plugins_txt(path: Path, core: str | None) -> Installed:
    txt = read_plugins_txt(path)
    version = check_core(core) if core else core_of_image(path.parent / "Dockerfile")
    return Installed(core=version, plugins=txt.pinned(), unpinned=txt.unpinned(), txt=txt)


def from_controller(client: Jenkins) -> Installed:
    resp = client.api.request("GET", ep.PLUGINS, action="list plugins")
    core = resp.headers.get("X-Jenkins", "")
    if not _VERSION.match(core):
        raise UsageError(f"the controller did not name its Jenkins version (X-Jenkins {core!r}); pass --core")
    plugins = {str(p["shortName"]): str(p["version"]) for p in resp.json().get("plugins", [])
               if p.get("shortName") and p.get("version")}
    return Installed(core=core, plugins=plugins)
