"""What config.xml says about triggers and branch sources, as tables.

Each entry names the XML element a Jenkins plugin reads (class name, ``plugin``
attribute) and its fields in the order the plugin writes them. The templates in
job_templates/xml/ only lay these out; values are XML-escaped there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from jenkinsbridge.spec.models import Job, Parameter

__all__ = [
    "GITLAB_COM",
    "GITLAB_PUSH_TRIGGER",
    "GITLAB_SECRET_TOKEN",
    "BranchSource",
    "GitLabServer",
    "ParameterXml",
    "ScanTrigger",
    "XmlElement",
    "branch_source",
    "gitlab_server",
    "has_gitlab_push_trigger",
    "job_parameters",
    "job_triggers",
    "scan_trigger",
]

Fields = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class XmlElement:
    tag: str
    plugin: str | None
    fields: Fields = ()
    trust: str | None = None


GITLAB_PUSH_TRIGGER = "com.dabsquared.gitlabjenkins.GitLabPushTrigger"
GITLAB_SECRET_TOKEN = "secretToken"  # GitLabPushTrigger.java: private volatile Secret secretToken


def has_gitlab_push_trigger(job: Job) -> bool:
    """A pipeline job built on GitLab push webhooks (gitlab-plugin's trigger)."""
    return job.type != "multibranch" and job.triggers.push and job.source.provider == "gitlab"


# GitLab push webhooks (gitlab-plugin): build on pushes to the job's branch only. The
# trigger's secretToken is not rendered: sync supplies it (jenkinsbridge/jenkins/pushsecret.py).
def _gitlab_push(job: Job) -> Fields:
    return (
        ("spec", ""),
        ("triggerOnPush", "true"),
        ("triggerToBranchDeleteRequest", "false"),
        ("triggerOnMergeRequest", "false"),
        ("triggerOnlyIfNewCommitsPushed", "false"),
        ("triggerOnPipelineEvent", "false"),
        ("triggerOnAcceptedMergeRequest", "false"),
        ("triggerOnClosedMergeRequest", "false"),
        ("triggerOnApprovedMergeRequest", "false"),
        ("triggerOpenMergeRequestOnPush", "never"),
        ("triggerOnNoteRequest", "false"),
        ("noteRegex", "Jenkins please retry a build"),
        ("ciSkip", "true"),
        ("skipWorkInProgressMergeRequest", "true"),
        ("setBuildDescription", "true"),
        ("branchFilterType", "NameBasedFilter"),
        ("includeBranchesSpec", job.source.branch),
        ("excludeBranchesSpec", ""),
        ("sourceBranchRegex", ""),
        ("targetBranchRegex", ""),
        ("pendingBuildName", ""),
        ("cancelPendingBuildsOnUpdate", "false"),
    )


@dataclass(frozen=True)
class _TriggerRow:
    """(spec key, condition on the job, XML class, plugin, fields)."""

    key: str
    applies: Callable[[Job], bool]
    tag: str
    plugin: str | None
    fields: Callable[[Job], Fields]


_TRIGGERS: tuple[_TriggerRow, ...] = (
    _TriggerRow("push", lambda j: j.triggers.push and j.source.provider == "github",
                "com.cloudbees.jenkins.GitHubPushTrigger", "github", lambda j: (("spec", ""),)),
    _TriggerRow("push", has_gitlab_push_trigger, GITLAB_PUSH_TRIGGER, "gitlab-plugin", _gitlab_push),
    _TriggerRow("poll", lambda j: bool(j.triggers.poll), "hudson.triggers.SCMTrigger", None,
                lambda j: (("spec", j.triggers.poll or ""), ("ignorePostCommitHooks", "false"))),
    _TriggerRow("cron", lambda j: bool(j.triggers.cron), "hudson.triggers.TimerTrigger", None,
                lambda j: (("spec", j.triggers.cron or ""),)),
)


def job_triggers(job: Job) -> list[XmlElement]:
    """The triggers of a pipeline job (PipelineTriggersJobProperty), in table order."""
    return [XmlElement(r.tag, r.plugin, r.fields(job)) for r in _TRIGGERS if r.applies(job)]


@dataclass(frozen=True)
class ParameterXml:
    tag: str
    name: str
    description: str
    fields: Fields  # after name and description
    choices: tuple[str, ...] = ()


def _default(p: Parameter) -> str:
    if p.type == "boolean":
        return "true" if p.default else "false"
    if p.type == "password":
        return ""  # never a secret in config.xml
    return str(p.default or "")


# parameter type -> (ParameterDefinition class, its fields after name and description)
_PARAMETERS: dict[str, tuple[str, Callable[[Parameter], Fields]]] = {
    "string": ("hudson.model.StringParameterDefinition",
               lambda p: (("defaultValue", _default(p)), ("trim", "false"))),
    "text": ("hudson.model.TextParameterDefinition",
             lambda p: (("defaultValue", _default(p)), ("trim", "false"))),
    "boolean": ("hudson.model.BooleanParameterDefinition", lambda p: (("defaultValue", _default(p)),)),
    "password": ("hudson.model.PasswordParameterDefinition", lambda p: (("defaultValue", ""),)),
    "choice": ("hudson.model.ChoiceParameterDefinition", lambda p: ()),
}


def job_parameters(job: Job) -> list[ParameterXml]:
    out = []
    for p in job.parameters:
        tag, fields = _PARAMETERS[p.type]
        out.append(ParameterXml(tag, p.name, p.description, fields(p), tuple(p.choices)))
    return out


@dataclass(frozen=True)
class ScanTrigger:
    spec: str
    interval: int  # milliseconds, as PeriodicFolderTrigger stores it


def scan_trigger(job: Job) -> ScanTrigger:
    """How often a multibranch project re-scans its repository.

    With `poll` the scan runs every 5 minutes (branch discovery replaces polling); with
    push webhooks or nothing, once a day as a safety net. Values are what
    PeriodicFolderTrigger derives from an interval of "5m" / "1d".
    """
    if job.triggers.poll:
        return ScanTrigger("* * * * *", 300_000)
    return ScanTrigger("H H/4 * * *", 86_400_000)


@dataclass(frozen=True)
class BranchSource:
    cls: str
    plugin: str
    fields: Fields
    traits: tuple[XmlElement, ...]
    change_requests: bool = field(default=False)


_SCP = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>.+)$")


