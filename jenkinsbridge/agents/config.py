"""agents.yaml: controller, pool and agent templates. The one parser of that file.

`jenkinsbridge agents run` and `jenkinsbridge casc --agents` both read it through
:func:`load_agents_config` (casc turns the templates into a docker-plugin cloud, see
``jenkinsbridge/casc/agents.py``). Keys of the docker-plugin form are accepted as
synonyms: a template's ``label`` (space-separated labels) for ``labels``,
``max_instances`` for ``cap``, ``environment`` for ``env``, a docker ``--mount`` string for
a mount, a credentials ID string for ``pull_credentials``; the pool's ``docker_host`` for
``endpoint`` and ``max_agents`` for the top-level ``max_agents``.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from jenkinsbridge.errors import Problem, SpecError
from jenkinsbridge.spec import checks
from jenkinsbridge.spec.labels import parse_label_expression
from jenkinsbridge.spec.yamlpos import YamlProblem, load_yaml

__all__ = ["AgentTemplate", "AgentsConfig", "Mount", "PoolConfig", "PullCredentials", "load_agents_config",
           "parse_agents_config"]


def _image(v: str) -> str:
    checks.check_image_reference(v)
    return v


def _label(v: str) -> str:
    if not v or any(c.isspace() or c in "&|!()<>\"'" for c in v):
        raise ValueError(f"{v!r} is not a label; a label is one word without operators")
    return v


def _name(v: str) -> str:
    # container and node names allow [A-Za-z0-9_.-]; a version such as python-3.13 names a template
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,39}", v):
        raise ValueError(f"{v!r} is not a template name; a letter or digit, then letters, digits, "
                         "'-', '_', '.' (at most 40)")
    return v


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


_MOUNT_KEYS = {"type": "type", "source": "source", "src": "source", "target": "target", "destination": "target",
               "dst": "target", "readonly": "read_only", "ro": "read_only"}
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def mount_from_string(text: str) -> dict[str, Any]:
    """A docker ``--mount`` string (``type=bind,source=/a,target=/b,readonly``) as Mount fields."""
    out: dict[str, Any] = {"read_only": False}
    for part in text.split(","):
        key, eq, value = part.strip().partition("=")
        field = _MOUNT_KEYS.get(key.strip())
        if field is None:
            raise ValueError(f"{key.strip()!r} in mount {text!r} is not one of type, source, target, readonly")
        if field == "read_only":
            out[field] = value.strip().lower() in ("", "1", "true") if eq else True
        else:
            out[field] = value.strip()
    return out


class Mount(_Model):
    type: Literal["bind", "volume", "tmpfs"] | None = None
    source: str = Field("", description="Host path or volume name (none for tmpfs)")
    target: str = Field(pattern=r"^/")
    read_only: bool = True

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        return mount_from_string(data) if isinstance(data, str) else data

    @model_validator(mode="after")
    def _check(self) -> Mount:
        if not self.source and self.kind != "tmpfs":
            raise ValueError("a bind or volume mount needs a source")
        if any(c in self.source + self.target for c in ",\n\r"):
            raise ValueError("a mount's source and target cannot hold commas or line breaks")
        return self

    @property
    def kind(self) -> Literal["bind", "volume", "tmpfs"]:
        return self.type or ("bind" if self.source.startswith("/") else "volume")

    def as_docker_option(self) -> str:
        """The ``--mount`` string docker-plugin's template takes."""
        parts = [f"type={self.kind}"] + ([f"source={self.source}"] if self.source else [])
        return ",".join([*parts, f"destination={self.target}"] + (["readonly"] if self.read_only else []))


class PullCredentials(_Model):
    username_env: str = "JB_REGISTRY_USERNAME"
    password_env: str = "JB_REGISTRY_PASSWORD"
    jenkins_id: str | None = Field(None, description="Jenkins credentials ID (docker-plugin's cloud)")

    @model_validator(mode="before")
    @classmethod
    def _from_id(cls, data: Any) -> Any:
        return {"jenkins_id": data} if isinstance(data, str) else data


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

    @model_validator(mode="before")
    @classmethod
    def _synonyms(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for old, new in (("max_instances", "cap"), ("environment", "env")):
            if old in data:
                if new in data:
                    raise ValueError(f"give {new} or {old}, not both")
                data[new] = data.pop(old)
        if "label" in data:
            if "labels" in data:
                raise ValueError("give labels (a list) or label (space-separated), not both")
            label = data.pop("label")
            data["labels"] = label.split() if isinstance(label, str) else label
        if "name" not in data and isinstance(data.get("labels"), list) and data["labels"]:
            data["name"] = re.sub(r"[^A-Za-z0-9_-]+", "-", str(data["labels"][0])).strip("-")[:40] or "agent"
        return data

    @model_validator(mode="after")
    def _check_env(self) -> AgentTemplate:
        for k, v in self.env.items():
            if not _ENV_NAME.match(k):
                raise ValueError(f"env name {k!r} is not a variable name")
            if "\n" in v or "\r" in v:
                raise ValueError(f"env {k} has a line break")
        return self


class TlsPaths(_Model):
    ca: str
    cert: str
    key: str


class PoolConfig(_Model):
    type: Literal["engine", "swarm"] = "engine"
    endpoint: str | None = Field(None, description="Docker endpoint; DOCKER_HOST when unset")
    tls: TlsPaths | None = None
    tls_credentials: str | None = Field(None, description="Jenkins credentials ID of the client certificate "
                                                          "(docker-plugin's cloud)")

    @model_validator(mode="before")
    @classmethod
    def _synonyms(cls, data: Any) -> Any:
        if isinstance(data, dict) and "docker_host" in data:
            data = dict(data)
            if "endpoint" in data:
                raise ValueError("give endpoint or docker_host, not both")
            data["endpoint"] = data.pop("docker_host")
        return data


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

    @model_validator(mode="before")
    @classmethod
    def _pool_max_agents(cls, data: Any) -> Any:
        pool = data.get("pool") if isinstance(data, dict) else None
        if isinstance(pool, dict) and "max_agents" in pool:
            if "max_agents" in data:
                raise ValueError("give max_agents once (top level), not also in pool")
            data = {**data, "pool": {k: v for k, v in pool.items() if k != "max_agents"},
                    "max_agents": pool["max_agents"]}
        return data

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
    return parse_agents_config(loaded.data, name, loaded.positions)


def parse_agents_config(data: Any, name: str = "agents.yaml", positions: Any = None) -> AgentsConfig:
    """Validate parsed agents.yaml data; every problem with its place, exit code 2."""
    if not isinstance(data, dict):
        raise SpecError([Problem(name, 1, 1, "", "expected a mapping with templates")])
    try:
        return AgentsConfig.model_validate(data)
    except ValidationError as e:
        problems = []
        for err in e.errors(include_url=False):
            loc = tuple(p for p in err["loc"] if p != "[key]")
            pos = positions.locate(loc, key=err["type"] == "extra_forbidden") if positions is not None else None
            line, column = (pos.line, pos.column) if pos is not None else (1, 1)
            msg = str((err.get("ctx") or {}).get("error", err["msg"]))
            if err["type"] == "extra_forbidden":
                msg = f"unknown key {loc[-1]!r}"
            path_text = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in loc).replace(".[", "[")
            problems.append(Problem(name, line, column, path_text, msg))
        raise SpecError(problems) from None


def env_or(value: str | None, var: str) -> str | None:
    return value if value else os.environ.get(var)
