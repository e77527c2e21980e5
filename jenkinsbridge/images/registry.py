"""The registry's own HTTP API (distribution v2), spoken with ``requests``: check that
the registry answers, over which scheme, that it trusts our credentials, and read a
manifest's digest. Errors come out as RegistryAuthError, RegistryTLSError or
RegistryUnreachableError, each naming the registry and what to do.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests
import urllib3

from jenkinsbridge.errors import (
    RegistryAuthError,
    RegistryError,
    RegistryTLSError,
    RegistryUnreachableError,
)
from jenkinsbridge.images.credentials import Credentials
from jenkinsbridge.images.retry import Retry, with_retries
from jenkinsbridge.images.trust import TlsMaterial

__all__ = ["MANIFEST_ACCEPT", "RegistryAPI", "is_loopback", "split_host"]

log = logging.getLogger(__name__)

MANIFEST_ACCEPT = ", ".join([
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json",
])
# endpoints, filled with quoted arguments
PING = "/v2/"
MANIFEST = "/v2/{repository}/manifests/{reference}"

TIMEOUT = (10.0, 60.0)
_CHALLENGE_RE = re.compile(r'(\w+)="([^"]*)"')
_PLAIN_HTTP_SIGNS = ("wrong version number", "record layer failure", "packet length too long",
                     "http request", "unknown protocol")
_CLIENT_CERT_SIGNS = ("certificate required", "handshake failure", "bad certificate",
                      "alert unknown ca")


def split_host(registry: str) -> str:
    """The host of ``host[:port]`` (an IPv6 literal without its brackets)."""
    if registry.startswith("["):
        return registry[1:registry.index("]")]
    return registry.rsplit(":", 1)[0] if ":" in registry else registry


def is_loopback(registry: str, resolve: Callable[[str], list[str]] | None = None) -> bool:
    """True when every address of the registry's host is a loopback address."""
    host = split_host(registry)
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    lookup = resolve or (lambda h: [str(a[4][0]) for a in socket.getaddrinfo(h, None)])
    try:
        addresses = lookup(host)
    except OSError:
        return False
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


