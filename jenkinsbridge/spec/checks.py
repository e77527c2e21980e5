"""Checks for the string fields of a spec: each returns nothing or raises ValueError
with one message of the form "what is wrong; what is allowed"."""

from __future__ import annotations

import functools
import re
import zoneinfo

from jenkinsbridge.redact import redact
from jenkinsbridge.spec.giturl import parse_git_url, secret_in_user
from jenkinsbridge.spec.labels import parse_label_expression
from jenkinsbridge.spec.tags import check_tag_template, expand_tag, sanitize_tag


class FieldProblem(ValueError):
    """A model-level check's problem that belongs to one field of the model."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


__all__ = [
    "FieldProblem",
    "check_control_chars",
    "check_credentials_id",
    "check_credentials_id_field",
    "check_cron",
    "check_docker_endpoint",
    "check_email",
    "check_folder_path",
    "check_git_url",
    "check_groovy_constant",
    "check_health_path",
    "check_image_reference",
    "check_item_name",
    "check_label_expression",
    "check_memory",
    "check_registry",
    "check_repository",
    "check_tag_template",
    "check_tool_version",
    "check_url_user",
    "expand_tag",
    "groovy_constant_size",
    "redact",
    "sanitize_tag",
]

# --- OCI / distribution reference grammar ---------------------------------------------
_ALNUM = r"[a-z0-9]+"
_SEP = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALNUM}(?:{_SEP}{_ALNUM})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_IPV6 = r"\[(?:[a-fA-F0-9:]+)\]"
_DOMAIN_NAME = rf"{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*"
_HOST = rf"(?:{_DOMAIN_NAME}|{_IPV6})"
_DOMAIN = rf"{_HOST}(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}"
_NAME = rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"

REFERENCE_RE = re.compile(rf"^({_NAME})(?::({_TAG}))?(?:@({_DIGEST}))?$")
_REGISTRY_RE = re.compile(rf"^{_DOMAIN}$")
_REPOSITORY_RE = re.compile(rf"^{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*$")


def check_image_reference(value: str) -> None:
    """An image reference as Docker reads it: [registry[:port]/]path[:tag][@digest]."""
    if len(value) > 255 + 128 + 80:
        raise ValueError("image reference is too long; at most 255 characters of name")
    m = REFERENCE_RE.match(value)
    if not m:
        raise ValueError(
            f"{value!r} is not an image reference; expected [registry[:port]/]name[:tag][@digest] "
            "with a lowercase name such as registry.example.com:5000/acme/app:1.2"
        )
    if len(m.group(1)) > 255:
        raise ValueError("image name is longer than 255 characters; shorten the repository")


def check_registry(value: str) -> None:
    if "://" in value:
        raise ValueError(
            f"{redact(value)!r} has a scheme; give host[:port] only, e.g. registry.example.com:5000"
        )
    if not _REGISTRY_RE.match(value):
        raise ValueError(f"{redact(value)!r} is not a registry host; expected host[:port], "
                         "e.g. registry.example.com:5000")


def check_repository(value: str) -> None:
    if not _REPOSITORY_RE.match(value):
        raise ValueError(
            f"{value!r} is not a repository name; use lowercase path components "
            "separated by '/', e.g. acme/shop-api"
        )
    if len(value) > 255:
        raise ValueError("repository name is longer than 255 characters; shorten it")


# --- tags with placeholders: spec/tags.py ---------------------------------------------


# --- Jenkins cron (TimerTrigger / SCMTrigger spec) ---------------------------------------
_CRON_ALIASES = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
_CRON_FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31),
                ("month", 1, 12), ("day of week", 0, 7))
_CRON_ITEM = re.compile(
    r"^(?:(?P<star>\*)|(?P<h>H)(?:\((?P<hlo>\d+)-(?P<hhi>\d+)\))?|(?P<lo>\d+)(?:-(?P<hi>\d+))?)"
    r"(?:/(?P<step>\d+))?$"
)


def check_cron(value: str) -> None:
    """Jenkins cron: one or more lines of five fields (with H) or @aliases; # comments;
    an optional first line TZ=Area/City."""
    lines = [ln.strip() for ln in value.splitlines()]
    entries = [ln for ln in lines if ln and not ln.startswith("#")]
    if entries and entries[0].startswith("TZ="):
        zone = entries.pop(0)[3:]
        if zone not in _zones():
            raise ValueError(f"unknown time zone {zone!r}; use a tz database name such as Europe/Berlin")
    if not entries:
        raise ValueError("empty schedule; expected five fields like 'H/15 * * * *' or '@daily'")
    for entry in entries:
        _check_cron_line(entry)


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones() | {"UTC"})


def _check_cron_line(line: str) -> None:
    if line.startswith("@"):
        if line not in _CRON_ALIASES:
            raise ValueError(f"unknown alias {line!r}; allowed: {', '.join(sorted(_CRON_ALIASES))}")
        return
    fields = line.split()
    if len(fields) != 5:
        raise ValueError(
            f"{line!r} has {len(fields)} fields; a schedule has 5 "
            "(minute hour day-of-month month day-of-week), e.g. 'H/15 * * * *'"
        )
    for text, (fname, lo, hi) in zip(fields, _CRON_FIELDS, strict=True):
        for item in text.split(","):
            m = _CRON_ITEM.match(item)
            if not m:
                raise ValueError(
                    f"{fname} {item!r} is not valid; use *, H, H(a-b), n, a-b, with optional /step"
                )
            nums = [int(x) for x in (m["lo"], m["hi"], m["hlo"], m["hhi"]) if x is not None]
            for n in nums:
                if not lo <= n <= hi:
                    raise ValueError(f"{fname} {n} is out of range; allowed {lo}-{hi}")
            if m["hi"] is not None and int(m["hi"]) < int(m["lo"]):
                raise ValueError(f"{fname} range {item!r} runs backwards; write low-high")
            if m["step"] is not None and int(m["step"]) == 0:
                raise ValueError(f"{fname} step 0 in {item!r}; a step is at least 1")
            if m["hlo"] is not None and int(m["hhi"]) < int(m["hlo"]):
                raise ValueError(f"{fname} range {item!r} runs backwards; write H(low-high)")


# --- git URLs (the grammar lives in spec/giturl.py) ----------------------------------------
def check_git_url(value: str) -> None:
    url = parse_git_url(value)
    if url is None:
        raise ValueError(
            f"{redact(value)!r} is not a git URL; use https://host/org/repo.git, "
            "ssh://git@host/org/repo.git or git@host:org/repo.git"
        )
    check_url_user(url.user)
    if url.scheme == "file":
        if not url.path.strip("/"):
            raise ValueError(f"{value!r} has no repository path; e.g. file:///srv/git/repo.git")
        return
    if not url.path.strip("/"):
        raise ValueError(f"{redact(value)!r} has no repository path; e.g. https://host/org/repo.git")


def check_url_user(user: str | None) -> None:
    """Refuse a URL whose user part carries a password or a token."""
    secret = secret_in_user(user)
    if secret:
        raise ValueError(
            f"the URL's user part carries {secret}; put it in a Jenkins credential and name "
            "its ID in the credentials field (the URL keeps host and path only)"
        )


# --- Jenkins names --------------------------------------------------------------------------
# files rendered beside a folder's items (OUT/<folder>/config.xml): an item of that name
# would be written over them
_RESERVED_NAMES = frozenset({"config.xml"})
_UNSAFE_NAME_CHARS = set("?*/\\%!@#$^&|<>[]:;\"'")


def check_item_name(value: str) -> None:
    """A Jenkins item name (job or folder): Jenkins.checkGoodName rules."""
    if not value.strip():
        raise ValueError("empty name; a Jenkins item needs a name")
    if value in {".", ".."}:
        raise ValueError(f"{value!r} is not a valid name; a name is not '.' or '..'")
    bad = sorted({c for c in value if c in _UNSAFE_NAME_CHARS or ord(c) < 32})
    if bad:
        shown = " ".join(repr(c) for c in bad)
        raise ValueError(f"name {value!r} contains {shown}; names exclude ?*/\\%!@#$^&|<>[]:; "
                         "(Jenkins' rule) and quotes")
    if value != value.strip():
        raise ValueError(f"name {value!r} has leading or trailing spaces; remove them")
    if value.endswith("."):
        raise ValueError(f"name {value!r} ends with '.', which Jenkins refuses (SECURITY-2424); "
                         "remove the dot")
    if value.casefold() in _RESERVED_NAMES:
        raise ValueError(f"name {value!r} is the name of a file jenkinsbridge writes next to the "
                         "items of a folder; choose another name")
    if len(value) > 255:
        raise ValueError("name is longer than 255 characters; shorten it")


def check_folder_path(value: str) -> None:
    """A folder path: item names joined by '/', e.g. shop or shop/backend."""
    if value.startswith("/") or value.endswith("/") or "//" in value:
        raise ValueError(f"folder path {value!r} has an empty segment; use names joined by '/'")
    for part in value.split("/"):
        try:
            check_item_name(part)
        except ValueError as e:
            raise ValueError(f"folder segment {part!r}: {e}") from None


# --- credentials IDs --------------------------------------------------------------------------
_CRED_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_SECRET_PREFIXES = ("ghp_", "gho_", "ghs_", "github_pat_", "glpat-", "xox", "AKIA", "sk-", "-----BEGIN")


def check_credentials_id_field(value: str) -> str:
    """The validator of a credentials ID field: secrets are recognised before anything
    else, so a pasted key is named as what it is and never echoed."""
    check_credentials_id(value)
    return value


def check_credentials_id(value: str) -> None:
    """A Jenkins credentials ID, and not a secret value pasted in its place."""
    if value.startswith(_SECRET_PREFIXES) or "-----BEGIN" in value:
        raise ValueError(
            "this looks like a secret value, not a credentials ID; store it in Jenkins and "
            "give the credential's ID (e.g. registry-creds)"
        )
    if "://" in value or ("@" in value and ":" in value):
        raise ValueError(
            "this looks like a URL or user:password, not a credentials ID; give the ID of a "
            "Jenkins credential (letters, digits, '.', '_', '-')"
        )
    check_control_chars(value)
    if not _CRED_ID_RE.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a credentials ID; use letters, digits, '.', '_', '-' "
            "(at most 128), e.g. git-creds"
        )
    if len(value) >= 32 and _looks_random(value):
        raise ValueError(
            "this looks like a token or password, not a credentials ID; store it in Jenkins "
            "and give the credential's ID"
        )


def _looks_random(value: str) -> bool:
    """A long run without word separators mixing digits and letters is a token, not an ID."""
    longest = max((len(p) for p in re.split(r"[._-]", value)), default=0)
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    return longest >= 24 and has_digit and has_alpha


# --- label expressions -----------------------------------------------------------------------
def check_label_expression(value: str) -> None:
    """A Jenkins label expression: labels joined by && || -> <->, with ! and parentheses."""
    if not value.strip():
        raise ValueError("empty label expression; give a label such as linux or 'docker && java'")
    parse_label_expression(value)


# --- misc -----------------------------------------------------------------------------------
_EMAIL_RE = re.compile(r"^[^@\s,;<>\"]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_DOCKER_ENDPOINT_RE = re.compile(r"^(?:unix://\S+|tcp://[A-Za-z0-9.\-\[\]:]+:\d+|ssh://\S+)$")


def check_health_path(value: str) -> None:
    if not value.startswith("/") or any(c.isspace() for c in value):
        raise ValueError(f"{value!r} is not a URL path; it starts with '/' and has no spaces, e.g. /healthz")


_MEMORY_RE = re.compile(r"[0-9]+[bkmgBKMG]?")


def check_memory(value: str) -> None:
    if not _MEMORY_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not a memory size; a number with an optional unit b, k, m "
                         "or g, e.g. 512m")


def check_email(value: str) -> None:
    if not _EMAIL_RE.match(value):
        raise ValueError(f"{value!r} is not an email address; e.g. team@example.com")


def check_docker_endpoint(value: str) -> None:
    user = value.split("://", 1)[1].rpartition("@")[0] if "://" in value else ""
    if secret_in_user(user):
        raise ValueError("endpoint carries a password or token; use an SSH key or tls_credentials "
                         "(the ID of a Jenkins credential) instead")
    if not _DOCKER_ENDPOINT_RE.match(value):
        raise ValueError(
            f"{redact(value)!r} is not a Docker endpoint; use tcp://host:2376, ssh://user@host "
            "or unix:///var/run/docker.sock"
        )


GROOVY_CONSTANT_MAX = 65_535


def groovy_constant_size(value: str) -> int:
    """The bytes a Groovy string constant takes in the class file: modified UTF-8 (1 byte
    for ASCII, 2 for NUL and up to U+07FF, 3 up to U+FFFF, 6 above)."""
    if value.isascii() and "\x00" not in value:
        return len(value)
    return (len(value.encode("utf-8", "surrogatepass")) + 2 * sum(1 for c in value if ord(c) > 0xFFFF)
            + value.count("\x00"))


def check_groovy_constant(value: str) -> None:
    """A value Groovy can hold as one string constant: at most 65,535 bytes in the class
    file (see groovy_constant_size); a Jenkinsfile with a longer one does not compile."""
    if len(value) <= GROOVY_CONSTANT_MAX // 6:
        return
    size = groovy_constant_size(value)
    if size > GROOVY_CONSTANT_MAX:
        raise ValueError(
            f"the text is {size:,} bytes; a Jenkinsfile holds at most {GROOVY_CONSTANT_MAX:,} bytes in one "
            "string, so move the commands into a script in the repository and run that"
        )


def check_control_chars(value: str, *, multiline: bool = False) -> None:
    """Refuse control characters (XML 1.0 cannot carry them); newlines where allowed."""
    if value.isprintable():  # no control character, surrogate or noncharacter: the usual case
        return
    for ch in value:
        o = ord(ch)
        if (o < 32 and not (multiline and ch in "\n\t")) or o == 0x7F or 0xFFFE <= o <= 0xFFFF:
            what = "a newline" if ch in "\r\n" else f"control character U+{o:04X}"
            raise ValueError(f"contains {what}; this field takes one line of printable text")
        if 0xD800 <= o <= 0xDFFF:
            raise ValueError("contains an unpaired surrogate; text must be valid Unicode")


_TOOL_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def check_tool_version(value: str) -> None:
    """A toolchain version becomes part of an agent label (jdk-21) and an image tag."""
    if not _TOOL_VERSION.fullmatch(value):
        raise ValueError(f"{value!r} is not a toolchain version; use a version like 21, 3.13 or 1.26 "
                         "(letters, digits, '.', '_' and '-')")
