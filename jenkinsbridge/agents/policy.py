"""Security policy for agent templates: what a build container may not have unless the
template says `allow_unsafe: true` (and then with a warning)."""

from __future__ import annotations

import logging
import posixpath

from jenkinsbridge.agents.config import AgentsConfig, AgentTemplate
from jenkinsbridge.errors import UsageError

__all__ = ["check_templates", "template_risks"]

log = logging.getLogger(__name__)

_DOCKER_SOCKETS = ("/var/run/docker.sock", "/run/docker.sock")


def template_risks(template: AgentTemplate, allowed_host_paths: list[str]) -> list[str]:
    """What is unsafe about a template, one phrase each."""
    risks: list[str] = []
    if template.privileged:
        risks.append("privileged mode")
    if template.network == "host":
        risks.append("the host network")
    allowed = [posixpath.normpath(p) for p in allowed_host_paths]
    for m in template.mounts:
        if m.kind != "bind" or not m.source.startswith("/"):
            continue  # a named volume or tmpfs
        src = posixpath.normpath(m.source)
        if src in _DOCKER_SOCKETS or src.endswith("/docker.sock"):
            risks.append(f"the Docker socket ({m.source})")
        elif not any(src == a or src.startswith(a.rstrip("/") + "/") for a in allowed):
            risks.append(f"host path {m.source} outside allowed_host_paths")
    return risks


def check_templates(config: AgentsConfig) -> None:
    """Refuse unsafe templates (exit 2) unless they explicitly allow it; warn then."""
    for t in config.templates:
        risks = template_risks(t, config.allowed_host_paths)
        if not risks:
            continue
        if t.allow_unsafe:
            log.warning("template %s runs builds with %s (allow_unsafe: true)", t.name, ", ".join(risks))
            continue
        raise UsageError(
            f"template {t.name!r} asks for {', '.join(risks)}; refused for build containers "
            "(set allow_unsafe: true on the template to permit it)"
        )