@dataclass
class RegistryAPI:
    """One registry, as seen from this machine. Call :meth:`connect` first."""

    registry: str
    tls: TlsMaterial = field(default_factory=TlsMaterial)
    credentials: Credentials | None = None
    insecure: bool = False
    retry: Retry = field(default_factory=Retry)
    credentials_hint: str = "set JB_REGISTRY_USERNAME and JB_REGISTRY_PASSWORD"
    on_retry: Callable[[str], None] | None = None
    scheme: str = "https"
    _verify: bool | str = field(default=True, init=False)
    _tokens: dict[str, str] = field(default_factory=dict, init=False, repr=False)
    _basic: bool = field(default=False, init=False, repr=False)  # Basic auth accepted: send it at once
    _http: requests.Session = field(default_factory=requests.Session, init=False, repr=False)

    def __post_init__(self) -> None:
        self._verify = str(self.tls.ca) if self.tls.ca else True

    def close(self) -> None:
        self._http.close()

    # --- the wire -----------------------------------------------------------------------
    def _url(self, path: str) -> str:
        if path.startswith(f"{self.scheme}://{self.registry}/"):  # a Location the registry gave
            return path
        return f"{self.scheme}://{self.registry}{path}"

    def _send(self, method: str, path: str, *, headers: dict[str, str] | None = None,
              auth: Any = None, url: str | None = None, data: dict[str, str] | bytes | None = None
              ) -> requests.Response:
        """One request; transport failures become the project's errors."""
        target = url or self._url(path)
        try:
            with warnings.catch_warnings():
                if self._verify is False:  # image.insecure: said once in connect(), not per request
                    warnings.simplefilter("ignore", urllib3.exceptions.InsecureRequestWarning)
                # verify and cert per request: a session's own value loses to REQUESTS_CA_BUNDLE
                r = self._http.request(method, target, headers=headers, auth=auth, data=data, timeout=TIMEOUT,
                                       verify=self._verify, cert=self.tls.client_pair,
                                       allow_redirects=True)
        except requests.exceptions.SSLError as e:
            raise self._tls_error(e) from e
        except (requests.ConnectionError, requests.Timeout) as e:
            raise RegistryUnreachableError(f"registry {self.registry} is not reachable: "
                                           f"{_reason(e)}", registry=self.registry) from e
        if r.status_code in (429, 500, 502, 503, 504):
            raise RegistryUnreachableError(f"registry {self.registry} answered HTTP {r.status_code}",
                                           registry=self.registry, retry_after=r.headers.get("Retry-After"))
        return r

    def _tls_error(self, e: Exception) -> RegistryError:
        text = _reason(e)
        low = text.lower()
        reg = self.registry
        if "certificate_verify_failed" in low or "certificate verify failed" in low:
            if "hostname mismatch" in low or "ip address mismatch" in low:
                return RegistryTLSError(f"TLS: the certificate of {reg} does not name {split_host(reg)} "
                                        "(subjectAltName); reissue it for this host", registry=reg)
            if self.tls.ca is None:
                return RegistryTLSError(
                    f"TLS: the certificate of {reg} is signed by a CA this machine does not trust; "
                    "give the registry's CA certificate (PEM) with image.ca in the spec or the "
                    f"JB_REGISTRY_CA environment variable ({low.split('certificate verify failed:')[-1].strip()})",
                    registry=reg)
            return RegistryTLSError(
                f"TLS: the certificate of {reg} is not signed by the CA {self.tls.ca} (from "
                f"{self.tls.ca_source}); give the CA that signed the registry's certificate",
                registry=reg)
        if any(s in low for s in _CLIENT_CERT_SIGNS) and self.tls.client_pair is None:
            return RegistryTLSError(
                f"TLS: {reg} asks for a client certificate; set JB_REGISTRY_CLIENT_CERT and "
                "JB_REGISTRY_CLIENT_KEY (PEM files)", registry=reg)
        if any(s in low for s in _CLIENT_CERT_SIGNS):
            return RegistryTLSError(f"TLS: {reg} refused the client certificate "
                                    f"{self.tls.client_cert}: {text}", registry=reg)
        return RegistryTLSError(f"TLS with {reg} failed: {text}", registry=reg)

    # --- auth ------------------------------------------------------------------------------
    def request(self, method: str, path: str, *, scope: str | None,
                headers: dict[str, str] | None = None, content: bytes | None = None) -> requests.Response:
        """One authorized request to ``path`` (or a Location the registry gave), with retries
        on transport errors and 429/5xx. The caller reads the status."""
        return with_retries(lambda: self._authorized(method, path, scope=scope, headers=headers, content=content),
                            self.retry, what=f"{method} {path.split('?')[0]}", on_retry=self.on_retry)

    def _authorized(self, method: str, path: str, *, scope: str | None,
                    headers: dict[str, str] | None = None, content: bytes | None = None) -> requests.Response:
        """Send, answer the registry's challenge (Basic or Bearer) and send again."""
        headers = dict(headers or {})
        token = self._tokens.get(scope or "")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        basic = (self.credentials.username, self.credentials.password) if (
            self._basic and self.credentials) else None
        r = self._send(method, path, headers=headers, auth=basic, data=content)
        if r.status_code != 401:
            return r
        challenge = r.headers.get("WWW-Authenticate", "")
        creds = self.credentials
        kind = challenge.split(" ", 1)[0].lower()
        if creds is None or (kind != "bearer" and not creds.password):
            raise RegistryAuthError(f"registry {self.registry} requires a login; {self.credentials_hint}",
                                    registry=self.registry)
        if kind == "bearer":
            headers["Authorization"] = f"Bearer {self._bearer(creds, challenge, scope)}"
            r = self._send(method, path, headers=headers, data=content)
        else:
            r = self._send(method, path, headers=headers, auth=(creds.username, creds.password), data=content)
            self._basic = r.status_code != 401
        if r.status_code == 401:
            raise self._refused()
        return r

    def _refused(self) -> RegistryAuthError:
        user = self.credentials.username if self.credentials else ""
        source = self.credentials.source if self.credentials else ""
        return RegistryAuthError(
            f"registry {self.registry} refused the login of user {user!r} (credentials from "
            f"{source}): wrong username or password", registry=self.registry)

    def _bearer(self, creds: Credentials, challenge: str, scope: str | None) -> str:
        """A token from the challenge's realm: Basic credentials, or an identity (refresh) token."""
        params = dict(_CHALLENGE_RE.findall(challenge))
        realm = params.pop("realm", "")
        if not realm.startswith(("https://", "http://")):
            raise RegistryAuthError(f"registry {self.registry} sent a token challenge without a realm",
                                    registry=self.registry)
        if scope:
            params["scope"] = scope
        if creds.identity_token:  # OAuth2 refresh token, as `docker login` stores for some registries
            form = {**params, "grant_type": "refresh_token", "refresh_token": creds.identity_token,
                    "client_id": "jenkinsbridge"}
            r = self._send("POST", "", url=realm, data=form)
        else:
            query = "&".join(f"{quote(k)}={quote(v)}" for k, v in params.items())
            r = self._send("GET", "", url=f"{realm}?{query}" if query else realm,
                           auth=(creds.username, creds.password))
        if r.status_code in (401, 403):
            raise self._refused()
        if r.status_code != 200:
            raise RegistryAuthError(f"token service {realm} answered HTTP {r.status_code}",
                                    registry=self.registry)
        body = r.json()
        token = body.get("token") or body.get("access_token")
        if not token:
            raise RegistryAuthError(f"token service {realm} gave no token", registry=self.registry)
        self._tokens[scope or ""] = str(token)
        return str(token)

    # --- operations -----------------------------------------------------------------------
    def connect(self, *, plain_http_allowed: Callable[[], str | None]) -> None:
        """Find the scheme (HTTPS; plain HTTP only where allowed), check TLS and the login.

        ``plain_http_allowed`` returns None when plain HTTP may be used, else the reason not.
        """
        def attempt() -> None:
            try:
                r = self._authorized("GET", PING, scope=None)
            except RegistryTLSError as e:
                if not self._speaks_plain_http(e):
                    if not self.insecure:
                        raise
                    log.warning("%s; image.insecure is set: not verifying the certificate", e)
                    self._verify = False
                    r = self._authorized("GET", PING, scope=None)
                else:
                    refusal = plain_http_allowed()
                    if refusal:
                        raise RegistryError(f"registry {self.registry} speaks plain HTTP only; {refusal}",
                                            registry=self.registry) from e
                    log.warning("registry %s speaks plain HTTP (allowed: loopback or "
                                "image.insecure)", self.registry)
                    self.scheme = "http"
                    r = self._authorized("GET", PING, scope=None)
            if r.status_code == 404:
                raise RegistryError(f"{self._url(PING)} answered 404: not a registry (no v2 API)",
                                    registry=self.registry)
            if r.status_code == 403:
                raise RegistryAuthError(f"registry {self.registry} denied access (HTTP 403) to "
                                        f"user {self.credentials.username if self.credentials else ''!r}",
                                        registry=self.registry)
            if r.status_code != 200:
                raise RegistryError(f"{self._url(PING)} answered HTTP {r.status_code}",
                                    registry=self.registry)

        with_retries(attempt, self.retry, what=f"connect to {self.registry}", on_retry=self.on_retry)
        log.debug("registry %s answers over %s", self.registry, self.scheme)

    def _speaks_plain_http(self, error: RegistryError) -> bool:
        if not any(s in str(error).lower() for s in _PLAIN_HTTP_SIGNS):
            return False
        try:
            r = requests.get(f"http://{self.registry}{PING}", timeout=TIMEOUT)
        except requests.RequestException:
            return False
        log.debug("%s answers plain HTTP (%s)", self.registry, r.status_code)
        return True

    def manifest_digest(self, repository: str, reference: str) -> str:
        """The digest the registry gives for ``repository:reference`` (HEAD, then GET)."""
        path = MANIFEST.format(repository=quote(repository, safe="/"), reference=quote(reference, safe=""))
        scope = f"repository:{repository}:pull"

        def ask(method: str) -> requests.Response:
            return with_retries(
                lambda: self._authorized(method, path, scope=scope, headers={"Accept": MANIFEST_ACCEPT}),
                self.retry, what=f"read {repository}:{reference}", on_retry=self.on_retry)

        r = ask("HEAD")
        digest = r.headers.get("Docker-Content-Digest")
        if r.status_code == 200 and not digest:
            r = ask("GET")
            digest = r.headers.get("Docker-Content-Digest")
        if r.status_code == 404:
            raise RegistryError(f"registry {self.registry} has no manifest {repository}:{reference}",
                                registry=self.registry)
        if r.status_code != 200 or not digest:
            raise RegistryError(f"registry {self.registry} answered HTTP {r.status_code} for the "
                                f"manifest {repository}:{reference}", registry=self.registry)
        return digest


def _reason(e: Exception) -> str:
    """The innermost useful text of a requests/urllib3 error."""
    text = str(e)
    for pattern in (r"\[SSL[^\]]*\][^(')\"]*", r"\[Errno [^\]]+\][^')\"]*",
                    r"(Connection refused|timed out|Name or service not known)"):
        m = re.search(pattern, text)
        if m:
            return m.group(0).strip().rstrip(".,")
    return text[:300]
