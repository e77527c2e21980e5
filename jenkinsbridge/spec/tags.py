"""Image tag templates: the placeholders they may use, in one table, and the one
:class:`TagValues` that fills them.

The spec's check of ``image.tags`` (:func:`check_tag_template`), the image commands
(jenkinsbridge/images/values.py) and their messages all read :data:`PLACEHOLDERS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["PLACEHOLDERS", "TAG_RE", "Placeholder", "TagValues", "check_tag_template", "expand_tag",
           "sanitize_tag"]

TAG_RE = re.compile(r"^[\w][\w.-]{0,127}$")
_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Placeholder:
    name: str
    sample: str  # a typical value, to check a template's shape without real values
    source: str  # where the image commands take its value from (for "no value" messages)


PLACEHOLDERS: dict[str, Placeholder] = {p.name: p for p in (
    Placeholder("commit", "0123456789abcdef0123456789abcdef01234567", "pass --commit SHA or set GIT_COMMIT"),
    Placeholder("short_commit", "0123456", "pass --commit SHA or set GIT_COMMIT"),
    Placeholder("build", "42", "pass --build N or set BUILD_NUMBER"),
    Placeholder("branch", "main", "pass --branch NAME or set BRANCH_NAME"),
    Placeholder("version", "1.0.0", "pass --version V or set JB_IMAGE_VERSION (or tag the commit in git)"),
)}


@dataclass(frozen=True)
class TagValues:
    """Values of the tag placeholders; None where nothing provides one."""

    commit: str | None = None
    build: str | None = None
    branch: str | None = None
    version: str | None = None

    @property
    def short_commit(self) -> str | None:
        return self.commit[:7] if self.commit else None

    def as_dict(self) -> dict[str, str]:
        pairs = {name: getattr(self, name) for name in PLACEHOLDERS}
        return {k: v for k, v in pairs.items() if v}


def sanitize_tag(value: str) -> str:
    """Make any string (a branch name) a valid tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}."""
    out = re.sub(r"[^A-Za-z0-9_.-]+", "-", value)
    out = re.sub(r"^[.-]+", "", out)
    return (out or "untagged")[:128]


def expand_tag(template: str, values: dict[str, str]) -> str:
    """Fill a tag template; values are sanitised so the result is a valid tag."""

    def sub(m: re.Match[str]) -> str:
        key = m.group(1)
        if key not in values:
            raise ValueError(f"no value for placeholder {{{key}}}")
        return sanitize_tag(values[key])

    tag = _PLACEHOLDER_RE.sub(sub, template)
    if not TAG_RE.match(tag):
        raise ValueError(f"tag {tag!r} is not valid; tags are [A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}}")
    return tag


def check_tag_template(value: str) -> None:
    for key in _PLACEHOLDER_RE.findall(value):
        if key not in PLACEHOLDERS:
            allowed = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            raise ValueError(f"unknown placeholder {{{key}}}; allowed: {allowed}")
    sample = _PLACEHOLDER_RE.sub(lambda m: PLACEHOLDERS[m.group(1)].sample, value)
    if "{" in sample or "}" in sample or not TAG_RE.match(sample):
        raise ValueError(
            f"{value!r} is not a valid tag; tags are letters, digits, '_', '.', '-' "
            "(not first), at most 128, with placeholders like {commit} or {build}"
        )
