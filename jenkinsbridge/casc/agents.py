"""The agent templates of agents.yaml as docker-plugin's cloud needs them.

agents.yaml has one parser, :func:`jenkinsbridge.agents.config.load_agents_config` (the
file `jenkinsbridge agents run` reads); this module only converts what it returns into
the values the JCasC template writes: one label string, a cap, memory in MB, a CPU
quota, ``--mount`` strings, a pull credentials ID.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jenkinsbridge.agents import config as agents_config
from jenkinsbridge.errors import UsageError

__all__ = ["AgentTemplate", "AgentsConfig", "from_config", "load_agents", "parse_agents"]

_PULL = {"always": "PULL_ALWAYS", "never": "PULL_NEVER", "missing": "PULL_LATEST"}
_MEMORY = re.compile(r"^([0-9]+)([bkmg]?)$", re.IGNORECASE)
_MB = {"b": 1 / (1024 * 1024), "k": 1 / 1024, "m": 1, "g": 1024, "": 1 / (1024 * 1024)}
DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock"


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


def _template(t: agents_config.AgentTemplate) -> AgentTemplate:
    memory_mb = None
    if t.memory is not None:
        m = _MEMORY.match(t.memory)
        assert m is not None  # the config's pattern
        memory_mb = max(4, int(int(m.group(1)) * _MB[m.group(2).lower()]))
    return AgentTemplate(
        name=t.name, label=" ".join(t.labels), image=t.image, user=t.user or "jenkins", remote_fs=t.remote_fs,
        memory_mb=memory_mb, cpu_quota=int(t.cpus * 100000) if t.cpus else None,
        environment=tuple(t.env.items()), mounts=tuple(m.as_docker_option() for m in t.mounts),
        network=t.network, pull_strategy=_PULL[t.pull],
        pull_credentials=t.pull_credentials.jenkins_id if t.pull_credentials else None,
        max_instances=t.cap if "cap" in t.model_fields_set else None,
    )


def from_config(config: agents_config.AgentsConfig, source: str = "agents config") -> AgentsConfig:
    host = config.pool.endpoint or DEFAULT_DOCKER_HOST
    if not re.match(r"^(unix|tcp)://", host):
        raise UsageError(f"{source}: pool: endpoint {host!r} must start with unix:// or tcp:// for docker-plugin")
    tls = config.pool.tls_credentials
    if host.startswith("tcp://") and not tls:
        raise UsageError(f"{source}: pool: a tcp:// endpoint needs tls_credentials (a client certificate ID)")
    return AgentsConfig(docker_host=host, tls_credentials=tls,
                        max_agents=config.max_agents if "max_agents" in config.model_fields_set else None,
                        templates=tuple(_template(t) for t in config.templates))


def load_agents(path: Path) -> AgentsConfig:
    """agents.yaml, read by the one parser, as a docker-plugin cloud."""
    return from_config(agents_config.load_agents_config(path), str(path))


def parse_agents(data: Any, source: str = "agents config") -> AgentsConfig:
    return from_config(agents_config.parse_agents_config(data, source), source)
