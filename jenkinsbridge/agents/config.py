"""The provisioner's configuration (agents.yaml): controller, pool and agent templates."""

from __future__ import annotations

import hashlib
import os
import socket
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from jenkinsbridge.errors import Problem, SpecError
from jenkinsbridge.spec import checks
from jenkinsbridge.spec.labels import parse_label_expression
from jenkinsbridge.spec.yamlpos import YamlProblem, load_yaml

__all__ = ["AgentTemplate", "AgentsConfig", "Mount", "PoolConfig", "load_agents_config"]


def _image(v: str) -> str:
    checks.check_image_reference(v)
    return v


def _label(v: str) -> str:
    if not v or any(c.isspace() or c in "&|!()<>\"'" for c in v):
        raise ValueError(f"{v!r} is not a label; a label is one word without operators")
    return v


def _name(v: str) -> str:
    if not v or not all(c.isalnum() or c in "-_" for c in v) or len(v) > 40:
        raise ValueError(f"{v!r} is not a template name; letters, digits, '-', '_' (at most 40)")
    return v


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Mount(_Model):
    source: str = Field(description="Host path or volume name")
    target: str = Field(pattern=r"^/")
    read_only: bool = True


class PullCredentials(_Model):
    username_env: str = "JB_REGISTRY_USERNAME"
    password_env: str = "JB_REGISTRY_PASSWORD"


class AgentTemplate(_Model):
    name: Annotated[str, AfterValidator(_name)]
    labels: list[Annotated[str, AfterValidator(_label)]] = Field(min_length=1)
    image: Annotated[str, AfterValidator(_image)]
    cpus: float | None = Field(None, gt=0)
    memory: Annotated[str, Field(pattern=r"^[0-9]+[bkmgBKMG]?$")] | None = None
    env: dict[str, str] = Field(default_factory=dict)
    mounts: list[Mount] = Field(default_factory=list)
    network: str | None = None
    pull: Literal["never", "missing", "always"] = "missing"
    pull_credentials: PullCredentials | None = None
    cap: int = Field(4, ge=1, le=1000)
    constraints: list[str] = Field(default_factory=list, description="Swarm placement constraints")
    privileged: bool = False
    allow_unsafe: bool = Field(False, description="Permit privileged, host network, docker.sock")
    remote_fs: str = "/home/jenkins/agent"
    user: str | None = None


class TlsPaths(_Model):
    ca: str
    cert: str
    key: str


class PoolConfig(_Model):
    type: Literal["engine", "swarm"] = "engine"
    endpoint: str | None = Field(None, description="Docker endpoint; DOCKER_HOST when unset")
    tls: TlsPaths | None = None


class JenkinsConfig(_Model):
    url: str | None = Field(None, description="Controller URL; JENKINS_URL when unset")
    user: str | None = None
    token_env: str = "JENKINS_TOKEN"
    agent_url: str | None = Field(None, description="URL agents use to reach the controller")


class AgentsConfig(_Model):
    version: Literal[1] = 1
    instance: str | None = Field(None, description="Owner id on our containers and nodes")
    jenkins: JenkinsConfig = Field(default_factory=JenkinsConfig)
    pool: PoolConfig = Field(default_factory=PoolConfig)
    poll_interval: float = Field(1.0, gt=0, le=60, description="Seconds between full passes (nodes, containers)")
    queue_poll: float = Field(0.25, gt=0, le=60, description="Seconds between reads of the build queue")
    max_agents: int = Field(10, ge=1, le=10000)
    connect_timeout: float = Field(120, gt=0, description="Seconds an agent may take to come online")
    max_age: float = Field(6 * 3600, gt=0, description="Containers older than this are reaped")
    grace: float = Field(60, ge=0, description="Seconds before the reaper removes an orphan")
    allowed_host_paths: list[str] = Field(default_factory=list)
    templates: list[AgentTemplate] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> AgentsConfig:
        names = [t.name for t in self.templates]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"template {dup[0]!r} is defined twice")
        return self

    @property
    def instance_id(self) -> str:
        if self.instance:
            return self.instance
        return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]

    def template_for(self, label_expression: str) -> AgentTemplate | None:
        """The first template whose labels satisfy the expression."""
        expr = parse_label_expression(label_expression)
        for t in self.templates:
            if expr.matches(set(t.labels)):
                return t
        return None


def load_agents_config(path: str | Path) -> AgentsConfig:
    """Read and validate agents.yaml; every problem as FILE:LINE:COL, exit code 2."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise SpecError([Problem(name, 1, 1, "", f"cannot read: {e}")]) from e
    try:
        loaded = load_yaml(text, name)
    except YamlProblem as e:
        raise SpecError([Problem(name, e.pos.line, e.pos.column, "", e.message)]) from None
    if not isinstance(loaded.data, dict):
        raise SpecError([Problem(name, 1, 1, "", "expected a mapping with templates")])
    try:
        return AgentsConfig.model_validate(loaded.data)
    except ValidationError as e:
        problems = []
        for err in e.errors(include_url=False):
            loc = tuple(p for p in err["loc"] if p != "[key]")
            pos = loaded.positions.locate(loc, key=err["type"] == "extra_forbidden")
            msg = str((err.get("ctx") or {}).get("error", err["msg"]))
            if err["type"] == "extra_forbidden":
                msg = f"unknown key {loc[-1]!r}"
            path_text = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc).replace(".[", "[")
            problems.append(Problem(name, pos.line, pos.column, path_text, msg))
        raise SpecError(problems) from None


def env_or(value: str | None, var: str) -> str | None:
    return value if value else os.environ.get(var)
