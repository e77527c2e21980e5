"""Build history of the double's jobs: runs with number, result, timestamp, duration and
git change sets, exported the way Jenkins core and the git plugin export them.

Each behaviour follows the source named beside it:

- jenkinsci/jenkins core/src/main/java/hudson/model/Job.java: ``getBuilds()`` is
  ``@Exported(name = "allBuilds", visibility = -2)`` (every run; shown only when a
  ``tree=`` names it, or at depth 3 and more, see exporter.py) and ``getNewBuilds()`` is
  ``@Exported(name = "builds")`` = ``getBuilds().limit(100)``.
- core/src/main/java/jenkins/model/lazy/AbstractLazyLoadRunMap.java: runs are kept by
  number in descending order (``Collections.reverseOrder()``): newest first.
- core/src/main/java/hudson/model/Run.java: ``@Exported`` number and url (visibility 2,
  so they are what a run shows beyond the depth), result (null while building),
  building, inProgress, timestamp (a Calendar, written as epoch milliseconds by
  jenkinsci/stapler core/src/main/java/org/kohsuke/stapler/export/Property.java),
  duration (milliseconds, 0 while building), estimatedDuration, id, displayName,
  fullDisplayName, description, keepLog, queueId, executor, artifacts.
- jenkinsci/workflow-job-plugin src/main/java/org/jenkinsci/plugins/workflow/job/WorkflowRun.java:
  ``@Exported getChangeSets()``, one change log set per checkout.
- core/src/main/java/hudson/model/AbstractBuild.java: a freestyle build exports
  ``changeSet`` (one set, ``@Exported getChangeSet()``); its ``getChangeSets()`` is not exported.
- core/src/main/java/hudson/scm/ChangeLogSet.java: a set exports ``items`` and ``kind``; an
  entry ``commitId``, ``timestamp`` (-1 when unknown), ``msg``, ``author``, ``affectedPaths``.
- jenkinsci/git-plugin src/main/java/hudson/plugins/git/GitChangeSet.java: ``msg`` is the
  title (first line), ``comment`` the whole message, ``id`` = ``commitId``, ``date`` the
  committer date (``authorOrCommitter`` false by default) and ``timestamp`` parsed from
  it, ``authorEmail``, ``paths`` (``file``, ``editType``); GitChangeSetList.java: kind "git".
- jenkinsci/pipeline-stage-view-plugin rest-api (only when the ``pipeline-stage-view``
  plugin is installed): ``job/.../wfapi/runs`` (AbstractAPIActionHandler.URL_BASE "wfapi",
  endpoints/JobAPI.java ``doRuns``) lists a pipeline's newest runs, at most
  ``JobExt.MAX_RUNS_PER_JOB_DEFAULT`` = 10, as external/RunExt.java (id, name, status,
  startTimeMillis, endTimeMillis, durationMillis, queueDurationMillis,
  pauseDurationMillis, stages) with stages as external/StageNodeExt.java and
  FlowNodeExt.java (id, name, execNode, status, startTimeMillis, durationMillis,
  pauseDurationMillis); statuses are external/StatusExt.java (SUCCESS, FAILED, UNSTABLE,
  ABORTED, NOT_EXECUTED, IN_PROGRESS, PAUSED_PENDING_INPUT), a run's from its Result.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = ["ALL_RANGE", "LIMIT", "VISIBILITY", "GitCommit", "History", "Ranged", "Run", "add_run", "parse_range",
           "run_properties", "wfapi_runs"]

LIMIT = 100  # Job.getNewBuilds(): getBuilds().limit(100)
WORKFLOW_RUN = "org.jenkinsci.plugins.workflow.job.WorkflowRun"
FREESTYLE_BUILD = "hudson.model.FreeStyleBuild"

# Properties exported with a visibility other than the default 1 (``@Exported(visibility=)``);
# a property shows at depth d on nesting level L when visibility >= 1 - d + L (stapler
# core/src/main/java/org/kohsuke/stapler/export/TreePruner.java ByDepth, started by
# jenkins core/src/main/java/hudson/model/Api.java as ``new ByDepth(1 - depth)``).
VISIBILITY = {"allBuilds": -2}  # hudson/model/Job.java getBuilds()
ALL_RANGE = (0, 2**31 - 1)


class Ranged(dict[str, Any]):
    """A tree level with the ``{m,n}`` range of the list it selects (stapler
    core/src/main/java/org/kohsuke/stapler/export/NamedPathPruner.java parseRange:
    ``{N,M}``, ``{N}`` = N..N+1, ``{,M}`` = 0..M, ``{N,}``; Range.java applies it as a sublist)."""

    range: tuple[int, int] = ALL_RANGE


def parse_range(text: str) -> tuple[int, int]:
    lo, comma, hi = text.partition(",")
    if not comma:  # {N}
        if not lo.isdigit():
            raise ValueError(f"expected number in {{{text}}}")
        return int(lo), int(lo) + 1
    if not lo:  # {,M}
        if not hi.isdigit():
            raise ValueError(f"expected number in {{{text}}}")
        return 0, int(hi)
    if not lo.isdigit() or (hi and not hi.isdigit()):  # {N,M} or {N,}
        raise ValueError(f"expected number in {{{text}}}")
    return int(lo), int(hi) if hi else ALL_RANGE[1]


@dataclass(frozen=True)
class GitCommit:
    id: str
    timestamp: float  # committer time, seconds
    message: str = "change"
    author: str = "dev"
    email: str = "dev@example.com"
    paths: tuple[str, ...] = ("README.md",)

    def exported(self) -> dict[str, Any]:
        date = datetime.fromtimestamp(self.timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%S") + "+0000"
        return {"_class": "hudson.plugins.git.GitChangeSet", "affectedPaths": list(self.paths),
                "commitId": self.id, "timestamp": int(self.timestamp * 1000),
                "author": {"absoluteUrl": f"http://jenkins/user/{self.author}", "fullName": self.author},
                "authorEmail": self.email, "comment": self.message + "\n", "date": date, "id": self.id,
                "msg": self.message.split("\n", 1)[0],
                "paths": [{"editType": "edit", "file": p} for p in self.paths]}

    def summary(self) -> dict[str, Any]:
        return self.exported()


@dataclass(frozen=True)
class _ChangeSet:
    commits: tuple[GitCommit, ...]

    def exported(self) -> dict[str, Any]:
        return {"_class": "hudson.plugins.git.GitChangeSetList", "items": list(self.commits), "kind": "git"}

    def summary(self) -> dict[str, Any]:
        return self.exported()


@dataclass
class Run:
    number: int
    result: str | None  # None while building
    timestamp: float  # seconds
    duration: float  # seconds
    commits: tuple[GitCommit, ...] = ()
    queue_id: int = 0
    workflow: bool = True
    stages: tuple[tuple[str, str, float], ...] = ()  # (name, StatusExt, seconds)


@dataclass(eq=False)
class _BoundRun:
    run: Run
    job_name: str
    job_url: str

    def summary(self) -> dict[str, Any]:
        return {"_class": WORKFLOW_RUN if self.run.workflow else FREESTYLE_BUILD, "number": self.run.number,
                "url": f"{self.job_url}{self.run.number}/"}

    def exported(self) -> dict[str, Any]:
        r = self.run
        building = r.result is None
        out = {**self.summary(), "actions": [], "artifacts": [], "building": building, "description": None,
               "displayName": f"#{r.number}", "duration": 0 if building else int(r.duration * 1000),
               "estimatedDuration": int(r.duration * 1000), "executor": None,
               "fullDisplayName": f"{self.job_name.replace('/', ' » ')} #{r.number}", "id": str(r.number),
               "inProgress": building, "keepLog": False, "queueId": r.queue_id, "result": r.result,
               "timestamp": int(r.timestamp * 1000)}
        sets = [_ChangeSet(r.commits)] if r.commits else []
        if r.workflow:
            out["changeSets"] = sets
        else:
            out["changeSet"] = sets[0] if sets else {"_class": "hudson.scm.EmptyChangeLogSet", "items": [],
                                                     "kind": None}
        return out


@dataclass
class History:
    runs: dict[int, Run] = field(default_factory=dict)

    def newest_first(self) -> list[Run]:
        return [self.runs[n] for n in sorted(self.runs, reverse=True)]


def history_of(job: Any) -> History:
    h: History | None = getattr(job, "history", None)
    if h is None:
        h = History()
        job.history = h
    return h


def add_run(jd: Any, path: str, *, result: str | None = "SUCCESS", timestamp: float | None = None,
            duration: float = 60.0, commits: tuple[GitCommit, ...] = (), number: int | None = None,
            queue_id: int = 0, stages: tuple[tuple[str, str, float], ...] = ()) -> Run:
    """Give the job at ``path`` of the double ``jd`` a run (the next number unless given)."""
    job = jd.item(path)
    if job is None:
        raise KeyError(path)
    with jd.state.lock:
        n = number if number is not None else job.next_build
        run = Run(n, result, time.time() if timestamp is None else timestamp, duration, tuple(commits),
                  queue_id or n, workflow=job.root.tag == "flow-definition", stages=tuple(stages))
        history_of(job).runs[n] = run
        job.next_build = max(job.next_build, n + 1)
    return run


def run_properties(job: Any, base: str) -> dict[str, Any]:
    """What a job exports about its runs (Job.java; see the module's opening comment)."""
    runs = [_BoundRun(r, job.full_name, job.url(base)) for r in history_of(job).newest_first()]
    if not runs and job.builds:  # runs recorded the old way (dicts)
        return {"builds": list(reversed(job.builds))}

    def last(pred: Any) -> _BoundRun | None:
        return next((b for b in runs if pred(b.run)), None)

    return {"builds": runs[:LIMIT], "allBuilds": runs,
            "firstBuild": runs[-1] if runs else None, "lastBuild": runs[0] if runs else None,
            "lastCompletedBuild": last(lambda r: r.result is not None),
            "lastSuccessfulBuild": last(lambda r: r.result in ("SUCCESS", "UNSTABLE")),
            "lastFailedBuild": last(lambda r: r.result == "FAILURE")}


MAX_RUNS_PER_JOB = 10  # pipeline-stage-view JobExt.MAX_RUNS_PER_JOB_DEFAULT
_STATUS = {"SUCCESS": "SUCCESS", "FAILURE": "FAILED", "UNSTABLE": "UNSTABLE", "ABORTED": "ABORTED",
           "NOT_BUILT": "NOT_EXECUTED", None: "IN_PROGRESS"}  # StatusExt.valueOf(Result)


def wfapi_runs(job: Any) -> list[dict[str, Any]]:
    """``wfapi/runs`` of a pipeline job (see the module's opening comment)."""
    out = []
    for r in history_of(job).newest_first()[:MAX_RUNS_PER_JOB]:
        start = int(r.timestamp * 1000)
        stages, t = [], start
        for i, (name, status, seconds) in enumerate(r.stages):
            href = f"/{job.full_name}/{r.number}/execution/node/{i + 6}/wfapi/describe"
            stages.append({"_links": {"self": {"href": href}},
                           "id": str(i + 6), "name": name, "execNode": "", "status": status,
                           "startTimeMillis": t, "durationMillis": int(seconds * 1000), "pauseDurationMillis": 0})
            t += int(seconds * 1000)
        out.append({"_links": {"self": {"href": f"/{job.full_name}/{r.number}/wfapi/describe"}}, "id": str(r.number),
                    "name": f"#{r.number}", "status": _STATUS[r.result], "startTimeMillis": start,
                    "endTimeMillis": start + int(r.duration * 1000), "durationMillis": int(r.duration * 1000),
                    "queueDurationMillis": 0, "pauseDurationMillis": 0, "stages": stages})
    return out
