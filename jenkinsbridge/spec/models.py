"""The typed spec model: every field of a jenkinsbridge.yaml job.

Secrets never appear here: every secret is a Jenkins credentials ID (:data:`CredId`).
String fields refuse control characters, so what we render into XML and Groovy is
always representable.
"""

from __future__ import annotations

import itertools
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    create_model,
    field_validator,
    model_validator,
)

from jenkinsbridge.spec import checks
from jenkinsbridge.spec.checks import FieldProblem

__all__ = [
    "LANGUAGES",
    "Agent",
    "BlueGreen",
    "Coverage",
    "CredId",
    "Deploy",
    "Health",
    "Image",
    "Issues",
    "Job",
    "JobDefaults",
    "Keep",
    "Notify",
    "Parameter",
    "Quality",
    "Resources",
    "Rolling",
    "Source",
    "SpecDocument",
    "Stage",
    "Triggers",
]

LANGUAGES = ("java-maven", "java-gradle", "node", "php", "python", "go", "cpp")
Language = Literal["java-maven", "java-gradle", "node", "php", "python", "go", "cpp"]


def _line(value: str) -> str:
    checks.check_control_chars(value)
    checks.check_groovy_constant(value)
    return value


def _lines(value: str) -> str:
    checks.check_control_chars(value, multiline=True)
    checks.check_groovy_constant(value)
    return value


def _nonempty(value: str) -> str:
    if not value.strip():
        raise ValueError("empty value; give some text")
    return value


def _use(check: Any) -> Any:
    def run(value: str) -> str:
        checks.check_control_chars(value)
        check(value)
        return value

    return AfterValidator(run)


_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _env_name(value: str) -> str:
    if not _ENV_NAME.match(value):
        raise ValueError(f"{value!r} is not a variable name; use letters, digits and '_', "
                         "not starting with a digit")
    return value


def _own_env_name(value: str) -> str:
    """A variable of the build: names starting with JB_ are the ones jenkinsbridge sets."""
    if value.upper().startswith("JB_"):
        raise ValueError(f"{value!r} starts with JB_, which jenkinsbridge sets itself in the "
                         "pipeline; choose another name")
    return value


Text = Annotated[str, AfterValidator(_line)]
NonEmpty = Annotated[str, AfterValidator(_line), AfterValidator(_nonempty)]
MultiText = Annotated[str, AfterValidator(_lines), AfterValidator(_nonempty)]
CredId = Annotated[str, AfterValidator(checks.check_credentials_id_field)]
# check_cron returns None; an AfterValidator must hand the value back
Cron = Annotated[str, AfterValidator(_lines), AfterValidator(lambda v: checks.check_cron(v) or v)]
GitUrl = Annotated[str, _use(checks.check_git_url)]
LabelExpr = Annotated[str, _use(checks.check_label_expression)]
FolderPath = Annotated[str, _use(checks.check_folder_path)]
ItemName = Annotated[str, _use(checks.check_item_name)]
Registry = Annotated[str, _use(checks.check_registry)]
Repository = Annotated[str, _use(checks.check_repository)]
TagTemplate = Annotated[str, _use(checks.check_tag_template)]
ImageRef = Annotated[str, _use(checks.check_image_reference)]
Email = Annotated[str, _use(checks.check_email)]
DockerEndpoint = Annotated[str, _use(checks.check_docker_endpoint)]
EnvName = Annotated[str, AfterValidator(_env_name)]
BuildEnvName = Annotated[str, AfterValidator(_env_name), AfterValidator(_own_env_name)]
HealthPath = Annotated[str, _use(checks.check_health_path)]
Memory = Annotated[str, _use(checks.check_memory)]
Port = Annotated[int, Field(ge=1, le=65535)]
JAVA_INT_MAX = 2**31 - 1


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Source(_Model):
    url: GitUrl = Field(description="Repository URL: https://, ssh:// or git@host:org/repo.git")
    branch: NonEmpty = Field("main", description="Branch to build (a pattern for multibranch)")
    credentials: CredId | None = Field(None, description="Jenkins credentials ID for checkout")
    provider: Literal["github", "gitlab", "git"] = "git"
    server_credentials: CredId | None = Field(
        None, description="GitLab: credentials ID of a personal access token for the server's API "
        "(branch discovery, webhook management)")
    webhook_secret: CredId | None = Field(
        None, description="Credentials ID (secret text) of the webhook secret token; a GitLab "
        "server's webhookSecretCredentialsId")

    @field_validator("branch")
    @classmethod
    def _branch(cls, v: str) -> str:
        if any(c in v for c in " ~^:?[\\") or ".." in v or v.endswith((".lock", "/")):
            raise ValueError(f"{v!r} is not a git branch name; use a name like main or release/1.2 "
                             "(no spaces, no ~^:?[\\ and no '..')")
        return v


