"""Render the JCasC YAML a spec needs: its credentials IDs (secrets as ``${NAME}``
references), the jenkinsbridge shared library and, from an agents config, docker-plugin
clouds. The text comes from job_templates/casc/ through the one jinja environment and is
checked against :mod:`jenkinsbridge.casc.schema` before anyone sees it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import yaml
from jinja2 import TemplateError

from jenkinsbridge.casc.agents import AgentsConfig
from jenkinsbridge.casc.credentials import CredentialNeed, collect_credentials
from jenkinsbridge.casc.schema import check_casc
from jenkinsbridge.errors import RenderError, UsageError
from jenkinsbridge.render.environment import environment
from jenkinsbridge.render.jobxml import gitlab_server
from jenkinsbridge.spec.loader import Spec

__all__ = ["DEFAULT_LIBRARY_REMOTE", "CascResult", "GitLabServerConfig", "LibrarySource", "gitlab_servers",
           "render_casc"]

log = logging.getLogger(__name__)

TEMPLATE = "casc/jenkinsbridge.yaml.j2"
# Where the controller image keeps a git repository of the shared library.
DEFAULT_LIBRARY_REMOTE = "/usr/share/jenkinsbridge/shared-library"
DEFAULT_LIBRARY_VERSION = "main"


@dataclass(frozen=True)
class LibrarySource:
    """The global shared library; remote and version default to JCasC variables
    JB_LIBRARY_REMOTE and JB_LIBRARY_VERSION (with the controller image's defaults)."""

    name: str = "jenkinsbridge"
    remote: str | None = None
    version: str | None = None
    credentials: str | None = None


@dataclass(frozen=True)
class GitLabServerConfig:
    name: str
    url: str
    credentials: str | None  # personal access token: API access and webhook management
    webhook_secret: str | None


def gitlab_servers(spec: Spec) -> list[GitLabServerConfig]:
    """The GitLab servers the spec's multibranch GitLab sources live on (gitlab-branch-source's
    ``gitLabServers``; JCasC replaces the whole list, so gitlab.com's "default" server is
    listed too when a job uses it). A server has one token and one webhook secret: bad
    input when two jobs name different ones."""
    seen: dict[str, tuple[str, dict[str, dict[str, str]]]] = {}  # name -> (url, field -> {id: job})
    for job in sorted(spec.jobs, key=lambda j: j.full_name):
        if job.source.provider != "gitlab" or job.type != "multibranch":
            continue  # a pipeline job's push trigger is gitlab-plugin's, which has its own connection
        server = gitlab_server(job.source.url)
        _, ids = seen.setdefault(server.name, (server.url, {"server_credentials": {}, "webhook_secret": {}}))
        for field, chosen in ids.items():
            value = getattr(job.source, field)
            if value:
                chosen.setdefault(value, job.full_name)
            if len(chosen) > 1:
                (a, ja), (b, jb) = list(chosen.items())[:2]
                raise UsageError(f"jobs {ja} and {jb} name different source.{field} ({a!r}, {b!r}) for "
                                 f"GitLab server {server.name}; a server has one, use the same ID")
    return [GitLabServerConfig(name, url, next(iter(ids["server_credentials"]), None),
                               next(iter(ids["webhook_secret"]), None))
            for name, (url, ids) in sorted(seen.items())]


@dataclass(frozen=True)
class CascResult:
    text: str
    credentials: tuple[CredentialNeed, ...]
    variables: tuple[str, ...]  # the secret names to provide, sorted


def render_casc(spec: Spec, *, agents: AgentsConfig | None = None,
                library: LibrarySource | None = LibrarySource(), cloud_name: str = "jenkinsbridge") -> CascResult:
    extra: list[tuple[str, str, str]] = []
    if agents is not None:
        if agents.tls_credentials:
            extra.append((agents.tls_credentials, "x509ClientCert", "agents pool"))
        for t in agents.templates:
            if t.pull_credentials:
                extra.append((t.pull_credentials, "usernamePassword", f"agent template {t.name} pulls"))
    if library is not None and library.credentials:
        extra.append((library.credentials, "usernamePassword", "shared library checkout"))
    creds = collect_credentials(spec, tuple(extra))
    context = {
        "gitlab_servers": gitlab_servers(spec),
        "credentials": creds, "agents": agents, "library": library, "cloud_name": cloud_name,
        "default_remote": DEFAULT_LIBRARY_REMOTE, "default_version": DEFAULT_LIBRARY_VERSION,
    }
    try:
        text = environment().get_template(TEMPLATE).render(context)
    except RenderError:
        raise
    except TemplateError as e:
        raise RenderError(f"rendering {TEMPLATE}: {e}") from e
    problems = check_casc(yaml.safe_load(text) or {})
    if problems:
        raise RenderError(f"{TEMPLATE} gave JCasC that plugins would refuse: {'; '.join(problems[:5])}")
    variables = sorted({v for c in creds for v in c.variables()})
    log.debug("casc: %d credential(s), %d secret name(s)", len(creds), len(variables))
    return CascResult(text=text, credentials=tuple(creds), variables=tuple(variables))
