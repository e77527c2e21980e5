"""The audit: which update-center warnings apply to the core and the installed plugins,
which plugins have newer releases, which the update center does not know."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jenkinsbridge.plugins.updatecenter import UpdateCenter, Warning, newer

__all__ = ["ActiveWarning", "AuditReport", "audit"]


@dataclass(frozen=True)
class ActiveWarning:
    warning: Warning
    component: str  # "core" or the plugin's name
    version: str

    def as_dict(self) -> dict[str, Any]:
        w = self.warning
        return {"id": w.id, "type": w.type, "name": self.component, "version": self.version,
                "message": w.message, "url": w.url}


@dataclass
class AuditReport:
    core: str
    warnings: list[ActiveWarning] = field(default_factory=list)
    outdated: list[tuple[str, str, str]] = field(default_factory=list)  # name, have, available
    core_update: str | None = None
    unknown: list[str] = field(default_factory=list)  # not in the update center
    unpinned: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.warnings

    def as_dict(self) -> dict[str, Any]:
        return {"core": self.core, "core_update": self.core_update,
                "warnings": [w.as_dict() for w in self.warnings],
                "outdated": [{"name": n, "version": have, "available": new} for n, have, new in self.outdated],
                "unknown": self.unknown, "unpinned": self.unpinned}


def audit(installed: dict[str, str], core: str, uc: UpdateCenter, *, unpinned: list[str] | None = None
          ) -> AuditReport:
    """``installed``: plugin name -> version; ``core``: the Jenkins version."""
    report = AuditReport(core=core, unpinned=list(unpinned or []))
    report.warnings += [ActiveWarning(w, "core", core) for w in uc.warnings_for("core", "core", core)]
    if uc.core and newer(uc.core, core):
        report.core_update = uc.core
    for name in sorted(installed):
        version = installed[name]
        report.warnings += [ActiveWarning(w, name, version) for w in uc.warnings_for("plugin", name, version)]
        release = uc.plugins.get(name)
        if release is None:
            report.unknown.append(name)
        elif newer(release.version, version):
            report.outdated.append((name, version, release.version))
    return report