class Triggers(_Model):
    push: bool = Field(False, description="Build on push (GitHub or GitLab webhook)")
    poll: Cron | None = Field(None, description="SCM polling schedule, Jenkins cron syntax")
    cron: Cron | None = Field(None, description="Periodic build schedule, Jenkins cron syntax")


class Agent(_Model):
    label: LabelExpr | None = Field(
        None, description="Label expression the build binds to; the language's when unset")
    image: ImageRef | None = Field(None, description="Agent image for `jenkinsbridge run`")
    tools: LabelExpr | None = Field(
        None, description="Label of the agents that run the Image and Deploy stages (docker CLI and "
        "jenkinsbridge); jenkinsbridge-tools when unset")


class Issues(_Model):
    format: Literal["sarif", "checkstyle", "eslint", "phpstan", "clang-tidy", "go-vet", "java"] = Field(
        description="The lint report's format: sarif, checkstyle, eslint (json or checkstyle), phpstan "
        "(checkstyle), clang-tidy (its output), go-vet (file:line: message lines: go vet, staticcheck, "
        "golangci-lint text) or java (javac warnings, read from the build log when `report` is left out)")
    report: Text | None = Field(None, description="Lint report glob, published as issues (warnings-ng); "
                                "required except for java")

    @model_validator(mode="after")
    def _report_needed(self) -> Issues:
        if self.report is None and self.format != "java":
            raise ValueError(f"issues.report is required for format {self.format}; only java reads the build log")
        return self


class Coverage(_Model):
    format: Literal["cobertura", "jacoco", "go-cov"] = Field(
        description="cobertura (coverage.py, gcovr, Istanbul/c8, PHPUnit), jacoco or go-cov (go test -coverprofile)")
    report: Text = Field(description="Coverage report glob, published with recordCoverage")


class Quality(_Model):
    coverage: Annotated[float, Field(ge=0, le=100)] | None = Field(
        None, description="Line coverage (percent) below which the build fails")
    fail_on: Literal["low", "moderate", "high", "critical"] | None = Field(
        None, description="Add the language's dependency audit; advisories of this severity or "
        "higher fail it")


class Stage(_Model):
    name: NonEmpty = Field(description="The stage's name, unique in the job")
    run: MultiText = Field(description="Shell commands of the stage")
    junit: Text | None = Field(None, description="JUnit XML report glob")
    archive: Text | None = Field(None, description="Artifacts glob archived after the stage")
    issues: Issues | None = Field(None, description="A lint report the stage writes, published as issues")
    coverage: Coverage | None = Field(None, description="A coverage report the stage writes")
    needs: list[NonEmpty] = Field(default_factory=list, description="Stages that must finish first")


class Parameter(_Model):
    name: BuildEnvName
    type: Literal["string", "text", "boolean", "choice", "password"] = "string"
    default: Any = Field(None, description="Text, or true/false for a boolean parameter")
    choices: list[Text] = Field(default_factory=list)
    description: Text = ""

    @model_validator(mode="after")
    def _consistent(self) -> Parameter:
        if self.type == "choice" and not self.choices:
            raise FieldProblem("choices", "a choice parameter needs choices; list them, e.g. [dev, prod]")
        if self.type != "choice" and self.choices:
            raise FieldProblem("choices", "choices only go with type: choice; remove them or set the type")
        if self.type == "boolean" and self.default is not None and not isinstance(self.default, bool):
            raise FieldProblem("default", "a boolean parameter's default is true or false")
        if self.type == "password" and self.default not in (None, ""):
            raise FieldProblem("default", "a password parameter cannot have a default; secrets are "
                               "never rendered, bind a credential instead")
        if self.default is not None and not isinstance(self.default, str | bool):
            raise FieldProblem("default", f"default {self.default!r} is not text; quote it: \"{self.default}\"")
        if isinstance(self.default, str):
            checks.check_control_chars(self.default, multiline=self.type == "text")
        return self


