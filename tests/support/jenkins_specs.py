"""Spec files for Jenkins sync tests and benchmarks: N jobs, optionally in folders."""

from __future__ import annotations

from pathlib import Path

import yaml

__all__ = ["write_spec"]


def write_spec(path: Path, count: int, *, folder: str | None = "bench", credentials: str | None = None,
               version: str = "3.12", views: list[str] | None = None, changed: set[int] | None = None,
               names: list[str] | None = None) -> Path:
    """A spec with ``count`` python jobs ``job-0000``...; jobs whose index is in ``changed``
    get a different toolchain version (a changed config)."""
    jobs = []
    for i in range(count):
        name = names[i] if names else f"job-{i:04d}"
        job: dict[str, object] = {
            "name": name, "language": "python",
            "version": "3.11" if changed and i in changed else version,
            "source": {"url": f"https://git.example.com/acme/{name}.git", "branch": "main"},
        }
        if credentials:
            job["source"] = {**job["source"], "credentials": credentials}  # type: ignore[dict-item]
        if views:
            job["views"] = views
        jobs.append(job)
    doc: dict[str, object] = {"version": 1, "jobs": jobs}
    if folder:
        doc["defaults"] = {"folder": folder}
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path
