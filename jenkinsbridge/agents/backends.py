"""Where agent containers run: one Docker engine (containers) or a Swarm (one single-task
service per build). Both speak the docker SDK and tag everything they create."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from jenkinsbridge.agents.config import AgentTemplate
from jenkinsbridge.errors import DockerOperationError, from_docker_error

__all__ = [
    "LABEL_CREATED",
    "LABEL_ITEM",
    "LABEL_NODE",
    "LABEL_OWNER",
    "LABEL_TEMPLATE",
    "Backend",
    "EngineBackend",
    "Launch",
    "RunningAgent",
    "SwarmBackend",
]

log = logging.getLogger(__name__)

LABEL_OWNER = "io.jenkinsbridge.agent.owner"
LABEL_TEMPLATE = "io.jenkinsbridge.agent.template"
LABEL_NODE = "io.jenkinsbridge.agent.node"
LABEL_ITEM = "io.jenkinsbridge.agent.queue-item"
LABEL_CREATED = "io.jenkinsbridge.agent.created-at"


@dataclass(frozen=True)
class Launch:
    """One agent to start: the node it serves and what the container gets."""

    node: str
    template: AgentTemplate
    env: dict[str, str]
    owner: str
    queue_item: int | None = None
    created_at: float = field(default_factory=time.time)

    def labels(self) -> dict[str, str]:
        return {
            LABEL_OWNER: self.owner,
            LABEL_TEMPLATE: self.template.name,
            LABEL_NODE: self.node,
            LABEL_ITEM: str(self.queue_item or ""),
            LABEL_CREATED: f"{self.created_at:.3f}",
        }


@dataclass(frozen=True)
class RunningAgent:
    node: str
    template: str
    owner: str
    created_at: float
    state: str  # running | exited | created | pending | ...
    ref: str  # container or service id
    item: int | None = None  # the queue item it was started for


class Backend(Protocol):
    def start(self, launch: Launch) -> str: ...

    def remove(self, node: str) -> bool: ...

    def list_ours(self, owner: str) -> list[RunningAgent]: ...


def _agent_from_labels(labels: dict[str, str], state: str, ref: str) -> RunningAgent:
    item = labels.get(LABEL_ITEM, "")
    try:
        created = float(labels.get(LABEL_CREATED, "0") or 0)
    except ValueError:
        created = 0.0  # unreadable: treated as old, so the reaper may take it
    return RunningAgent(
        node=labels.get(LABEL_NODE, ""), template=labels.get(LABEL_TEMPLATE, ""),
        owner=labels.get(LABEL_OWNER, ""), created_at=created, state=state, ref=ref,
        item=int(item) if item.isdigit() else None,
    )


def _memory_bytes(text: str | None) -> int | None:
    if not text:
        return None
    units = {"b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
    t = text.lower()
    if t[-1] in units:
        return int(t[:-1]) * units[t[-1]]
    return int(t)


class EngineBackend:
    """Plain containers on one engine; `auto_remove` is off so we can read exit state."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def start(self, launch: Launch) -> str:
        import docker.errors

        t = launch.template
        self._ensure_image(t)
        kwargs: dict[str, Any] = {
            "name": launch.node, "detach": True, "environment": {**t.env, **launch.env},
            "labels": launch.labels(), "privileged": t.privileged, "init": True,
            "mounts": [_mount(m) for m in t.mounts], "security_opt": ["no-new-privileges"],
        }
        if t.cpus:
            kwargs["nano_cpus"] = int(t.cpus * 1e9)
        if t.memory:
            kwargs["mem_limit"] = _memory_bytes(t.memory)
        if t.network:
            kwargs["network"] = t.network
        if t.user:
            kwargs["user"] = t.user
        try:
            c = self.client.containers.run(t.image, **kwargs)
        except docker.errors.DockerException as e:
            raise from_docker_error(e, action=f"start agent {launch.node}") from e
        return str(c.id)

    def _ensure_image(self, t: AgentTemplate) -> None:
        import docker.errors

        if t.pull == "never":
            return
        if t.pull == "missing":
            try:
                self.client.images.get(t.image)
                return
            except docker.errors.ImageNotFound:
                pass
        try:
            self.client.images.pull(t.image, auth_config=_pull_auth(t))
        except docker.errors.DockerException as e:
            raise from_docker_error(e, action=f"pull {t.image}") from e

    def remove(self, node: str) -> bool:
        import docker.errors

        try:
            self.client.api.remove_container(node, force=True, v=True)  # by name: one request
            return True
        except docker.errors.NotFound:
            return False
        except docker.errors.APIError as e:
            if e.status_code == 409:  # removal already in progress
                return True
            raise from_docker_error(e, action=f"remove agent {node}") from e

    def list_ours(self, owner: str) -> list[RunningAgent]:
        # one listing request, no per-container inspect (a container may vanish meanwhile)
        try:
            cs = self.client.api.containers(all=True, filters={"label": f"{LABEL_OWNER}={owner}"})
        except Exception as e:  # docker errors and the requests errors under them
            raise from_docker_error(e, action="list agent containers") from e
        return [_agent_from_labels(c.get("Labels") or {}, str(c.get("State", "")), str(c["Id"]))
                for c in cs]


