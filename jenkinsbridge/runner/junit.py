"""JUnit results: files matched by a stage's ``junit`` glob, and their counts.

Globs are Ant patterns, as the Jenkins junit step reads them: ``**`` spans directories,
``*`` and ``?`` stay within one, and several patterns may be given separated by commas.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["JUnitCounts", "ant_pattern", "count_report", "find_reports", "match_reports"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JUnitCounts:
    tests: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0
    files: tuple[str, ...] = ()

    def __add__(self, other: JUnitCounts) -> JUnitCounts:
        return JUnitCounts(self.tests + other.tests, self.failures + other.failures,
                           self.errors + other.errors, self.skipped + other.skipped,
                           self.files + other.files)

    @property
    def passed(self) -> int:
        return self.tests - self.failures - self.errors - self.skipped

    def summary(self) -> str:
        return (f"{self.tests} tests, {self.failures} failures, {self.errors} errors, "
                f"{self.skipped} skipped")


def ant_pattern(glob: str) -> re.Pattern[str]:
    """A regex for one Ant pattern, matched against '/'-separated relative paths."""
    out: list[str] = []
    i = 0
    g = glob.strip().removeprefix("./")
    if g.endswith("/"):
        g += "**"
    while i < len(g):
        if g.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
        elif g.startswith("**", i):
            out.append(".*")
            i += 2
        elif g[i] == "*":
            out.append("[^/]*")
            i += 1
        elif g[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(g[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def match_reports(glob: str, paths: Iterable[str]) -> list[str]:
    """The relative paths matching any comma-separated pattern of ``glob``, sorted."""
    patterns = [ant_pattern(p) for p in glob.split(",") if p.strip()]
    return sorted(p for p in paths if any(rx.match(p) for rx in patterns))


def find_reports(tree: Path, glob: str) -> list[str]:
    """Relative paths under ``tree`` that the glob matches (files only)."""
    rel = (p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file())
    return match_reports(glob, rel)


def count_report(data: bytes, name: str = "") -> JUnitCounts:
    """Count the test cases of one report (``testsuites`` or a single ``testsuite``)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        log.warning("%s is not a JUnit XML report (%s); not counted", name or "report", e)
        return JUnitCounts(files=(name,))
    tests = failures = errors = skipped = 0
    for case in root.iter("testcase"):
        tests += 1
        if case.find("failure") is not None:
            failures += 1
        elif case.find("error") is not None:
            errors += 1
        elif case.find("skipped") is not None:
            skipped += 1
    return JUnitCounts(tests, failures, errors, skipped, (name,))
