"""The GitLab push trigger's secret token: supplied at sync time, never rendered.

gitlab-plugin keeps the token in the trigger itself, as a ``hudson.util.Secret`` field
(jenkinsci/gitlab-plugin src/main/java/com/dabsquared/gitlabjenkins/GitLabPushTrigger.java:
``private volatile Secret secretToken`` set through ``setSecretToken(String)`` with
``Secret.fromString``); the trigger has no credentials-ID form (the webhook handler,
webhook/build/BuildWebHookAction.java, compares the request's X-Gitlab-Token with
``trigger.getSecretToken()``). A rendered config.xml would have to carry the value.

So the rendered config.xml has no token. The spec names the token by the credentials ID
of a secret text (``source.webhook_secret``, the same ID a multibranch GitLab server's
``webhookSecretCredentialsId`` takes), and ``sync`` reads its value from the environment
variable the controller's JCasC reads for that ID (``jenkinsbridge casc``: ``<ID>_SECRET``,
e.g. ``gitlab-hook`` -> ``GITLAB_HOOK_SECRET``), putting it into the config.xml it sends.
The value goes to Jenkins only: it is not written to disk, logged, hashed or shown in a
diff. Jenkins stores it encrypted (core hudson/util/Secret.java ``ConverterImpl``: XStream
writes ``getEncryptedValue()``); the drift normalizer ignores that field
(:data:`jenkinsbridge.jenkins.normalize.SECRET_FIELDS`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from jenkinsbridge.casc.credentials import CredentialNeed, variable_prefix
from jenkinsbridge.errors import UsageError
from jenkinsbridge.render import RenderedJob
from jenkinsbridge.render.escape import xml_text
from jenkinsbridge.render.jobxml import GITLAB_PUSH_TRIGGER, GITLAB_SECRET_TOKEN, has_gitlab_push_trigger

__all__ = ["push_secret_variable", "push_secrets", "with_push_secret"]

_CLOSE = f"</{GITLAB_PUSH_TRIGGER}>"


def push_secret_variable(job: RenderedJob) -> str | None:
    """The environment variable holding the job's push trigger token, or None when its
    trigger takes none (not a GitLab push trigger, or no ``source.webhook_secret``)."""
    cred_id = job.job.source.webhook_secret
    if not cred_id or not has_gitlab_push_trigger(job.job):
        return None
    return CredentialNeed(cred_id, "string", (), variable_prefix(cred_id)).var("secret")


def push_secrets(jobs: Iterable[RenderedJob], environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Job path -> token for every job whose push trigger takes one; bad input (naming the
    jobs and variables, never a value) when a variable is unset or empty."""
    env = os.environ if environ is None else environ
    out: dict[str, str] = {}
    missing: dict[str, list[str]] = {}
    for job in jobs:
        var = push_secret_variable(job)
        if var is None:
            continue
        value = env.get(var, "")
        if not value:
            missing.setdefault(var, []).append(job.path)
            continue
        try:
            xml_text(value)
        except ValueError as e:  # names the code point, never shows the value
            raise UsageError(f"{var} (the GitLab push trigger's secret token of {job.path}) holds a "
                             f"character a config.xml cannot carry: {e}; use printable characters") from None
        out[job.path] = value
    if missing:
        what = "; ".join(f"{var} (for {', '.join(paths)})" for var, paths in sorted(missing.items()))
        raise UsageError(
            f"the GitLab push trigger's secret token is read from the environment at sync time, and "
            f"these variables are unset or empty: {what}; set each to the webhook's secret token "
            f"(the value the controller's JCasC gives the same credentials ID), or drop source.webhook_secret")
    return out


def with_push_secret(xml: str, token: str) -> str:
    """``xml`` (a rendered config.xml) with ``token`` as its GitLab push trigger's
    secretToken. Inserted as text, XML-escaped: the rest of the document stays byte for
    byte as rendered (its character references included, which XML 1.1 needs)."""
    if xml.count(_CLOSE) != 1:
        raise ValueError("config.xml has no GitLab push trigger (or several)")
    field = f"  <{GITLAB_SECRET_TOKEN}>{xml_text(token)}</{GITLAB_SECRET_TOKEN}>\n        "
    return xml.replace(_CLOSE, field + _CLOSE, 1)
