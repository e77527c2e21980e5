"""Mask secrets in text before it is shown: the one place every message, log record and
``--json`` document passes through (the CLI applies it to all of them).

What is masked: the userinfo of a URL (``https://user:pass@host``, ``https://TOKEN@host``
become ``https://***@host``), the user:password of an scp-like git address
(``user:pass@host:org/repo`` becomes ``***@host:org/repo``) and tokens with a well-known
prefix (GitHub, GitLab, Slack, AWS, OpenAI-style keys) wherever they appear.
A user that is a plain word (``ssh://git@host``, ``git@host:org/repo``) is kept: it
names no secret.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["redact", "redact_data"]

# scheme://userinfo@ : everything between "://" and the "@" before the host
_URL_USERINFO = re.compile(r"(?<=://)[^/\s@]*@")
# a user name that names no secret: a word of letters (git, deploy, jenkins-bot)
_PLAIN_USER = re.compile(r"[A-Za-z][A-Za-z._-]{0,31}@")
# user:password@host: (scp-like git address) with a colon in the user part
_SCP_PASSWORD = re.compile(r"(?<![\w/.-])[^\s@:/]+:[^\s@/]+@(?=[A-Za-z0-9.\[-]+:)")
_TOKENS = re.compile(
    r"\b(?:gh[pousr]_[A-Za-z0-9]{8,}|github_pat_[A-Za-z0-9_]{8,}|glpat-[A-Za-z0-9_-]{8,}"
    r"|xox[abprs]-[A-Za-z0-9-]{8,}|AKIA[A-Z0-9]{12,}|sk-[A-Za-z0-9_-]{16,})"
)


def redact(text: str) -> str:
    """``text`` with URL userinfo, scp-style passwords and known tokens masked."""
    if "@" not in text and not _TOKENS.search(text):
        return text
    text = _URL_USERINFO.sub(_mask_user, text)
    text = _SCP_PASSWORD.sub("***@", text)
    return _TOKENS.sub("***", text)


def _mask_user(m: re.Match[str]) -> str:
    user = m.group(0)
    return user if _PLAIN_USER.fullmatch(user) and not _TOKENS.match(user) else "***@"


def redact_data(value: Any) -> Any:
    """``value`` (JSON-like: dicts, lists, strings) with every string passed through redact."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact_data(k): redact_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_data(v) for v in value]
    return value
