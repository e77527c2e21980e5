"""One report: the four numbers and build health of every job of the spec in one
environment, and its JSON form (schema ``jenkinsbridge.metrics/1``, docs/metrics.md)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jenkinsbridge.metrics import bands
from jenkinsbridge.metrics.compute import FIX_WINDOW, METRICS, MIN_EVENTS, EnvMetrics, compute_env
from jenkinsbridge.metrics.fmt import iso
from jenkinsbridge.metrics.health import BuildHealth, build_health
from jenkinsbridge.metrics.model import BuildRun, DeployEvent, Window
from jenkinsbridge.metrics.stages import StageRun

__all__ = ["SCHEMA", "JobReport", "Report", "build_report"]

SCHEMA = "jenkinsbridge.metrics/1"
BANDS_SOURCE = "Accelerate State of DevOps Report 2021 (DORA), software delivery performance table"


@dataclass
class JobReport:
    job: str
    has_env: bool
    metrics: EnvMetrics
    health: BuildHealth

    def as_dict(self) -> dict[str, Any]:
        m = self.metrics
        return {
            "job": self.job, "env": m.env, "has_env": self.has_env,
            "metrics": {k: m.figures[k].as_dict() for k in METRICS},
            "weeks": [{**w, "start": iso(w["start"]), "end": iso(w["end"])} for w in m.weeks],
            "failures": [{"deploy_id": f.deploy_id, "at": iso(f.at), "kind": f.kind, "image": f.image,
                          "reason": f.reason, "restored_at": iso(f.restored_at) if f.restored_at else None,
                          "restore_seconds": f.restore_seconds} for f in m.failures],
            "build_health": self.health.as_dict(),
            "notes": list(m.notes),
        }


@dataclass
class Report:
    env: str
    window: Window
    fix_window: float
    jobs: list[JobReport] = field(default_factory=list)
    generated: float = field(default_factory=time.time)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "generated": iso(self.generated),
            "env": self.env,
            "window": {"start": iso(self.window.start), "end": iso(self.window.end),
                       "days": round(self.window.days, 3)},
            "definitions": {
                "fix_window_seconds": self.fix_window, "min_events": dict(MIN_EVENTS),
                "bands_source": BANDS_SOURCE,
                "bands": {k: {"direction": d, "limits": dict(lim)} for k, (d, lim) in bands.THRESHOLDS.items()},
            },
            "jobs": [j.as_dict() for j in self.jobs],
            "notes": list(self.notes),
        }


def build_report(jobs: Sequence[tuple[str, bool]], env: str, window: Window,
                 builds: Mapping[str, Sequence[BuildRun]], deploys: Mapping[str, Sequence[DeployEvent]], *,
                 fix_window: float = FIX_WINDOW, queue_waits: Mapping[int, float] | None = None,
                 stage_runs: Mapping[str, Sequence[StageRun] | None] | None = None) -> Report:
    """``jobs``: (full name, whether the job deploys to ``env``) in the spec's order;
    ``stage_runs``: per job, runs with stage results (None: Jenkins has none)."""
    report = Report(env=env, window=window, fix_window=fix_window)
    for job, has_env in jobs:
        runs = builds.get(job, [])
        m = compute_env(job, env, deploys.get(job, []), runs, window, fix_window=fix_window)
        if not has_env:
            m.notes.insert(0, f"the job has no {env} environment in the spec")
        stages = (stage_runs or {}).get(job)
        report.jobs.append(JobReport(job, has_env, m, build_health(job, runs, window, queue_waits, stages)))
    return report
