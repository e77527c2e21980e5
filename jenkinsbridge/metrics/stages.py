"""Stage results where Jenkins has them, and the flakiest stages.

The remote API of a run does not carry its stages; the Pipeline Stage View plugin's REST
API does: ``job/.../wfapi/runs`` (pipeline-stage-view rest-api endpoints/JobAPI.java)
gives a pipeline's newest runs (10 unless the controller raises
``JobExt.maxRunsPerJob``) with each stage's name and status (external/StatusExt.java:
SUCCESS, FAILED, UNSTABLE, ABORTED, NOT_EXECUTED, IN_PROGRESS, PAUSED_PENDING_INPUT).
Without the plugin the endpoint is a 404 and the report says stage data is not available.

A stage is flaky when it both passed and failed (FAILED or UNSTABLE) over those runs;
the flakiest flipped most often between consecutive runs in which it ran.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jenkinsbridge.errors import NotFoundError
from jenkinsbridge.jenkins.endpoints import item_url
from jenkinsbridge.jenkins.wire import JenkinsWire

__all__ = ["WFAPI_RUNS", "StageRun", "flaky_stages", "parse_stage_runs", "read_stage_runs"]

WFAPI_RUNS = "{item}wfapi/runs"
FAILED = ("FAILED", "UNSTABLE")
RAN = ("SUCCESS", *FAILED)
TOP = 5


@dataclass(frozen=True)
class StageRun:
    number: int
    started: float
    stages: tuple[tuple[str, str], ...]  # (stage name, status)


def parse_stage_runs(data: Any) -> list[StageRun]:
    out = []
    for r in data if isinstance(data, list) else []:
        rid = str(r.get("id", ""))
        if not rid.isdigit():
            continue
        stages = tuple((str(s.get("name", "")), str(s.get("status", ""))) for s in r.get("stages") or [])
        out.append(StageRun(int(rid), float(r.get("startTimeMillis") or 0) / 1000.0, stages))
    return out


def read_stage_runs(wire: JenkinsWire, job: str) -> list[StageRun] | None:
    """The job's newest runs with their stages; None when Jenkins has no stage view."""
    try:
        data = wire.json(WFAPI_RUNS.format(item=item_url(job)), action=f"read the stages of {job}")
    except NotFoundError:
        return None
    return parse_stage_runs(data)


def flaky_stages(runs: Sequence[StageRun]) -> list[dict[str, Any]]:
    """Stages that passed and failed: name, runs, failed, flips; flakiest first."""
    history: dict[str, list[str]] = {}
    for run in sorted(runs, key=lambda r: r.number):
        for name, status in run.stages:
            if status in RAN:
                history.setdefault(name, []).append(status)
    out: list[tuple[int, int, str, int]] = []  # (flips, failed, name, runs)
    for name, statuses in history.items():
        failed = sum(1 for s in statuses if s in FAILED)
        if 0 < failed < len(statuses):
            flips = sum(1 for a, b in itertools.pairwise(statuses) if (a in FAILED) != (b in FAILED))
            out.append((flips, failed, name, len(statuses)))
    out.sort(key=lambda s: (-s[0], -s[1], s[2]))
    return [{"stage": name, "runs": runs, "failed": failed, "flips": flips} for flips, failed, name, runs in out[:TOP]]
