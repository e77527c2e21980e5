"""The wire layer: one method per Jenkins endpoint, strings and dicts in and out.

Every request goes through python-jenkins's public interface: ``Jenkins.jenkins_request``
(its authentication, session and crumb handling; ``Jenkins.crumb`` holds the crumb), on a
``Jenkins`` also available as ``.pj`` for callers that want python-jenkins's own API. Its
session keeps the web-session cookie a crumb is bound to. A response hook (part of the
``requests.Request`` we hand over) keeps the answer, so a refusal is mapped with its
status, headers and body, and stops at a redirect (doDelete answers 302 to an HTML page
we never need). On top it adds what a sync of many items needs:

- crumbs: fetched once, only when a POST needs one (an API token is exempt from CSRF
  protection since Jenkins 2.96; a password session is not), and fetched again when
  Jenkins says "No valid crumb" (the session expired);
- retries with exponential backoff on 502/503/504, connection resets and timeouts,
  for idempotent requests only (GET, a config.xml POST, doDelete); while the controller
  restarts (connection refused, or 503 while it starts up) retries go on for up to
  ``outage`` seconds, not just ``retries`` times;
- a timeout on every request;
- every failure mapped into :mod:`jenkinsbridge.errors`, with the permission a 403 lacks.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import jenkins
import requests

from jenkinsbridge.errors import JenkinsApiError, JenkinsUnreachableError
from jenkinsbridge.jenkins import endpoints as ep
from jenkinsbridge.jenkins.httperrors import from_http_error
from jenkinsbridge.retry import Retry, retry

__all__ = ["RETRY_STATUSES", "JenkinsWire"]

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({502, 503, 504})
_MAX_ATTEMPTS = 64  # the outage window is bounded in time and in count
_API_TOKEN = re.compile(r"(11)?[0-9a-f]{32}")
_XML = {"Content-Type": "application/xml; charset=utf-8"}


class _HttpFailure(Exception):
    def __init__(self, response: requests.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


class _Refused(JenkinsUnreachableError):
    """Nothing listens (connection refused): the controller is down or restarting; the
    request never reached it."""


def _transient(e: BaseException, idempotent: bool) -> bool:
    """502/503/504, resets and timeouts for idempotent requests only; a refused
    connection never reached Jenkins: even a create may be sent again."""
    if isinstance(e, _HttpFailure):
        return idempotent and e.response.status_code in RETRY_STATUSES
    return isinstance(e, _Refused) or (idempotent and isinstance(e, JenkinsUnreachableError))


def _retry_after(e: BaseException) -> str | None:
    return e.response.headers.get("Retry-After") if isinstance(e, _HttpFailure) else None


class _Redirected(Exception):
    """Raised by the response hook at a redirect: its answer is the answer."""

    def __init__(self, response: requests.Response) -> None:
        super().__init__(response.status_code)
        self.response = response


class JenkinsWire:
    """Speaks Jenkins's REST API. Thread-safe: parallel writers share one instance."""

    def __init__(
        self, url: str, user: str | None = None, token: str | None = None, *,
        timeout: float = 30.0, retries: int = 4, backoff: float = 0.5, pool_size: int = 16,
        sleep: Callable[[float], None] = time.sleep, outage: float = 120.0,
    ) -> None:
        self.url = url if url.endswith("/") else url + "/"
        # retries=0: retrying is decided here, per request, by whether it is safe
        self.pj = jenkins.Jenkins(self.url, user, token, timeout=timeout, retries=0)
        self.timeout = timeout
        self.pool_size = pool_size  # python-jenkins keeps up to 10 connections per host
        self.retries = retries
        self.outage = outage
        self.backoff = backoff
        # exponential from ``backoff`` up to 8 s, each wait in [50%, 100%] of that
        self.policy = Retry(attempts=retries + 1, delay=backoff, max_delay=8.0, jitter=0.5)
        self._sleep = sleep
        # python-jenkins's crumb: None not known yet, False none needed, else the issuer's answer
        if token and _API_TOKEN.fullmatch(token):
            self.pj.crumb = False
        self._lock = threading.Lock()
        self.stats: Counter[str] = Counter()

    # -- plumbing
    def _send(self, method: str, path: str, data: bytes | None, headers: dict[str, str], *,
              crumb: bool = False) -> requests.Response:
        seen: list[requests.Response] = []

        def keep(resp: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
            seen.append(resp)
            if resp.is_redirect:
                raise _Redirected(resp)
            return resp

        req = requests.Request(method, self.url + path, data=data, headers=headers, hooks={"response": [keep]})
        with self._lock:
            self.stats["requests"] += 1
            self.stats[method] += 1
        where = f"{method} {self.url}{path}"
        try:
            resp: requests.Response = self.pj.jenkins_request(req, add_crumb=crumb)
        except _Redirected as r:
            return r.response
        except jenkins.TimeoutException as e:
            raise JenkinsUnreachableError(f"{where}: timed out after {self.timeout}s") from e
        except requests.ConnectionError as e:
            if "refused" in str(e).lower() or "NewConnectionError" in repr(e):
                raise _Refused(f"{where}: cannot reach Jenkins (connection refused): {e}") from e
            raise JenkinsUnreachableError(f"{where}: cannot reach Jenkins: {e}") from e
        except (jenkins.JenkinsException, requests.RequestException) as e:
            if seen and seen[-1].status_code >= 400:
                raise _HttpFailure(seen[-1]) from e
            raise JenkinsApiError(f"{where}: {e}") from e
        return resp

    def request(self, method: str, path: str, *, data: bytes | None = None,
                headers: dict[str, str] | None = None, idempotent: bool | None = None,
                action: str | None = None) -> requests.Response:
        """Send one request; retry it when that is safe; raise the precise error."""
        safe = method in {"GET", "HEAD"} if idempotent is None else idempotent
        hdrs = dict(headers or {})
        crumb_retried = False

        def once() -> requests.Response:
            nonlocal crumb_retried
            while True:
                if method == "POST":
                    self._ensure_crumb()
                try:
                    return self._send(method, path, data, hdrs, crumb=method == "POST")
                except _HttpFailure as f:
                    resp = f.response
                    if (resp.status_code == 403 and method == "POST" and not crumb_retried
                            and "no valid crumb" in resp.text.lower()):
                        # Refused before anything happened: safe to send again with a fresh crumb.
                        log.info("crumb refused (session expired?): fetching a new one")
                        self._drop_crumb()
                        crumb_retried = True
                        continue
                    raise

        try:
            return retry(once, self.policy, transient=lambda e: _transient(e, safe), what=f"{method} {path}",
                         retry_after=_retry_after, longer=self._in_outage, on_retry=self._count_retry,
                         sleep=self._sleep)
        except _HttpFailure as f:
            resp = f.response
            raise from_http_error(resp.status_code, self.url + path, resp.text, action=action or method,
                                  headers=dict(resp.headers)) from f

    def _in_outage(self, e: BaseException, attempt: int, spent: float) -> bool:
        """While the controller restarts (connection refused, or 503 while it starts up)
        retries go on for up to ``outage`` seconds."""
        restarting = isinstance(e, _Refused) or (isinstance(e, _HttpFailure) and e.response.status_code == 503)
        return restarting and attempt <= _MAX_ATTEMPTS and spent < self.outage

    def _count_retry(self, text: str) -> None:
        with self._lock:
            self.stats["retries"] += 1
        log.warning(text)

    def pause(self, attempt: int) -> None:
        """Wait as before retry number ``attempt`` (for callers that retry by themselves)."""
        self._sleep(self.policy.wait(attempt))

    # -- crumbs (python-jenkins's ``crumb``: None unknown, False not needed, else the crumb)
    def _ensure_crumb(self) -> None:
        """Fetch the crumb once, before the first POST that needs one, and hand it to
        python-jenkins, which adds it to every POST (``maybe_add_crumb``)."""
        with self._lock:
            if self.pj.crumb is not None:
                return
        try:
            data = json.loads(self._send("GET", ep.CRUMB, None, {}).text)
            crumb: dict[str, str] | bool = {"crumbRequestField": str(data["crumbRequestField"]),
                                            "crumb": str(data["crumb"])}
        except _HttpFailure as f:
            if f.response.status_code != 404:
                raise from_http_error(f.response.status_code, self.url + ep.CRUMB, f.response.text,
                                      action="get crumb", headers=dict(f.response.headers)) from f
            crumb = False  # CSRF protection is off
        with self._lock:
            self.pj.crumb = crumb

    def _drop_crumb(self) -> None:
        with self._lock:
            self.pj.crumb = None

    def use_crumbs(self, enabled: bool) -> None:
        """What the controller reported (``useCrumbs``): no crumb request when it is off."""
        if not enabled:
            with self._lock:
                self.pj.crumb = False

    # -- reads
    def json(self, path: str, *, action: str) -> Any:
        resp = self.request("GET", path, action=action)
        try:
            return resp.json()
        except ValueError as e:
            raise JenkinsApiError(f"{action}: Jenkins sent something that is not JSON from {self.url}{path}") from e

    def whoami(self) -> dict[str, Any]:
        return dict(self.json(ep.WHOAMI, action="who am I"))

    def tree(self, tree: str, item: str = "") -> dict[str, Any]:
        """``api/json?tree=...`` of the root ('' ) or of an item path."""
        path = ep.ITEM_TREE.format(item=ep.item_url(item), tree=tree) if item else ep.ROOT_TREE.format(tree=tree)
        return dict(self.json(path, action="list items"))

    def plugins(self) -> list[dict[str, Any]]:
        return list(self.json(ep.PLUGINS, action="list plugins").get("plugins", []))

    def item_config(self, path: str) -> str:
        resp = self.request("GET", ep.ITEM_CONFIG.format(item=ep.item_url(path)), action=f"read {path}")
        return resp.content.decode("utf-8")

    def view_config(self, folder: str, name: str) -> str:
        resp = self.request("GET", ep.VIEW_CONFIG.format(folder=ep.folder_url(folder), name=ep.q(name)),
                            action=f"read view {name}")
        return resp.content.decode("utf-8")

    def credential_ids(self, folder: str | None) -> list[str]:
        store = ep.credentials_store(folder)
        data = self.json(ep.CREDENTIALS_LIST.format(store=store), action=f"list credentials of {folder or 'system'}")
        return [str(c["id"]) for c in data.get("credentials", []) if "id" in c]

    def credentials_by_domain(self, folder: str | None, *, user: str | None = None) -> dict[str, str]:
        """Credentials ID -> domain URL name ('_' global), over every domain of the system
        store (None), a folder's store, or (``user``) that user's own store."""
        store = ep.USER_STORE.format(user=ep.q(user)) if user else ep.credentials_store(folder)
        data = self.json(ep.CREDENTIALS_DOMAINS.format(store=store),
                         action=f"list credentials of {('user ' + user) if user else folder or 'system'}")
        out: dict[str, str] = {}
        domains = data.get("domains") or {}
        for name, domain in (domains.items() if isinstance(domains, dict) else []):
            for c in (domain or {}).get("credentials") or []:
                if isinstance(c, dict) and "id" in c:
                    out.setdefault(str(c["id"]), str(name))
        return out

    def credential_scope(self, folder: str | None, domain: str, cid: str) -> str | None:
        """The ``scope`` (GLOBAL, SYSTEM) a credential's config.xml names, if any."""
        path = ep.CREDENTIAL_IN_DOMAIN.format(store=ep.credentials_store(folder), domain=ep.q(domain), id=ep.q(cid))
        text = self.request("GET", path, action=f"read credentials {cid}").content.decode("utf-8")
        m = re.search(r"<scope>\s*([A-Z_]+)\s*</scope>", text)
        return m.group(1) if m else None

    # -- writes
    def create_item(self, path: str, xml: str) -> None:
        """Not idempotent: a lost answer is resolved by the caller, who looks first."""
        folder, name = ep.split_path(path)
        self.request("POST", ep.CREATE_ITEM.format(folder=ep.folder_url(folder), name=ep.q(name)),
                     data=xml.encode("utf-8"), headers=_XML, idempotent=False, action=f"create {path}")

    def update_item_config(self, path: str, xml: str) -> None:
        self.request("POST", ep.ITEM_CONFIG.format(item=ep.item_url(path)), data=xml.encode("utf-8"),
                     headers=_XML, idempotent=True, action=f"update {path}")

    def delete_item(self, path: str) -> None:
        self.request("POST", ep.ITEM_DELETE.format(item=ep.item_url(path)), idempotent=True,
                     action=f"delete {path}")

    def create_view(self, folder: str, name: str, xml: str) -> None:
        self.request("POST", ep.CREATE_VIEW.format(folder=ep.folder_url(folder), name=ep.q(name)),
                     data=xml.encode("utf-8"), headers=_XML, idempotent=False,
                     action=f"create view {folder + '/' if folder else ''}{name}")

    def update_view_config(self, folder: str, name: str, xml: str) -> None:
        self.request("POST", ep.VIEW_CONFIG.format(folder=ep.folder_url(folder), name=ep.q(name)),
                     data=xml.encode("utf-8"), headers=_XML, idempotent=True,
                     action=f"update view {folder + '/' if folder else ''}{name}")

    def delete_view(self, folder: str, name: str) -> None:
        self.request("POST", ep.VIEW_DELETE.format(folder=ep.folder_url(folder), name=ep.q(name)),
                     idempotent=True, action=f"delete view {folder + '/' if folder else ''}{name}")

    def create_credentials(self, folder: str | None, xml: str) -> None:
        self.request("POST", ep.CREDENTIALS_CREATE.format(store=ep.credentials_store(folder)),
                     data=xml.encode("utf-8"), headers=_XML, idempotent=False, action="create credentials")

    def update_credentials(self, folder: str | None, cid: str, xml: str) -> None:
        self.request("POST", ep.CREDENTIAL_CONFIG.format(store=ep.credentials_store(folder), id=ep.q(cid)),
                     data=xml.encode("utf-8"), headers=_XML, idempotent=True, action=f"update credentials {cid}")