def _host_and_path(url: str) -> tuple[str, str]:
    if "://" in url:
        parts = urlsplit(url)
        host, path = parts.hostname or "", parts.path
    else:
        m = _SCP.match(url)
        host, path = (m["host"], m["path"]) if m else ("", url)
    path = path.strip("/")
    return host, path.removesuffix(".git")


# The names pull/merge requests get as heads (github-branch-source PullRequestSCMHead,
# gitlab-branch-source MergeRequestSCMHead): scm-api's WildcardSCMHeadFilterTrait matches
# head names, so an include of only the branch would drop every PR and MR.
_CHANGE_HEADS = {"github": "PR-*", "gitlab": "MR-*"}


def _head_filter(job: Job) -> XmlElement:
    branch = job.source.branch
    change = _CHANGE_HEADS.get(job.source.provider)
    includes = f"{branch} {change}" if change and branch != "*" else branch
    return XmlElement("jenkins.scm.impl.trait.WildcardSCMHeadFilterTrait", "scm-api",
                      (("includes", includes), ("excludes", "")))


@dataclass(frozen=True)
class GitLabServer:
    """A GitLab server as gitlab-branch-source knows it (GitLabServer: name, serverUrl)."""

    name: str
    url: str


# gitlab-branch-source names the gitlab.com server it creates by itself "default"
GITLAB_COM = GitLabServer("default", "https://gitlab.com")


