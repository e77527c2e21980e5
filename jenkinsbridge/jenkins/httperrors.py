"""What Jenkins's HTTP error answers mean, as errors of the project's tree
(jenkinsbridge/errors.py): the status picks the class; Jenkins's headers
(``X-Required-Permission``, ``X-Error``) and error pages give the reason."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jenkinsbridge.errors import (
    BadRequestError,
    ConflictError,
    JenkinsApiError,
    JenkinsAuthError,
    JenkinsbridgeError,
    JenkinsServerError,
    NotFoundError,
    PermissionDeniedError,
)

__all__ = ["from_http_error", "from_jenkins_error"]

_HTTP_CLASSES: dict[int, type[JenkinsApiError]] = {
    400: BadRequestError,
    401: JenkinsAuthError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
}


# Jenkins's X-Required-Permission header (a Java id) -> the name its UI and messages use
_PERMISSION_NAMES: dict[str, str] = {
    "hudson.model.Hudson.Read": "Overall/Read",
    "hudson.model.Hudson.Administer": "Overall/Administer",
    "hudson.model.Item.Create": "Job/Create",
    "hudson.model.Item.Configure": "Job/Configure",
    "hudson.model.Item.Read": "Job/Read",
    "hudson.model.Item.ExtendedRead": "Job/ExtendedRead",
    "hudson.model.Item.Delete": "Job/Delete",
    "hudson.model.Item.Build": "Job/Build",
    "hudson.model.Item.Cancel": "Job/Cancel",
    "hudson.model.View.Create": "View/Create",
    "hudson.model.View.Configure": "View/Configure",
    "hudson.model.View.Delete": "View/Delete",
    "hudson.model.View.Read": "View/Read",
    "hudson.model.Computer.Create": "Agent/Create",
    "hudson.model.Computer.Configure": "Agent/Configure",
    "hudson.model.Computer.Delete": "Agent/Delete",
    "hudson.model.Computer.Connect": "Agent/Connect",
    "hudson.model.Computer.Disconnect": "Agent/Disconnect",
    "jenkins.model.Jenkins.SystemRead": "Overall/SystemRead",
    "com.cloudbees.plugins.credentials.CredentialsProvider.Create": "Credentials/Create",
    "com.cloudbees.plugins.credentials.CredentialsProvider.Update": "Credentials/Update",
    "com.cloudbees.plugins.credentials.CredentialsProvider.View": "Credentials/View",
    "com.cloudbees.plugins.credentials.CredentialsProvider.Delete": "Credentials/Delete",
}


def from_http_error(
    status: int, url: str, body: str = "", *, action: str = "request",
    headers: Mapping[str, str] | None = None,
) -> JenkinsApiError:
    """Build the precise error for an HTTP answer from Jenkins.

    ``headers`` (when given) refine it: ``X-Required-Permission`` names the permission a
    403 lacks, ``X-Error`` carries Jenkins's reason for a refused createItem/createView.
    """
    hdrs = {k.lower(): v for k, v in (headers or {}).items()}
    detail = hdrs.get("x-error") or _jenkins_message(body)
    if status == 401:
        msg = f"{action} {url}: 401 Unauthorized: the user or API token is wrong"
    elif status == 403:
        if "no valid crumb" in body.lower():
            msg = f"{action} {url}: 403 Forbidden: no valid crumb (CSRF protection refused the request)"
            return PermissionDeniedError(msg, status=status, url=url)
        java = hdrs.get("x-required-permission")
        perm = _PERMISSION_NAMES.get(java, java) if java else _permission_from(body)
        who = hdrs.get("x-you-are-authenticated-as")
        need = f"missing permission {perm}" if perm else "missing permission"
        msg = f"{action} {url}: 403 Forbidden: {need}" + (f" (authenticated as {who})" if who else "")
        return PermissionDeniedError(msg, status=status, url=url, permission=perm)
    elif status == 404:
        msg = f"{action} {url}: 404 Not Found"
    else:
        msg = f"{action} {url}: HTTP {status}" + (f": {detail}" if detail else "")
    cls = _HTTP_CLASSES.get(status, JenkinsServerError if status >= 500 else JenkinsApiError)
    return cls(msg, status=status, url=url)


def _permission_from(body: str) -> str | None:
    # Jenkins: "<user> is missing the Job/Configure permission"
    marker = "is missing the "
    i = body.find(marker)
    if i < 0:
        return None
    rest = body[i + len(marker):]
    j = rest.find(" permission")
    return rest[:j].strip() if j > 0 else None


def _jenkins_message(body: str) -> str:
    """The first meaningful line of a Jenkins error page, without markup."""
    title = re.search(r"<title>\s*(?:Error \d+\s*)?(.*?)\s*</title>", body, re.S | re.I)
    if title and title.group(1).strip() and not title.group(1).strip().lower().startswith("jenkins"):
        return " ".join(title.group(1).split())[:300]
    text = re.sub(r"<[^>]+>", " ", body)
    for line in text.splitlines():
        line = " ".join(line.split())
        if line and not line.lower().startswith(("<!doctype", "error 5", "jenkins")):
            return line[:300]
    return ""


def from_jenkins_error(exc: BaseException, *, action: str = "request") -> JenkinsbridgeError:
    """Map a python-jenkins or requests exception to the project's tree."""
    response: Any = getattr(exc, "response", None)
    if response is None:
        # python-jenkins raises JenkinsException for 401/403/500 from inside its
        # ``except HTTPError`` block: the response is on the implicit context.
        response = getattr(exc.__context__, "response", None)
    if response is not None and getattr(response, "status_code", None) is not None:
        return from_http_error(
            int(response.status_code), str(getattr(response, "url", "")),
            str(getattr(response, "text", "")), action=action,
            headers=dict(getattr(response, "headers", {}) or {}),
        )
    name = type(exc).__name__
    if name == "NotFoundException":
        return NotFoundError(f"{action}: {exc}", status=404)
    if name == "EmptyResponseException":
        return JenkinsServerError(f"{action}: Jenkins returned an empty response")
    if name in {"ConnectionError", "Timeout", "ConnectTimeout", "ReadTimeout"}:
        return JenkinsApiError(f"{action}: cannot reach Jenkins: {exc}")
    return JenkinsApiError(f"{action}: {exc}")
