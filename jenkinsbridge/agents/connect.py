"""Connecting the agents commands: the controller and the Docker backend from config and environment."""

from __future__ import annotations

import os
from typing import Any

from jenkinsbridge.agents.backends import Backend, EngineBackend, SwarmBackend
from jenkinsbridge.agents.config import AgentsConfig
from jenkinsbridge.agents.controller import AgentController
from jenkinsbridge.errors import UsageError, from_docker_error

__all__ = ["make_backend", "make_controller"]


def make_controller(config: AgentsConfig) -> tuple[AgentController, str]:
    """The controller connection and the URL agents use to reach it."""
    url = config.jenkins.url or os.environ.get("JENKINS_URL")
    if not url:
        raise UsageError("no Jenkins URL: set jenkins.url in the config or JENKINS_URL")
    user = config.jenkins.user or os.environ.get("JENKINS_USER")
    token = os.environ.get(config.jenkins.token_env) or os.environ.get("JENKINS_TOKEN")
    return AgentController.connect(url, user, token), config.jenkins.agent_url or url


def make_docker_client(config: AgentsConfig) -> Any:
    import docker

    try:
        if config.pool.endpoint is None:
            return docker.from_env(timeout=120)
        tls: Any = False
        if config.pool.tls is not None:
            t = config.pool.tls
            tls = docker.tls.TLSConfig(client_cert=(t.cert, t.key), ca_cert=t.ca, verify=True)
        return docker.DockerClient(base_url=config.pool.endpoint, tls=tls, timeout=120)
    except docker.errors.DockerException as e:
        raise from_docker_error(e, action="connect to the agent pool") from e


def make_backend(config: AgentsConfig, client: Any | None = None) -> Backend:
    client = client or make_docker_client(config)
    if config.pool.type == "swarm":
        return SwarmBackend(client)
    return EngineBackend(client)