def gitlab_server(url: str) -> GitLabServer:
    """The GitLab server a repository URL lives on: gitlab.com is the plugin's "default"
    server; a self-hosted one is named after its host (and port)."""
    if "://" in url:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port if parts.scheme in ("http", "https") else None
        scheme = parts.scheme if parts.scheme in ("http", "https") else "https"
    else:
        host, port, scheme = _host_and_path(url)[0], None, "https"
    if host in ("gitlab.com", "www.gitlab.com"):
        return GITLAB_COM
    netloc = f"{host}:{port}" if port else host
    return GitLabServer(netloc, f"{scheme}://{netloc}")


def _source_id(job: Job) -> str:
    return f"jenkinsbridge-{job.full_name}"


def _git_source(job: Job) -> BranchSource:
    return BranchSource(
        "jenkins.plugins.git.GitSCMSource", "git",
        (("id", _source_id(job)), ("remote", job.source.url), ("credentialsId", job.source.credentials or "")),
        (XmlElement("jenkins.plugins.git.traits.BranchDiscoveryTrait", None), _head_filter(job)),
    )


_GH = "org.jenkinsci.plugins.github__branch__source."
_GH_TRUST = "org.jenkinsci.plugins.github_branch_source.ForkPullRequestDiscoveryTrait$TrustPermission"


def _github_source(job: Job) -> BranchSource:
    host, path = _host_and_path(job.source.url)
    owner, _, repo = path.rpartition("/")
    api = "https://api.github.com" if host in ("github.com", "www.github.com") else f"https://{host}/api/v3"
    return BranchSource(
        "org.jenkinsci.plugins.github_branch_source.GitHubSCMSource", "github-branch-source",
        (("id", _source_id(job)), ("apiUri", api), ("credentialsId", job.source.credentials or ""),
         ("repoOwner", owner), ("repository", repo), ("repositoryUrl", f"https://{host}/{path}")),
        (
            # strategy 1: branches that are not also pull requests; PRs merged with their target
            XmlElement(_GH + "BranchDiscoveryTrait", None, (("strategyId", "1"),)),
            XmlElement(_GH + "OriginPullRequestDiscoveryTrait", None, (("strategyId", "1"),)),
            XmlElement(_GH + "ForkPullRequestDiscoveryTrait", None, (("strategyId", "1"),), trust=_GH_TRUST),
            _head_filter(job),
        ),
        change_requests=True,
    )


_GL = "io.jenkins.plugins.gitlabbranchsource."


def _gitlab_source(job: Job) -> BranchSource:
    _host, path = _host_and_path(job.source.url)
    owner = path.rpartition("/")[0]
    return BranchSource(
        _GL + "GitLabSCMSource", "gitlab-branch-source",
        # serverName: the GitLab server of the source's host, as `jenkinsbridge casc` configures it
        (("id", _source_id(job)), ("serverName", gitlab_server(job.source.url).name), ("projectOwner", owner),
         ("projectPath", path), ("credentialsId", job.source.credentials or "")),
        (
            XmlElement(_GL + "BranchDiscoveryTrait", None, (("strategyId", "1"),)),
            XmlElement(_GL + "OriginMergeRequestDiscoveryTrait", None, (("strategyId", "1"),)),
            XmlElement(_GL + "ForkMergeRequestDiscoveryTrait", None, (("strategyId", "1"),),
                       trust=_GL + "ForkMergeRequestDiscoveryTrait$TrustPermission"),
            _head_filter(job),
        ),
        change_requests=True,
    )


# source.provider -> branch source of a multibranch project
_SOURCES: dict[str, Callable[[Job], BranchSource]] = {
    "git": _git_source,
    "github": _github_source,
    "gitlab": _gitlab_source,
}


def branch_source(job: Job) -> BranchSource:
    return _SOURCES[job.source.provider](job)
