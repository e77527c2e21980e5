"""Agent templates from an agents CONFIG (the file `jenkinsbridge agents run` reads),
turned into what docker-plugin's cloud needs for Jenkins-side provisioning.

Read from CONFIG (other keys are left to the provisioner)::

    pool: {docker_host: unix:///var/run/docker.sock, tls_credentials: ID, max_agents: N}
    templates:
      - {name, label, image, cpus, memory: 2g, environment: {K: V}, mounts: [...],
         network, pull: always|never|missing, pull_credentials: ID, max_instances: N,
         user: jenkins, remote_fs: /home/jenkins/agent}
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from jenkinsbridge.errors import UsageError

__all__ = ["AgentTemplate", "AgentsConfig", "load_agents", "parse_agents"]

log = logging.getLogger(__name__)

_PULL = {"always": "PULL_ALWAYS", "never": "PULL_NEVER", "missing": "PULL_LATEST", "if-missing": "PULL_LATEST"}
_MEMORY = re.compile(r"^([0-9]+)([bkmg]?)$", re.IGNORECASE)
_MB = {"b": 1 / (1024 * 1024), "k": 1 / 1024, "m": 1, "g": 1024, "": 1 / (1024 * 1024)}
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class AgentTemplate:
    name: str
    label: str
    image: str
    user: str = "jenkins"
    remote_fs: str = "/home/jenkins/agent"
    memory_mb: int | None = None
    cpu_quota: int | None = None  # per cpu_period of 100000 microseconds
    environment: tuple[tuple[str, str], ...] = ()
    mounts: tuple[str, ...] = ()
    network: str | None = None
    pull_strategy: str = "PULL_LATEST"
    pull_credentials: str | None = None
    max_instances: int | None = None

    @property
    def environment_string(self) -> str:
        """docker-plugin's environmentsString: one NAME=value per line."""
        return "\n".join(f"{k}={v}" for k, v in self.environment)


@dataclass(frozen=True)
class AgentsConfig:
    docker_host: str
    tls_credentials: str | None
    max_agents: int | None
    templates: tuple[AgentTemplate, ...]


def load_agents(path: Path) -> AgentsConfig:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise UsageError(f"cannot read agents config {path}: {e.strerror}") from e
    except yaml.YAMLError as e:
        raise UsageError(f"{path}: not valid YAML: {e}") from e
    return parse_agents(data, str(path))


def _text(d: dict[str, Any], key: str, where: str, *, required: bool = False) -> str | None:
    value = d.get(key)
    if value is None:
        if required:
            raise UsageError(f"{where}: {key} is required")
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool) or not str(value).strip():
        raise UsageError(f"{where}: {key} must be text, e.g. {key}: value")
    if any(ord(c) < 0x20 for c in str(value)):
        raise UsageError(f"{where}: {key} contains a control character or line break")
    return str(value)


def _count(d: dict[str, Any], key: str, where: str) -> int | None:
    value = d.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise UsageError(f"{where}: {key} must be a whole number of at least 1")
    return value


def _template(t: Any, where: str) -> AgentTemplate:
    if not isinstance(t, dict):
        raise UsageError(f"{where}: a template is a mapping with label and image")
    label = _text(t, "label", where, required=True)
    image = _text(t, "image", where, required=True)
    assert label is not None and image is not None
    name = _text(t, "name", where) or re.sub(r"[^A-Za-z0-9._-]+", "-", label).strip("-") or "agent"
    memory_mb = None
    if t.get("memory") is not None:
        m = _MEMORY.match(str(t["memory"]))
        if not m:
            raise UsageError(f"{where}: memory {t['memory']!r} is not a size like 512m or 2g")
        memory_mb = max(4, int(int(m.group(1)) * _MB[m.group(2).lower()]))
    cpu_quota = None
    if t.get("cpus") is not None:
        cpus = t["cpus"]
        if isinstance(cpus, bool) or not isinstance(cpus, int | float) or cpus <= 0:
            raise UsageError(f"{where}: cpus must be a positive number, e.g. 1.5")
        cpu_quota = int(cpus * 100000)
    env = t.get("environment") or {}
    if not isinstance(env, dict):
        raise UsageError(f"{where}: environment must be a mapping NAME: value")
    for k, v in env.items():
        if not isinstance(k, str) or not _ENV_NAME.match(k):
            raise UsageError(f"{where}: environment name {k!r} is not a variable name")
        if "\n" in str(v) or "\r" in str(v):
            raise UsageError(f"{where}: environment {k} has a line break; docker-plugin takes one line per variable")
    mounts = t.get("mounts") or []
    if not isinstance(mounts, list) or not all(isinstance(m, str) and "\n" not in m for m in mounts):
        raise UsageError(f"{where}: mounts must be a list of docker --mount strings")
    pull = str(t.get("pull", "missing"))
    if pull not in _PULL:
        raise UsageError(f"{where}: pull {pull!r} is not one of always, never, missing")
    return AgentTemplate(
        name=name, label=label, image=image, user=_text(t, "user", where) or "jenkins",
        remote_fs=_text(t, "remote_fs", where) or "/home/jenkins/agent", memory_mb=memory_mb,
        cpu_quota=cpu_quota, environment=tuple((k, str(v)) for k, v in env.items()), mounts=tuple(mounts),
        network=_text(t, "network", where), pull_strategy=_PULL[pull],
        pull_credentials=_text(t, "pull_credentials", where), max_instances=_count(t, "max_instances", where),
    )


def parse_agents(data: Any, source: str = "agents config") -> AgentsConfig:
    if not isinstance(data, dict) or not isinstance(data.get("templates"), list) or not data["templates"]:
        raise UsageError(f"{source}: expected a mapping with a non-empty templates list")
    pool = data.get("pool") or {}
    if not isinstance(pool, dict):
        raise UsageError(f"{source}: pool must be a mapping (docker_host, tls_credentials, max_agents)")
    host = _text(pool, "docker_host", f"{source}: pool") or "unix:///var/run/docker.sock"
    if not re.match(r"^(unix|tcp)://", host):
        raise UsageError(f"{source}: pool: docker_host {host!r} must start with unix:// or tcp://")
    tls = _text(pool, "tls_credentials", f"{source}: pool")
    if host.startswith("tcp://") and not tls:
        raise UsageError(f"{source}: pool: a tcp:// docker_host needs tls_credentials (a client certificate ID)")
    templates = tuple(_template(t, f"{source}: templates[{i}]") for i, t in enumerate(data["templates"]))
    names = [t.name for t in templates]
    if len(set(names)) != len(names):
        raise UsageError(f"{source}: template names repeat ({', '.join(names)}); give each a name")
    ignored = sorted(set(data) - {"pool", "templates"})
    if ignored:
        log.debug("agents config keys left to the provisioner: %s", ", ".join(ignored))
    return AgentsConfig(docker_host=host, tls_credentials=tls,
                        max_agents=_count(pool, "max_agents", f"{source}: pool"), templates=templates)
