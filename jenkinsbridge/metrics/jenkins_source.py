"""Builds of the spec's jobs from Jenkins: one ``tree=`` request per folder.

The request names exactly the fields used, as Jenkins exports them:

- ``allBuilds`` (core hudson/model/Job.java ``@Exported(name = "allBuilds", visibility = -2)``:
  every run, newest first, and only when a ``tree=`` names it; ``builds`` would stop at
  100), cut to the newest N with a ``{0,N}`` range (stapler NamedPathPruner);
- per run (core hudson/model/Run.java): ``number``, ``result`` (null while building),
  ``timestamp`` (epoch ms), ``duration`` (ms), ``queueId`` (to join the provisioner's
  queue waits);
- the change sets: ``changeSets`` of a pipeline run (workflow-job WorkflowRun.java) or
  ``changeSet`` of a freestyle build (core AbstractBuild.java), each with ``items``
  whose ``commitId`` and ``timestamp`` (core hudson/scm/ChangeLogSet.java Entry) the git
  plugin fills from the commit id and the committer date (git-plugin GitChangeSet.java;
  -1 when it has no date, which we skip).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from jenkinsbridge.jenkins.endpoints import split_path
from jenkinsbridge.jenkins.wire import JenkinsWire
from jenkinsbridge.metrics.model import BuildRun, Commit

__all__ = ["DEFAULT_LIMIT", "builds_query", "parse_runs", "read_builds"]

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 1000
_ENTRY = "items[commitId,timestamp]"
RUN_FIELDS = f"number,result,timestamp,duration,queueId,changeSets[{_ENTRY}],changeSet[{_ENTRY}]"


def builds_query(limit: int) -> str:
    """The ``tree=`` of a folder: its jobs' names and their newest ``limit`` runs."""
    return f"jobs[name,allBuilds[{RUN_FIELDS}]{{0,{limit}}}]"


def _commits(run: dict[str, Any]) -> tuple[Commit, ...]:
    sets = list(run.get("changeSets") or [])
    if isinstance(run.get("changeSet"), dict):
        sets.append(run["changeSet"])
    out: list[Commit] = []
    for cs in sets:
        for item in (cs or {}).get("items") or []:
            cid, ts = item.get("commitId"), item.get("timestamp")
            if cid and isinstance(ts, int | float) and ts > 0:
                out.append(Commit(str(cid), ts / 1000.0))
    return tuple(out)


def parse_runs(job: str, runs: Iterable[dict[str, Any]]) -> list[BuildRun]:
    out = []
    for r in runs:
        if not isinstance(r.get("number"), int) or not isinstance(r.get("timestamp"), int | float):
            continue
        qid = r.get("queueId")
        out.append(BuildRun(job=job, number=r["number"], result=r.get("result"), started=r["timestamp"] / 1000.0,
                            duration=float(r.get("duration") or 0) / 1000.0,
                            queue_id=qid if isinstance(qid, int) and qid > 0 else None, commits=_commits(r)))
    return out


def read_builds(wire: JenkinsWire, jobs: Iterable[str], *, limit: int = DEFAULT_LIMIT) -> dict[str, list[BuildRun]]:
    """Full job name -> its newest ``limit`` runs; a job Jenkins does not have maps to []."""
    by_folder: dict[str, set[str]] = {}
    for full in jobs:
        folder, name = split_path(full)
        by_folder.setdefault(folder, set()).add(name)
    out: dict[str, list[BuildRun]] = {}
    query = builds_query(limit)
    for folder, names in sorted(by_folder.items()):
        data = wire.tree(query, item=folder)
        for child in data.get("jobs") or []:
            name = child.get("name")
            if name in names:
                full = f"{folder}/{name}" if folder else str(name)
                out[full] = parse_runs(full, child.get("allBuilds") or [])
        for name in names:
            full = f"{folder}/{name}" if folder else name
            if full not in out:
                log.warning("Jenkins has no job %s; it has no builds to count", full)
                out[full] = []
    return out
