"""The upgrade plan: new pins that clear the active plugin warnings.

A plugin with a warning moves to the update center's release (the only release whose
``requiredCore`` and dependencies the data describes), refused when that release needs
a newer core than the controller's or is affected itself. Then dependencies settle,
transitively: for every plugin whose pin is the update center's release, each required
dependency (and each optional one that is installed) must be pinned at least at the
highest version any of them requires; a dependency below that moves to its update-center
release, under the same core rule, until nothing changes. A refusal anywhere in that
chain leaves the warned plugin as it was and says why. Core warnings need a newer
controller image; the plan names them and changes nothing for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jenkinsbridge.plugins.audit import ActiveWarning, audit
from jenkinsbridge.plugins.updatecenter import UpdateCenter, newer

__all__ = ["UpgradePlan", "plan_upgrade"]


class _Refused(Exception):
    pass


@dataclass
class UpgradePlan:
    core: str
    versions: dict[str, str]  # the new pins, all of them
    changed: dict[str, tuple[str | None, str]] = field(default_factory=dict)  # name -> (old, new)
    cleared: list[ActiveWarning] = field(default_factory=list)
    uncleared: list[tuple[ActiveWarning, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.uncleared

    def as_dict(self) -> dict[str, Any]:
        return {"core": self.core,
                "changed": [{"name": n, "from": old, "to": new} for n, (old, new) in sorted(self.changed.items())],
                "cleared": [w.as_dict() for w in self.cleared],
                "uncleared": [{**w.as_dict(), "why": why} for w, why in self.uncleared]}


def _release(uc: UpdateCenter, name: str, core: str, needed_by: str) -> str:
    rel = uc.plugins.get(name)
    if rel is None:
        raise _Refused(f"{needed_by}: {name} is not in the update center")
    if rel.required_core and newer(rel.required_core, core):
        raise _Refused(f"{needed_by}: {name} {rel.version} needs Jenkins {rel.required_core}, "
                       f"the controller image has {core}")
    if uc.warnings_for("plugin", name, rel.version):
        raise _Refused(f"{needed_by}: the update center's {name} {rel.version} is affected too")
    return rel.version


def _settle(pins: dict[str, str], core: str, uc: UpdateCenter) -> None:
    for _ in range(len(uc.plugins) + 1):
        needs: dict[str, tuple[str, str]] = {}  # dependency -> (highest minimum, who needs it)
        for name, version in pins.items():
            rel = uc.plugins.get(name)
            if rel is None or rel.version != version:
                continue  # its dependencies are not described; its pins stand as they are
            wanted = {**{d: m for d, m in rel.optional.items() if d in pins}, **rel.dependencies}
            for dep, minimum in wanted.items():
                if dep not in needs or newer(minimum, needs[dep][0]):
                    needs[dep] = (minimum, f"{name} {version}")
        changed = False
        for dep, (minimum, by) in sorted(needs.items()):
            have = pins.get(dep)
            if have is not None and not newer(minimum, have):
                continue
            version = _release(uc, dep, core, f"{by} needs {dep} {minimum}")
            if newer(minimum, version):
                raise _Refused(f"{by} needs {dep} {minimum}, newer than the update center's {version}")
            pins[dep] = version
            changed = True
        if not changed:
            return
    raise _Refused("dependencies did not settle")


def plan_upgrade(pinned: dict[str, str], core: str, uc: UpdateCenter) -> UpgradePlan:
    pins = dict(pinned)
    found = audit(pinned, core, uc).warnings
    plan = UpgradePlan(core=core, versions=pins)
    for aw in found:
        if aw.warning.type == "core":
            fix = f"; the update center offers {uc.core}" if uc.core else ""
            plan.uncleared.append((aw, f"a core warning: build the controller from a newer Jenkins{fix}"))
            continue
        attempt = dict(pins)
        try:
            attempt[aw.component] = _release(uc, aw.component, core, aw.warning.id)
            _settle(attempt, core, uc)
        except _Refused as e:
            plan.uncleared.append((aw, str(e)))
            continue
        pins.clear()
        pins.update(attempt)
    remaining = {(w.warning.id, w.component) for w in audit(pins, core, uc).warnings}
    plan.cleared = [w for w in found if (w.warning.id, w.component) not in remaining]
    plan.uncleared = [(w, why) for w, why in plan.uncleared if (w.warning.id, w.component) in remaining]
    plan.changed = {n: (pinned.get(n), v) for n, v in pins.items() if pinned.get(n) != v}
    return plan
