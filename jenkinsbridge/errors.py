"""The one exception tree of jenkinsbridge.

Every error the library raises derives from :class:`JenkinsbridgeError`. Each class
carries the data a caller needs (job name, HTTP status, exit status, stderr) and the
exit code the command line returns for it: 2 for bad input or usage, 1 for an
operation that failed. Errors from outside libraries are translated into this tree at
the boundary, always ``raise ... from e`` so the cause stays in the traceback: Docker's
with :func:`from_docker_error` and :func:`from_registry_message` here, Jenkins's HTTP
answers with ``from_http_error`` in jenkinsbridge/jenkins/httperrors.py (which reads
Jenkins's headers and error pages, the wire layer's knowledge).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "BadRequestError",
    "ConflictError",
    "CredentialsMissingError",
    "DeployError",
    "DockerOperationError",
    "ImageBuildError",
    "JenkinsApiError",
    "JenkinsAuthError",
    "JenkinsServerError",
    "JenkinsUnreachableError",
    "JenkinsbridgeError",
    "LockHeldError",
    "NotFoundError",
    "OutputError",
    "PermissionDeniedError",
    "PluginsMissingError",
    "Problem",
    "RegistryAuthError",
    "RegistryError",
    "RegistryTLSError",
    "RegistryUnreachableError",
    "RenderError",
    "SpecError",
    "StageFailedError",
    "StageUnstableError",
    "UsageError",
    "from_docker_error",
    "from_registry_message",
]


class JenkinsbridgeError(Exception):
    """Root of every error jenkinsbridge raises. ``exit_code`` is what the CLI returns."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# --- bad input (exit 2) -------------------------------------------------------------


