"""plugins.txt as jenkins-plugin-cli reads it (``--plugin-file``): one plugin a line,
``name``, ``name:version`` or ``name:version:url``; ``#`` starts a comment. Parsed and
written here only, so an upgraded file keeps every comment, blank line and the order,
and changes nothing but the versions (plus the dependencies it had to add, at the end).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from jenkinsbridge.errors import UsageError

__all__ = ["Line", "PluginsTxt", "read_plugins_txt"]

_ENTRY = re.compile(r"^(?P<name>[A-Za-z0-9][\w.-]*)(?::(?P<version>[^\s:#]+)(?::(?P<url>\S+))?)?\s*(?:#.*)?$")
UNPINNED = ("latest", "experimental")


@dataclass
class Line:
    text: str
    name: str | None = None
    version: str | None = None  # None or latest/experimental: not pinned
    url: str | None = None


@dataclass
class PluginsTxt:
    path: Path
    lines: list[Line]

    def pinned(self) -> dict[str, str]:
        """name -> version of the pinned entries."""
        return {ln.name: ln.version for ln in self.lines
                if ln.name and ln.version and ln.version not in UNPINNED}

    def unpinned(self) -> list[str]:
        return [ln.name for ln in self.lines if ln.name and (not ln.version or ln.version in UNPINNED)]

    def with_versions(self, versions: dict[str, str], added_note: str) -> str:
        """The file's text with ``versions`` applied; names it lacks are appended."""
        out: list[str] = []
        seen: set[str] = set()
        for ln in self.lines:
            if ln.name and ln.name in versions and versions[ln.name] != ln.version:
                tail = ln.text.split("#", 1)[1] if "#" in ln.text else None
                text = f"{ln.name}:{versions[ln.name]}" + (f":{ln.url}" if ln.url else "")
                out.append(text + (f"  #{tail}" if tail is not None else ""))
            else:
                out.append(ln.text)
            if ln.name:
                seen.add(ln.name)
        added = [f"{name}:{versions[name]}" for name in sorted(versions) if name not in seen]
        if added:
            out += ["", f"# {added_note}", *added]
        return "\n".join(out) + "\n"

    def diff(self, new_text: str) -> str:
        old = "\n".join(ln.text for ln in self.lines) + "\n"
        return "".join(difflib.unified_diff(old.splitlines(keepends=True), new_text.splitlines(keepends=True),
                                            fromfile=str(self.path), tofile=f"{self.path} (upgraded)"))


def read_plugins_txt(path: Path) -> PluginsTxt:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise UsageError(f"{path}: cannot read it ({e.strerror or e})") from e
    lines: list[Line] = []
    names: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            lines.append(Line(raw))
            continue
        m = _ENTRY.match(stripped)
        if not m:
            raise UsageError(f"{path}:{number}: {stripped!r} is not a plugin line; expected "
                             "name:version (e.g. git:5.7.0)")
        name = m.group("name")
        if name in names:
            raise UsageError(f"{path}:{number}: {name} is listed again (first on line {names[name]})")
        names[name] = number
        lines.append(Line(raw, name, m.group("version"), m.group("url")))
    return PluginsTxt(path, lines)