class Image(_Model):
    registry: Registry = Field(description="Registry host[:port]")
    repository: Repository = Field(description="Repository path, e.g. acme/shop-api")
    dockerfile: Text = "Dockerfile"
    context: Text = "."
    tags: list[TagTemplate] = Field(
        default_factory=lambda: ["{short_commit}", "{build}"], min_length=1,
        description="Tag templates: {commit} {short_commit} {build} {branch} {version} or text",
    )
    credentials: CredId | None = Field(None, description="Jenkins credentials ID for the registry")
    ca: Text | None = Field(None, description="Path to the registry's CA certificate")
    build_args: dict[BuildEnvName, Text] = Field(default_factory=dict)
    target: Text | None = None
    insecure: bool = Field(False, description="Allow plain HTTP to a registry off loopback")
    protect: list[TagTemplate] = Field(default_factory=list, description="Tags image prune keeps besides latest")
    branches: list[NonEmpty] = Field(
        default_factory=list, description="Multibranch: branches (patterns) that build and push the "
        "image; the source branch, or the primary branch when that is a pattern")


class Health(_Model):
    path: HealthPath = "/"
    timeout: int = Field(60, ge=1, le=3600, description="Seconds to wait for healthy")
    interval: int = Field(2, ge=1, le=300)


class Rolling(_Model):
    batch: int = Field(1, ge=1, le=1000)
    delay: int = Field(5, ge=0, le=86400, description="Seconds between batches")


class BlueGreen(_Model):
    steps: list[Annotated[int, Field(ge=0, le=100)]] = Field(default_factory=lambda: [100])
    retire_after: int | None = Field(None, ge=0, le=604800,
                                     description="Seconds before the old color stops")
    step_delay: int = Field(2, ge=0, le=3600, description="Seconds each weight step holds")

    @field_validator("steps")
    @classmethod
    def _steps(cls, v: list[int]) -> list[int]:
        if not v or v[-1] != 100 or any(a >= b for a, b in itertools.pairwise(v)):
            raise ValueError("steps rise strictly and end at 100, e.g. [10, 50, 100]")
        return v


class Resources(_Model):
    cpus: float | None = Field(None, gt=0, le=1024, allow_inf_nan=False)
    memory: Memory | None = None


class Deploy(_Model):
    env: ItemName = Field(description="Environment name, e.g. staging")
    target: Literal["compose", "swarm"] = "compose"
    endpoint: DockerEndpoint | None = Field(None, description="Docker endpoint; local when unset")
    tls_credentials: CredId | None = None
    strategy: Literal["standard", "rolling", "blue-green"] = "standard"
    replicas: int = Field(1, ge=1, le=1000)
    port: Port = Field(8080, description="The container's port")
    publish: Port | None = Field(None, description="The host's port")
    health: Health = Field(default_factory=Health)
    approval: Text | None = Field(None, description="Users or groups who must approve")
    approval_timeout: int = Field(
        1440, ge=1, le=43200, description="Minutes an approval waits before the build is aborted")
    branches: list[NonEmpty] = Field(
        default_factory=list, description="Multibranch: branches (patterns) that deploy; as image.branches")
    compose_file: Text | None = Field(None, description="The user's compose template")
    app: ItemName | None = Field(None, description="Application name; the job name when unset")
    environment: dict[EnvName, Text] = Field(default_factory=dict)
    resources: Resources = Field(default_factory=Resources)
    rolling: Rolling = Field(default_factory=Rolling)
    blue_green: BlueGreen = Field(default_factory=BlueGreen)
    drain: int = Field(10, ge=0, le=600, description="Seconds in-flight requests get before a stop")
    bind: Annotated[str, Field(pattern=r"^[0-9a-fA-F.:]+$")] = Field(
        "0.0.0.0", description="Host address the router's published port binds to")
    router_base_image: ImageRef = Field(
        "debian:bookworm-slim", description="Base image of the nginx router (built on the engine)")
    labels: dict[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")], Text] = Field(
        default_factory=dict, description="Extra labels on everything the deploy creates")

    @model_validator(mode="after")
    def _tls(self) -> Deploy:
        if self.endpoint and self.endpoint.startswith("tcp://") and not self.tls_credentials:
            raise FieldProblem(
                "endpoint", "a tcp:// endpoint needs tls_credentials: the ID of the Jenkins "
                "credential holding the client certificate (or use ssh://)"
            )
        return self