class UsageError(JenkinsbridgeError):
    """The command line or an argument is wrong."""

    exit_code = 2


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a spec, located to file, line and column (1-based)."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class SpecError(JenkinsbridgeError):
    """A spec is invalid. Carries every problem found in the run, sorted by place."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        first = str(self.problems[0]) if self.problems else "invalid spec"
        more = len(self.problems) - 1
        super().__init__(first if more == 0 else f"{first} (and {more} more)")

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


# --- operations that failed (exit 1) -----------------------------------------------------


class RenderError(JenkinsbridgeError):
    """A template could not be rendered (a bug in a template, not in the spec)."""


class OutputError(JenkinsbridgeError):
    """Files could not be written (permissions, a full disk); ``path`` is where it failed."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class JenkinsApiError(JenkinsbridgeError):
    """Jenkins answered with an error. ``status`` is the HTTP status, when there was one."""

    def __init__(self, message: str, *, status: int | None = None, url: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.url = url


class JenkinsUnreachableError(JenkinsApiError):
    """No answer: the connection failed, was reset or timed out."""


class JenkinsAuthError(JenkinsApiError):
    """401: the user or API token is wrong."""


class PermissionDeniedError(JenkinsApiError):
    """403: the user lacks a permission (named in ``permission`` when Jenkins says)."""

    def __init__(
        self, message: str, *, status: int | None = 403, url: str | None = None,
        permission: str | None = None,
    ) -> None:
        super().__init__(message, status=status, url=url)
        self.permission = permission


class NotFoundError(JenkinsApiError):
    """404: the item does not exist."""


class BadRequestError(JenkinsApiError):
    """400: Jenkins refused the request (on create: the item exists or the name is bad)."""


class ConflictError(JenkinsApiError):
    """409: the item exists already or was changed concurrently."""


class JenkinsServerError(JenkinsApiError):
    """5xx: Jenkins failed; ``message`` carries what Jenkins said."""


class PluginsMissingError(JenkinsbridgeError):
    """Rendered jobs need plugins the controller does not have (name -> wanted version)."""

    def __init__(self, missing: dict[str, str]) -> None:
        self.missing = dict(sorted(missing.items()))
        listing = ", ".join(f"{k}{'@' + v if v else ''}" for k, v in self.missing.items())
        super().__init__(f"Jenkins lacks plugins the jobs need: {listing}")


class CredentialsMissingError(JenkinsbridgeError):
    """Credentials IDs the spec names do not exist on the controller."""

    def __init__(self, missing: list[tuple[str, str]], reasons: dict[str, str] | None = None) -> None:
        self.missing = sorted(missing)
        self.reasons = dict(reasons or {})
        listing = ", ".join(f"{cid} (for {where}{': ' + self.reasons[cid] if cid in self.reasons else ''})"
                            for cid, where in self.missing)
        super().__init__(f"credentials not found on Jenkins or not usable by jobs: {listing}")


class DockerOperationError(JenkinsbridgeError):
    """The Docker engine refused or failed an operation."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class ImageBuildError(DockerOperationError):
    """An image build failed at ``step`` with the builder's ``detail``."""

    def __init__(self, message: str, *, step: str | None = None, detail: str | None = None) -> None:
        super().__init__(message)
        self.step = step
        self.detail = detail


class RegistryError(JenkinsbridgeError):
    """The registry refused a login, a push or a pull, or could not be reached."""

    def __init__(self, message: str, *, registry: str | None = None) -> None:
        super().__init__(message)
        self.registry = registry


class RegistryAuthError(RegistryError):
    """The registry refused the credentials (or asked for some and there were none)."""


class RegistryTLSError(RegistryError):
    """TLS with the registry failed: an unknown CA, a wrong name, a missing client certificate."""


class RegistryUnreachableError(RegistryError):
    """The registry did not answer (refused, timed out, 5xx) after the retries."""

    def __init__(self, message: str, *, registry: str | None = None, retry_after: str | None = None) -> None:
        super().__init__(message, registry=registry)
        self.retry_after = retry_after  # the registry's Retry-After header, when it sent one


class DeployError(JenkinsbridgeError):
    """A rollout failed; the old version keeps serving."""


class LockHeldError(DeployError):
    """Another deploy of the same app and environment holds the lock."""

    def __init__(self, message: str, *, holder: str) -> None:
        super().__init__(message)
        self.holder = holder


class StageFailedError(JenkinsbridgeError):
    """A pipeline stage run locally failed with ``exit_status``."""

    def __init__(self, stage: str, exit_status: int, stderr: str = "") -> None:
        super().__init__(f"stage {stage!r} failed with exit status {exit_status}")
        self.stage = stage
        self.exit_status = exit_status
        self.stderr = stderr


class StageUnstableError(StageFailedError):
    """A stage's commands passed but its JUnit reports count ``failing`` tests, or it wrote
    no report matching its ``junit`` glob (``missing``)."""

    def __init__(self, stage: str, failing: int, missing: str | None = None) -> None:
        super().__init__(stage, 0)
        self.message = (f"stage {stage!r} is unstable: it wrote no test report matching {missing!r}"
                        if missing is not None else
                        f"stage {stage!r} is unstable: {failing} failing test(s) in its JUnit reports")
        self.args = (self.message,)
        self.failing = failing


# --- translation of outside errors --------------------------------------------------------
# (Jenkins's HTTP answers: jenkinsbridge/jenkins/httperrors.py, next to the wire layer)

def from_docker_error(exc: BaseException, *, action: str = "docker") -> DockerOperationError:
    """Map a docker SDK exception to the project's tree."""
    explanation = getattr(exc, "explanation", None)
    response: Any = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    text = explanation if explanation else str(exc)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if type(exc).__name__ == "DockerException" and "Connection" in str(exc):
        text = f"cannot reach the Docker engine (DOCKER_HOST?): {exc}"
    return DockerOperationError(f"{action}: {text}", status=status)


# What the Docker engine says when a push fails, and the class it means.
_REGISTRY_PATTERNS: tuple[tuple[tuple[str, ...], type[RegistryError]], ...] = (
    (("x509:", "certificate signed by unknown authority", "certificate is not valid",
      "tls: ", "remote error: tls"), RegistryTLSError),
    (("unauthorized", "authentication required", "incorrect username or password", "denied",
      "no basic auth credentials"), RegistryAuthError),
    (("connection refused", "no such host", "i/o timeout", "connection reset", "eof",
      "tls handshake timeout", "502", "503", "504",
      "toomanyrequests", "too many requests", "unexpected http status: 5"),
     RegistryUnreachableError),
)


def from_registry_message(detail: str, *, registry: str, action: str = "push") -> RegistryError:
    """Map the engine's error text for a registry operation to the precise class."""
    low = detail.lower()
    for needles, cls in _REGISTRY_PATTERNS:
        if any(n in low for n in needles):
            return cls(f"{action} to {registry}: {detail}", registry=registry)
    return RegistryError(f"{action} to {registry}: {detail}", registry=registry)
