"""The invalid-spec corpus: tests/fixtures/invalid/<case>.yaml (or a folder <case>/ of
several spec files, passed together in name order) next to <case>.error, the exact
lines expected on stderr. Paths in .error files are relative to the repository root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INVALID_DIR = ROOT / "tests" / "fixtures" / "invalid"


@dataclass(frozen=True)
class InvalidCase:
    name: str
    inputs: tuple[str, ...]  # relative to ROOT
    expected: tuple[str, ...]


def invalid_cases(directory: Path = INVALID_DIR) -> list[InvalidCase]:
    cases = []
    for error in sorted(directory.glob("*.error")):
        name = error.stem
        single = directory / f"{name}.yaml"
        files = [single] if single.is_file() else sorted((directory / name).glob("*.yaml"))
        if not files:
            raise AssertionError(f"{error} has no {name}.yaml and no folder {name}/")
        expected = tuple(error.read_text(encoding="utf-8").splitlines())
        cases.append(InvalidCase(name, tuple(str(f.relative_to(ROOT)) for f in files), expected))
    orphans = {p.stem for p in directory.glob("*.yaml")} - {c.name for c in cases}
    if orphans:
        raise AssertionError(f"spec fixtures without an .error file: {sorted(orphans)}")
    return cases
