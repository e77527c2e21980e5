"""The update center's data: ``update-center.json`` (JSONP, ``updateCenter.post(...)``)
or ``update-center.actual.json`` (plain JSON), from a URL or a file.

Read as Jenkins core reads it (jenkinsci/jenkins core/src/main/java/hudson/model/
UpdateSite.java, ``Data``, ``Plugin``, ``Warning``, ``WarningVersionRange``):
``updateCenterVersion`` must be 1; ``plugins`` maps a name to ``version``,
``requiredCore`` and ``dependencies`` (``name``, ``version``, ``optional``);
``warnings`` carry ``type`` (core / plugin; anything else never applies), ``id``,
``name``, ``message``, ``url`` and ``versions[].pattern``, a regular expression that
must match the whole version; no ``versions`` means every version is affected, and a
pattern that does not compile counts as ``.*`` (core logs it and does the same).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jenkinsbridge.errors import JenkinsbridgeError, UsageError
from jenkinsbridge.jenkins.plugins import version_tuple

__all__ = ["DEFAULT_URL", "PluginRelease", "UpdateCenter", "Warning", "load_update_center", "newer"]

log = logging.getLogger(__name__)
# the Jenkins project's update center; mirrors and air-gapped copies: --update-center
DEFAULT_URL = "https://updates.jenkins.io/update-center.json"
_JSONP = re.compile(r"^\s*updateCenter\.post\(\s*(.*)\s*\)\s*;?\s*$", re.S)


def newer(a: str, b: str) -> bool:
    """Whether version ``a`` is newer than ``b`` (Jenkins plugin and core versions)."""
    return version_tuple(a) > version_tuple(b)


@dataclass(frozen=True)
class Warning:
    type: str  # "core", "plugin" or "unknown"
    id: str
    name: str
    message: str
    url: str
    patterns: tuple[str, ...]

    def applies_to(self, version: str) -> bool:
        if not self.patterns:
            return True
        for pattern in self.patterns:
            try:
                if re.fullmatch(pattern, version):
                    return True
            except re.error:
                return True  # core: an invalid pattern is '.*'
        return False


@dataclass(frozen=True)
class PluginRelease:
    name: str
    version: str
    required_core: str | None
    dependencies: dict[str, str]  # name -> minimum version (not optional)
    optional: dict[str, str]


@dataclass
class UpdateCenter:
    source: str
    core: str | None
    plugins: dict[str, PluginRelease] = field(default_factory=dict)
    warnings: list[Warning] = field(default_factory=list)

    def warnings_for(self, kind: str, name: str, version: str) -> list[Warning]:
        return [w for w in self.warnings if w.type == kind and w.name == name and w.applies_to(version)]


def _bad(source: str, what: str) -> UsageError:
    return UsageError(f"update center {source}: {what}; give update-center.json (or "
                      "update-center.actual.json) of a Jenkins update site")


def _text(source: str, core: str | None, timeout: float) -> str:
    if source.startswith(("https://", "http://")):
        import requests

        url = source
        if core and "?" not in source:  # the update site's data tailored to this core
            url = f"{source}?{urlencode({'version': core})}"
        try:
            r = requests.get(url, timeout=timeout)
        except requests.RequestException as e:
            raise JenkinsbridgeError(f"update center {source} is not reachable: {e}") from e
        if r.status_code != 200:
            raise JenkinsbridgeError(f"update center {source} answered HTTP {r.status_code}")
        return r.text
    try:
        return Path(source).read_text(encoding="utf-8")
    except OSError as e:
        raise UsageError(f"update center {source}: cannot read it ({e.strerror or e})") from e


def _str(obj: Mapping[str, Any], key: str, source: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str | int | float) or isinstance(value, bool) or value == "":
        raise _bad(source, f"{where} has no {key!r}")
    return str(value)


def _deps(raw: Any, source: str, where: str) -> tuple[dict[str, str], dict[str, str]]:
    required: dict[str, str] = {}
    optional: dict[str, str] = {}
    if not isinstance(raw, list):
        raise _bad(source, f"{where}: 'dependencies' is not a list")
    for dep in raw:
        if not isinstance(dep, dict) or not dep.get("name"):
            continue  # core skips entries without a name
        target = required if str(dep.get("optional", "false")).lower() == "false" else optional
        target[str(dep["name"])] = str(dep.get("version", "0"))
    return required, optional


def parse_update_center(text: str, source: str) -> UpdateCenter:
    m = _JSONP.match(text)
    try:
        doc = json.loads(m.group(1) if m else text)
    except ValueError as e:
        raise _bad(source, f"not JSON or JSONP ({e})") from e
    if not isinstance(doc, dict):
        raise _bad(source, "not a JSON object")
    if str(doc.get("updateCenterVersion")) != "1":
        raise _bad(source, f"updateCenterVersion is {doc.get('updateCenterVersion')!r}, expected 1")
    plugins = doc.get("plugins")
    if not isinstance(plugins, dict):
        raise _bad(source, "no 'plugins' object")
    core = doc.get("core") if isinstance(doc.get("core"), dict) else None
    uc = UpdateCenter(source=source, core=str(core["version"]) if core and core.get("version") else None)
    for key, p in plugins.items():
        if not isinstance(p, dict):
            raise _bad(source, f"plugins.{key} is not an object")
        where = f"plugins.{key}"
        required, optional = _deps(p.get("dependencies", []), source, where)
        rc = p.get("requiredCore")
        uc.plugins[str(key)] = PluginRelease(str(key), _str(p, "version", source, where),
                                             str(rc) if rc else None, required, optional)
    for i, w in enumerate(doc.get("warnings") or []):
        where = f"warnings[{i}]"
        if not isinstance(w, dict):
            raise _bad(source, f"{where} is not an object")
        kind = str(w.get("type", "")).lower()
        versions = w.get("versions") or []
        patterns = tuple(str(v["pattern"]) for v in versions if isinstance(v, dict) and "pattern" in v)
        uc.warnings.append(Warning(kind if kind in ("core", "plugin") else "unknown",
                                   _str(w, "id", source, where), _str(w, "name", source, where),
                                   _str(w, "message", source, where), _str(w, "url", source, where),
                                   patterns))
    return uc


def load_update_center(source: str | None, *, core: str | None = None, timeout: float = 60.0) -> UpdateCenter:
    """The update center at ``source`` (URL or file; the public one when None)."""
    where = source or DEFAULT_URL
    return parse_update_center(_text(where, core, timeout), where)
