"""Which release to build with, from the version constraint a project states.

A constraint (``requires-python = ">=3.10,<3.13"``, ``engines.node = "<22"``, composer's
``"php": "^8.1"``) says what the project allows, not what to use: the wizard picks the
newest supported release it allows. "Newest" is the language's default in
job_templates/languages/<lang>/defaults.yaml (the one place that says which toolchains
are current); "supported" is the release lines below that still maintained upstream. A
constraint that allows no supported line gets the newest line it allows. Constraints are
read with ``packaging`` (PEP 440); npm and Composer ranges are turned into that form
first."""

from __future__ import annotations

import re

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from jenkinsbridge.render.languages import language_defaults

__all__ = ["RELEASES", "SUPPORTED_FROM", "current", "newest_allowed", "pep440"]

# Release lines a project may ask for, oldest first (Node: the LTS majors).
RELEASES: dict[str, tuple[str, ...]] = {
    "python": ("3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"),
    "node": ("12", "14", "16", "18", "20", "22", "24", "26"),
    "php": ("7.2", "7.3", "7.4", "8.0", "8.1", "8.2", "8.3", "8.4", "8.5"),
    "go": tuple(f"1.{n}" for n in range(13, 28)),
}
# The oldest line still maintained upstream (end-of-life dates as of 2026-12).
SUPPORTED_FROM: dict[str, str] = {"python": "3.11", "node": "22", "php": "8.2", "go": "1.25"}

_NUM = r"v?\d+(?:\.(?:\d+|[xX*]))*"


def current(language: str) -> str:
    """The newest release jenkinsbridge uses for ``language``: its default."""
    return language_defaults(language).version


def _key(line: str) -> Version:
    return Version(line)


def _allows(spec: SpecifierSet, line: str) -> bool:
    """The release line, by its first release, or by its latest patch when the constraint
    names a patch of that very line as a lower bound (``>=3.12.3`` allows 3.12)."""
    if Version(line) in spec:
        return True
    return Version(f"{line}.999") in spec and any(
        s.operator in (">=", "~=", "==") and s.version.startswith(f"{line}.") for s in spec)


def newest_allowed(language: str, specs: list[SpecifierSet]) -> str | None:
    """The newest supported line (up to the default) any of ``specs`` allows; else the
    newest line at all that one allows; None when none does."""
    top = _key(current(language))
    lines = sorted({*RELEASES[language], current(language)}, key=_key)
    lines = [ln for ln in lines if _key(ln) <= top]
    allowed = [ln for ln in lines if any(_allows(s, ln) for s in specs)]
    if not allowed:
        return None
    supported = [ln for ln in allowed if _key(ln) >= _key(SUPPORTED_FROM[language])]
    return (supported or allowed)[-1]


def _bump(version: str, index: int) -> str:
    parts = [int(p) for p in version.split(".")]
    parts = parts[: index + 1]
    parts[index] += 1
    return ".".join(map(str, parts))


def _clause(token: str) -> list[str]:
    """One npm/Composer comparator as PEP 440 specifiers."""
    m = re.fullmatch(rf"(\^|~|>=|<=|>|<|=|==)?\s*({_NUM})", token)
    if m is None:
        raise ValueError(token)
    op, raw = m.group(1) or "", m.group(2).lstrip("v")
    parts = [p for p in raw.split(".") if p not in ("x", "X", "*")]
    version = ".".join(parts)
    wildcard = len(parts) < len(raw.split("."))
    if op == "^":
        first = next((i for i, p in enumerate(parts) if p != "0"), len(parts) - 1)
        return [f">={version}", f"<{_bump(version, first)}"]
    if op == "~":
        return [f">={version}", f"<{_bump(version, min(1, len(parts) - 1) if len(parts) > 1 else 0)}"]
    if op in ("", "=", "==") and (wildcard or len(parts) < 3):
        return [f"=={version}.*"]
    return [f"{op if op not in ('', '=') else '=='}{version}"]


def pep440(constraint: str) -> list[SpecifierSet]:
    """A constraint in PEP 440, npm or Composer form as alternatives (``||``)."""
    out: list[SpecifierSet] = []
    for alt in re.split(r"\s*\|\|?\s*", constraint.strip()):
        if not alt:
            continue
        try:
            out.append(SpecifierSet(alt))
            continue
        except InvalidSpecifier:
            pass
        hyphen = re.fullmatch(rf"({_NUM})\s+-\s+({_NUM})", alt)
        tokens = ([f">={hyphen.group(1)}", f"<={hyphen.group(2)}"] if hyphen
                  else re.findall(rf"(?:\^|~|>=|<=|>|<|==|=)?\s*{_NUM}", alt))
        try:
            clauses = [c for t in tokens for c in _clause(t.strip())]
            if clauses:
                out.append(SpecifierSet(",".join(clauses)))
        except (ValueError, InvalidSpecifier, InvalidVersion):
            continue
    return out
