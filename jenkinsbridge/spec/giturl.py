"""The git URL grammar, in one place: the spec's check of ``source.url`` and the wizard's
reading of a project's remote both parse with :func:`parse_git_url`.

Forms (as git itself reads them): ``scheme://[user@]host[:port]/path`` with scheme
https, http, ssh, git or file (``file:///path``), and the scp-like ``[user@]host:path``.
:func:`secret_in_user` says whether a user part carries a secret: a password
(``user:pass``), a token with a known prefix (``ghp_``, ``glpat-``, ...) or a long random
string used as the user name, as GitHub and GitLab accept for HTTPS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SCHEMES", "GitUrl", "parse_git_url", "secret_in_user", "without_user"]

SCHEMES = ("https", "http", "ssh", "git", "file")

_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?:(?P<user>[^@/\s]*)@)?"
                  r"(?P<host>\[[0-9A-Fa-f:.]+\]|[^/:\s@]*)(?::(?P<port>\d+))?(?P<path>/\S*)?$")
# scp-like: no "//" after the colon, a host without '/', an optional user (which may hold ':')
_SCP = re.compile(r"^(?:(?P<user>[^@/\s]+)@)?(?P<host>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(?!//)(?P<path>\S+)$")

# prefixes of tokens that hosting services issue (GitHub, GitLab, Bitbucket, Slack, AWS, ...)
TOKEN_PREFIXES = ("ghp_", "gho_", "ghs_", "ghu_", "ghr_", "github_pat_", "glpat-", "gldt-",
                  "glrt-", "ATBB", "xox", "AKIA", "sk-")


@dataclass(frozen=True)
class GitUrl:
    scheme: str  # "scp" for the scp-like form
    user: str | None
    host: str
    port: int | None
    path: str

    @property
    def scp(self) -> bool:
        return self.scheme == "scp"


def parse_git_url(value: str) -> GitUrl | None:
    """The parts of a git URL, or None when ``value`` is none of the forms above."""
    m = _URL.match(value)
    if m:
        scheme = m["scheme"].lower()
        if scheme not in SCHEMES:
            return None
        if scheme != "file" and not m["host"]:
            return None
        port = int(m["port"]) if m["port"] else None
        return GitUrl(scheme, m["user"], m["host"].lower(), port, m["path"] or "")
    if "://" in value:
        return None
    m = _SCP.match(value)
    if m:
        return GitUrl("scp", m["user"], m["host"].lower(), None, m["path"])
    return None


def secret_in_user(user: str | None) -> str | None:
    """What secret the user part of a URL carries ("a password", "a token"), or None."""
    if not user:
        return None
    if ":" in user:
        return "a password"
    if user.startswith(TOKEN_PREFIXES) or _random(user):
        return "a token"
    return None


def _random(user: str) -> bool:
    """A long run of letters and digits without separators is a token, not a user name."""
    longest = max((len(p) for p in re.split(r"[._@+-]", user)), default=0)
    return longest >= 16 and any(c.isdigit() for c in user) and any(c.isalpha() for c in user)


def without_user(value: str) -> str:
    """``value`` with the user part removed where it carries a secret (or is any user of an
    http(s) URL, which there is always a login); other URLs unchanged."""
    url = parse_git_url(value)
    if url is None or not url.user:
        return value
    if url.scheme in ("http", "https") or secret_in_user(url.user):
        at = value.index("@", value.find("://") + 3 if "://" in value else 0)
        start = value.find("://") + 3 if "://" in value else 0
        return value[:start] + value[at + 1:]
    return value
