"""The credentials a spec refers to, with the kind each ID must have and the names of
the variables that will hold their secrets (never the secrets themselves)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from jenkinsbridge.errors import UsageError
from jenkinsbridge.spec.credentials import credential_refs
from jenkinsbridge.spec.loader import Spec

__all__ = ["KINDS", "CredentialNeed", "collect_credentials", "variable_prefix"]

# kind (the JCasC symbol) -> (what people call it, (attribute, variable suffix) pairs)
KINDS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "usernamePassword": ("a username with password", (("username", "USERNAME"), ("password", "PASSWORD"))),
    "basicSSHUserPrivateKey": ("an SSH private key", (("username", "USERNAME"), ("privateKey", "SSH_KEY"))),
    "string": ("a secret text", (("secret", "SECRET"),)),
    "gitlabPersonalAccessToken": ("a GitLab personal access token", (("token", "TOKEN"),)),
    "x509ClientCert": ("a Docker client certificate", (
        ("clientKeySecret", "CLIENT_KEY"), ("clientCertificate", "CLIENT_CERT"), ("serverCaCertificate", "SERVER_CA"))),
}


@dataclass(frozen=True)
class CredentialNeed:
    id: str
    kind: str
    used_by: tuple[str, ...]
    prefix: str
    default_username: str | None = None

    def var(self, attribute: str) -> str:
        """The variable (Docker secret file or environment name) for ``attribute``."""
        for attr, suffix in KINDS[self.kind][1]:
            if attr == attribute:
                return f"{self.prefix}_{suffix}"
        raise KeyError(f"{self.kind} has no attribute {attribute}")

    def variables(self) -> list[str]:
        return [f"{self.prefix}_{suffix}" for _, suffix in KINDS[self.kind][1]]

    @property
    def description(self) -> str:
        return "jenkinsbridge: " + ", ".join(self.used_by)


def variable_prefix(cred_id: str) -> str:
    """``registry-creds`` -> ``REGISTRY_CREDS`` (IDs are letters, digits, '.', '_', '-')."""
    prefix = re.sub(r"[^A-Za-z0-9]", "_", cred_id).upper()
    return prefix if prefix[:1].isalpha() or prefix[:1] == "_" else "_" + prefix


def collect_credentials(
    spec: Spec, extra: tuple[tuple[str, str, str], ...] = ()
) -> list[CredentialNeed]:
    """Every credentials ID of the spec (and ``extra`` (id, kind, where) triples) with its
    kind; bad input when one ID is used as two kinds or two IDs would share variable names."""
    seen: dict[str, tuple[str, list[str], str | None]] = {}

    def need(cred_id: str | None, kind: str, where: str, user: str | None = None) -> None:
        if not cred_id:
            return
        if cred_id in seen and seen[cred_id][0] != kind:
            first, uses, _ = seen[cred_id]
            raise UsageError(
                f"credentials ID {cred_id!r} is used as {KINDS[first][0]} ({uses[0]}) and as "
                f"{KINDS[kind][0]} ({where}); give each kind its own ID")
        entry = seen.setdefault(cred_id, (kind, [], user))
        entry[1].append(where)

    for job in sorted(spec.jobs, key=lambda j: j.full_name):
        for ref in credential_refs(job):
            need(ref.id, ref.kind, ref.where(job), ref.username)
    for cred_id, kind, where in extra:
        need(cred_id, kind, where)

    needs = [CredentialNeed(cid, kind, tuple(dict.fromkeys(uses)), variable_prefix(cid), user)
             for cid, (kind, uses, user) in sorted(seen.items())]
    by_prefix: dict[str, str] = {}
    for n in needs:
        other = by_prefix.setdefault(n.prefix, n.id)
        if other != n.id:
            raise UsageError(f"credentials IDs {other!r} and {n.id!r} would share the secret names "
                             f"{n.prefix}_*; rename one of them")
    return needs