class SwarmBackend:
    """One replicated service with one task per build, never restarted."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._logged_in: set[str] = set()

    def _login(self, t: AgentTemplate) -> None:
        """Pull credentials: log the client in once per template; docker sends the login
        with the service (X-Registry-Auth) so the nodes can pull."""
        import docker.auth
        import docker.errors

        auth = _pull_auth(t)
        if auth is None or t.name in self._logged_in:
            return
        registry, _ = docker.auth.resolve_repository_name(t.image)
        try:
            self.client.login(username=auth["username"], password=auth["password"], registry=registry)
        except docker.errors.DockerException as e:
            raise from_docker_error(e, action=f"log in to {registry} for template {t.name}") from e
        self._logged_in.add(t.name)

    def start(self, launch: Launch) -> str:
        import docker.errors
        from docker.types import Mount as DMount
        from docker.types import Resources, RestartPolicy, ServiceMode

        t = launch.template
        self._login(t)
        env = [f"{k}={v}" for k, v in {**t.env, **launch.env}.items()]
        resources = Resources(
            cpu_limit=int(t.cpus * 1e9) if t.cpus else None, mem_limit=_memory_bytes(t.memory)
        )
        mounts = [DMount(m.target, m.source or None, type=m.kind, read_only=m.read_only) for m in t.mounts]
        try:
            svc = self.client.services.create(
                t.image, name=launch.node, env=env, labels=launch.labels(),
                container_labels=launch.labels(), constraints=list(t.constraints) or None,
                restart_policy=RestartPolicy(condition="none"), mode=ServiceMode("replicated", 1),
                resources=resources, mounts=mounts, networks=[t.network] if t.network else None,
                user=t.user, init=True,
            )
        except docker.errors.DockerException as e:
            raise from_docker_error(e, action=f"start agent service {launch.node}") from e
        return str(svc.id)

    def remove(self, node: str) -> bool:
        import docker.errors

        try:
            self.client.api.remove_service(node)
            return True
        except docker.errors.NotFound:
            return False
        except docker.errors.APIError as e:
            raise from_docker_error(e, action=f"remove agent service {node}") from e

    def list_ours(self, owner: str) -> list[RunningAgent]:
        # two listing requests for all services, not one task request per service
        try:
            services = self.client.api.services(filters={"label": f"{LABEL_OWNER}={owner}"})
            ids = [str(s["ID"]) for s in services]
            tasks = self.client.api.tasks(filters={"service": ids}) if ids else []
        except Exception as e:  # docker errors and the requests errors under them
            raise from_docker_error(e, action="list agent services") from e
        state_of: dict[str, str] = {}
        for t in sorted(tasks, key=lambda t: str(t.get("CreatedAt", ""))):  # the newest wins
            state_of[str(t.get("ServiceID"))] = str((t.get("Status") or {}).get("State", "pending"))
        return [_agent_from_labels((s.get("Spec") or {}).get("Labels") or {},
                                   state_of.get(str(s["ID"]), "pending"), str(s["ID"]))
                for s in services]


def _mount(m: Any) -> Any:
    from docker.types import Mount as DMount

    return DMount(m.target, m.source or None, type=m.kind, read_only=m.read_only)


def _pull_auth(t: AgentTemplate) -> dict[str, str] | None:
    import os

    if t.pull_credentials is None:
        return None
    user = os.environ.get(t.pull_credentials.username_env)
    password = os.environ.get(t.pull_credentials.password_env)
    if not user or not password:
        raise DockerOperationError(
            f"template {t.name}: pull credentials missing; set {t.pull_credentials.username_env} "
            f"and {t.pull_credentials.password_env}"
        )
    return {"username": user, "password": password}
