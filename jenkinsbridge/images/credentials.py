"""Registry credentials: from JB_REGISTRY_USERNAME / JB_REGISTRY_PASSWORD (what
``withCredentials`` binds in a Jenkinsfile) or from a Docker credential helper.

They live in memory only: pushes pass them to the engine per call (the X-Registry-Auth
header of the push request); nothing is written to a config.json.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jenkinsbridge.errors import UsageError

__all__ = ["Credentials", "missing_credentials_hint", "resolve_credentials"]

log = logging.getLogger(__name__)

ENV_USER = "JB_REGISTRY_USERNAME"
ENV_PASSWORD = "JB_REGISTRY_PASSWORD"


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)
    source: str = ENV_USER
    identity_token: str | None = field(default=None, repr=False)

    def auth_config(self, registry: str) -> dict[str, str]:
        """The engine's auth config for one push (sent per call, never stored)."""
        if self.identity_token:
            return {"identitytoken": self.identity_token, "serveraddress": registry}
        return {"username": self.username, "password": self.password, "serveraddress": registry}


def _from_docker_config(registry: str) -> Credentials | None:
    """A credential helper (credsStore / credHelpers in the user's Docker config)."""
    from docker import auth

    try:
        config: Any = auth.load_config()
        store = config.get_credential_store(registry)
        found = config.resolve_authconfig(registry)
    except Exception as e:  # a broken helper must not hide the real problem
        log.warning("Docker credential helper for %s failed: %s", registry, e)
        return None
    if not found:
        return None
    source = f"docker-credential-{store}" if store else "the Docker config file"
    username = str(found.get("Username") or found.get("username") or "")
    password = str(found.get("Password") or found.get("password") or "")
    token = found.get("IdentityToken") or found.get("identitytoken")
    if not (username and password) and not token:
        return None
    log.debug("registry credentials for %s from %s", registry, source)
    return Credentials(username=username, password=password, source=source,
                       identity_token=str(token) if token else None)


def resolve_credentials(registry: str, env: Mapping[str, str]) -> Credentials | None:
    """Credentials for ``registry``: the environment first, then a credential helper."""
    user, password = env.get(ENV_USER), env.get(ENV_PASSWORD)
    if user and password:
        return Credentials(username=user, password=password, source=f"{ENV_USER}/{ENV_PASSWORD}")
    if user or password:
        have, lack = (ENV_USER, ENV_PASSWORD) if user else (ENV_PASSWORD, ENV_USER)
        raise UsageError(f"{have} is set but {lack} is not; set both (withCredentials with "
                         "usernamePassword binds both)")
    return _from_docker_config(registry)


def missing_credentials_hint(credentials_id: str | None) -> str:
    bind = (f"bind the Jenkins credential {credentials_id!r} (image.credentials) with "
            f"withCredentials to {ENV_USER} and {ENV_PASSWORD}" if credentials_id
            else f"set {ENV_USER} and {ENV_PASSWORD}")
    return f"{bind}, or configure a Docker credential helper for the registry"
