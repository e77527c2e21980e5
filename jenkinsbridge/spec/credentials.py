"""The credentials a job of the spec refers to (IDs only, never secrets): one walk over
the fields that hold a credentials ID, with the kind each must have. Sync checks them on
the controller; casc declares them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from jenkinsbridge.spec.models import Job

__all__ = ["CredentialRef", "credential_refs"]

_SCP_LIKE = re.compile(r"^[^/:]+@[^/:]+:")
_SSH_USER = re.compile(r"^(?:ssh://)?([A-Za-z0-9._-]+)@")


@dataclass(frozen=True)
class CredentialRef:
    id: str
    kind: str  # the JCasC symbol of the credential type
    use: str  # what uses it: "source", "image registry", "deploy <env>", "DingTalk webhook"
    username: str | None = None  # the user an SSH source URL names

    def where(self, job: Job) -> str:
        return f"{job.full_name} {self.use}"


def credential_refs(job: Job) -> list[CredentialRef]:
    """Every credentials ID ``job`` uses, in the order of its fields."""
    refs: list[CredentialRef] = []
    src = job.source
    if src.credentials:
        if src.url.startswith("ssh://") or _SCP_LIKE.match(src.url):
            m = _SSH_USER.match(src.url)
            refs.append(CredentialRef(src.credentials, "basicSSHUserPrivateKey", "source",
                                      m.group(1) if m else None))
        else:
            refs.append(CredentialRef(src.credentials, "usernamePassword", "source"))
    if src.server_credentials:
        refs.append(CredentialRef(src.server_credentials, "gitlabPersonalAccessToken", "GitLab server API"))
    if src.webhook_secret:
        refs.append(CredentialRef(src.webhook_secret, "string", "webhook secret"))
    if job.image is not None and job.image.credentials:
        refs.append(CredentialRef(job.image.credentials, "usernamePassword", "image registry"))
    refs += [CredentialRef(d.tls_credentials, "x509ClientCert", f"deploy {d.env}")
             for d in job.deploy if d.tls_credentials]
    if job.notify.dingtalk:
        refs.append(CredentialRef(job.notify.dingtalk, "string", "DingTalk webhook"))
    return refs
