"""What the spec wants on the controller: stamped folders, jobs and list views."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

from jenkinsbridge.errors import RenderError
from jenkinsbridge.jenkins.stamp import stamp
from jenkinsbridge.render import MANAGED_MARKER, RenderedJob, RenderResult
from jenkinsbridge.render.environment import environment

__all__ = ["Desired", "Kind", "desired_items", "view_key"]

Kind = Literal["folder", "job", "view"]


@dataclass(frozen=True)
class Desired:
    kind: Kind
    path: str  # item path; for a view, the folder path
    name: str  # last path segment; for a view, its name
    xml: str  # stamped config.xml
    digest: str
    rendered: RenderedJob | None = None

    @property
    def key(self) -> str:
        return view_key(self.path, self.name) if self.kind == "view" else self.path


def view_key(folder: str, name: str) -> str:
    return f"{folder}/view:{name}" if folder else f"view:{name}"


def _view_xml(name: str, jobs: list[str]) -> str:
    try:
        return environment().get_template("xml/list-view.xml.j2").render(
            name=name, description=MANAGED_MARKER, jobs=sorted(jobs, key=str.lower))
    except Exception as e:  # jinja2 errors: a template bug, not bad input
        raise RenderError(f"rendering list view {name}: {e}") from e


def desired_items(result: RenderResult) -> list[Desired]:
    """Folders (parents first), jobs, then the list views the jobs name, each stamped."""
    out: list[Desired] = []
    for f in result.folders:
        s = stamp(f.config_xml)
        out.append(Desired("folder", f.path, f.path.rsplit("/", 1)[-1], s.xml, s.digest))
    views: dict[tuple[str, str], list[str]] = defaultdict(list)
    for j in result.jobs:
        s = stamp(j.config_xml)
        out.append(Desired("job", j.path, j.path.rsplit("/", 1)[-1], s.xml, s.digest, rendered=j))
        folder = j.path.rpartition("/")[0]
        for v in getattr(j.job, "views", []) or []:
            views[(folder, v)].append(j.job.name)
    for (folder, name), jobs in sorted(views.items()):
        s = stamp(_view_xml(name, jobs))
        out.append(Desired("view", folder, name, s.xml, s.digest))
    return out