Condition = Literal["success", "failure", "fixed", "unstable", "aborted", "always", "changed",
                    "regression"]


_DEFAULT_WHEN: tuple[Condition, ...] = ("failure", "fixed")


class Notify(_Model):
    email: list[Email] = Field(default_factory=list)
    dingtalk: CredId | None = Field(None, description="Credentials ID holding the webhook URL")
    when: list[Condition] = Field(default_factory=lambda: list(_DEFAULT_WHEN))


class Keep(_Model):
    builds: int | None = Field(None, ge=1, le=JAVA_INT_MAX, description="Jenkins holds it in a Java int")
    days: int | None = Field(None, ge=1, le=JAVA_INT_MAX)


class Job(_Model):
    name: ItemName = Field(description="The job's name, unique in its folder")
    folder: FolderPath | None = None
    description: Annotated[str, AfterValidator(_lines)] = ""
    language: Language
    version: NonEmpty | None = Field(None, description="Toolchain version; the language's default")
    type: Literal["pipeline", "multibranch"] = "pipeline"
    jenkinsfile: Literal["inline", "scm"] = Field(
        "inline", description="Put the rendered Jenkinsfile in config.xml, or read it from SCM")
    script_path: Text = "Jenkinsfile"
    source: Source
    triggers: Triggers = Field(default_factory=Triggers)
    agent: Agent = Field(default_factory=Agent)
    stages: list[Stage] | None = Field(None, description="Stages; the language's when unset")
    artifacts: Text | None = None
    image: Image | None = None
    deploy: list[Deploy] = Field(default_factory=list)
    notify: Notify = Field(default_factory=Notify)
    keep: Keep = Field(default_factory=Keep)
    quality: Quality = Field(default_factory=Quality)
    parameters: list[Parameter] = Field(default_factory=list)
    environment: dict[BuildEnvName, Text] = Field(default_factory=dict)
    timeout: int = Field(60, ge=1, le=10080, description="Build timeout in minutes")
    use_library: bool = Field(False, description="Call the jenkinsbridge shared library steps")
    views: list[ItemName] = Field(
        default_factory=list, description="List views (in the job's folder) that show this job")
    spec_file: Text = Field(
        "jenkinsbridge.yaml", description="Path of this spec in the repository, for deploy steps")

    @field_validator("version")
    @classmethod
    def _version(cls, v: str | None) -> str | None:
        if v is not None:
            checks.check_tool_version(v)
        return v

    @property
    def full_name(self) -> str:
        return f"{self.folder}/{self.name}" if self.folder else self.name


def _partial(model: type[BaseModel], name: str) -> type[BaseModel]:
    fields: dict[str, Any] = {
        k: (f.annotation | None, Field(None, description=f.description))  # type: ignore[operator]
        for k, f in model.model_fields.items() if k != "name"
    }
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


JobDefaults = _partial(Job, "JobDefaults")


class SpecDocument(_Model):
    """The whole file, for the JSON Schema. Loading goes through spec.loader."""

    version: Literal[1]
    defaults: JobDefaults | None = None  # type: ignore[valid-type]
    jobs: list[Job] = Field(min_length=1)
