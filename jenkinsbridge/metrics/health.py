"""Build health of a job over the window: success rate, duration percentiles and the
time builds waited in the queue (when the provisioner's records are given)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from jenkinsbridge.agents.metrics import percentile
from jenkinsbridge.metrics.model import BuildRun, Window
from jenkinsbridge.metrics.stages import StageRun, flaky_stages

__all__ = ["COUNTED", "BuildHealth", "build_health"]

# results that say whether the change was good; ABORTED and NOT_BUILT say nothing about it
COUNTED = ("SUCCESS", "UNSTABLE", "FAILURE")


@dataclass
class BuildHealth:
    job: str
    builds: int  # finished in the window, every result
    counted: int  # of those, SUCCESS, UNSTABLE or FAILURE
    success_rate: float | None
    duration_p50: float | None
    duration_p95: float | None
    queue_p50: float | None
    queue_p95: float | None
    queue_events: int
    results: dict[str, int]
    stage_data: bool = False  # whether Jenkins gave stage results (pipeline stage view)
    flaky_stages: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_health(job: str, builds: Sequence[BuildRun], window: Window,
                 queue_waits: Mapping[int, float] | None = None,
                 stage_runs: Sequence[StageRun] | None = None) -> BuildHealth:
    """Builds of ``job`` that started in the window and finished; ``queue_waits`` maps a
    build's queue item id to the seconds it waited; ``stage_runs`` (None: not available)
    are the runs with stage results, of which those started in the window count."""
    done = [b for b in builds if b.job == job and b.result is not None and b.started in window]
    results: dict[str, int] = {}
    for b in done:
        results[b.result or ""] = results.get(b.result or "", 0) + 1
    counted = [b for b in done if b.result in COUNTED]
    ok = sum(1 for b in counted if b.result == "SUCCESS")
    durations = [b.duration for b in done]
    known = queue_waits or {}
    waits = [known[b.queue_id] for b in done if b.queue_id is not None and b.queue_id in known]
    return BuildHealth(job=job, builds=len(done), counted=len(counted),
                       success_rate=ok / len(counted) if counted else None,
                       duration_p50=percentile(durations, 50), duration_p95=percentile(durations, 95),
                       queue_p50=percentile(waits, 50), queue_p95=percentile(waits, 95),
                       queue_events=len(waits), results=dict(sorted(results.items())),
                       stage_data=stage_runs is not None,
                       flaky_stages=flaky_stages([r for r in stage_runs or [] if r.started in window]))
