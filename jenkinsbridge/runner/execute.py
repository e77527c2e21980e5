"""Run a plan: one container, the waves in order, the stages of a wave side by side.

Like a Jenkins declarative pipeline with one agent: stages share the workspace, each
stage's script runs as ``sh -xe``, a failing stage lets its parallel siblings finish and
skips every later wave, and the junit step reads the stage's reports afterwards.
The container is removed whatever happens: failure, timeout, Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from jenkinsbridge.errors import from_docker_error
from jenkinsbridge.runner.container import (
    LABEL_JOB,
    LABEL_OWNER,
    LABEL_RUN,
    LABEL_STAGE,
    OWNER,
    RunContainer,
    container_name,
)
from jenkinsbridge.runner.junit import JUnitCounts, count_report, find_reports, match_reports
from jenkinsbridge.runner.plan import AGENT_HOME, RunPlan
from jenkinsbridge.spec.models import Stage

__all__ = ["RunReport", "StageResult", "run_plan"]

log = logging.getLogger(__name__)

OnLine = Callable[[str, str], None]  # (stage name, line)

SUCCESS, FAILURE, UNSTABLE, SKIPPED, ABORTED = "SUCCESS", "FAILURE", "UNSTABLE", "SKIPPED", "ABORTED"
_MASK = "****"
_MIN_SECRET = 4  # shorter values would mask ordinary text


@dataclass
class StageResult:
    name: str
    result: str = SKIPPED
    exit_status: int | None = None
    duration: float = 0.0
    junit: JUnitCounts | None = None
    junit_glob: str | None = None  # the stage's junit glob, when it has one

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"stage": self.name, "result": self.result,
                               "exit_status": self.exit_status, "duration": round(self.duration, 3)}
        if self.junit is not None:
            out["junit"] = {"tests": self.junit.tests, "failures": self.junit.failures,
                            "errors": self.junit.errors, "skipped": self.junit.skipped,
                            "files": list(self.junit.files)}
        return out


@dataclass
class RunReport:
    job: str
    image: str
    container: str
    results: list[StageResult] = field(default_factory=list)
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return all(r.result == SUCCESS for r in self.results)

    @property
    def first_problem(self) -> StageResult | None:
        return next((r for r in self.results if r.result not in (SUCCESS, SKIPPED)), None)

    def as_dict(self) -> dict[str, Any]:
        return {"job": self.job, "image": self.image, "container": self.container, "ok": self.ok,
                "timed_out": self.timed_out, "stages": [r.as_dict() for r in self.results]}


class _Terminated(KeyboardInterrupt):
    """SIGTERM, delivered like Ctrl-C so the same cleanup runs."""


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise _Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Masker:
    def __init__(self, secrets: Mapping[str, str]) -> None:
        self.values = sorted({v for v in secrets.values() if len(v) >= _MIN_SECRET}, key=len, reverse=True)

    def __call__(self, line: str) -> str:
        for v in self.values:
            line = line.replace(v, _MASK)
        return line


def run_plan(client: Any, plan: RunPlan, *, on_line: OnLine, copy: bool = False,
             name_prefix: str = "jb-run-", labels: Mapping[str, str] | None = None,
             timeout: float | None = None, network: str | None = None,
             cache: str | None = None) -> RunReport:
    """Execute ``plan``; the report holds every stage's result (never raises for a
    failing stage: the caller decides). ``timeout`` in seconds, the job's by default;
    ``cache`` a named volume for the tools' caches (as agent templates mount one)."""
    run_id = uuid.uuid4().hex[:8]
    name = container_name(name_prefix, plan.job.name, run_id)
    all_labels = {**(labels or {}), LABEL_OWNER: OWNER, LABEL_JOB: plan.job.full_name,
                  LABEL_STAGE: ",".join(s.name for s in plan.stages), LABEL_RUN: run_id}
    box = RunContainer(client, image=plan.image, name=name, workspace=plan.workspace,
                       tree=plan.tree, copy=copy, labels=all_labels, network=network, cache=cache,
                       cache_target=f"{AGENT_HOME}/.cache")
    report = RunReport(job=plan.job.full_name, image=plan.image, container=name,
                       results=[StageResult(s.name) for s in plan.stages])
    by_name = {r.name: r for r in report.results}
    limit = timeout if timeout is not None else plan.job.timeout * 60.0
    deadline = time.monotonic() + limit
    mask = _Masker(plan.secrets)
    env = {**plan.environment, **plan.secrets, "NODE_NAME": name}
    with _sigterm_interrupts():
        try:
            _check_image(client, plan)
            if cache:
                _ensure_volume(client, cache)
            box.start()
            for wave in plan.waves:
                if any(r.result not in (SUCCESS, SKIPPED) for r in report.results):
                    break  # later waves are skipped, as after a failed Jenkins stage
                started = time.time()
                finished = _run_wave(box, wave, env, by_name, on_line, mask, deadline)
                for stage in wave:
                    if stage.junit:
                        _read_junit(box, plan, stage, by_name[stage.name], started)
                if not finished:
                    report.timed_out = True
                    on_line(wave[0].name, f"timed out after {limit:.0f}s; stopping the run")
                    break
        finally:
            for r in report.results:
                if r.result == "RUNNING":
                    r.result = ABORTED
            box.remove()
    return report


def _ensure_volume(client: Any, name: str) -> None:
    """The cache volume, made with our owner label when it does not exist yet (creating
    an existing local volume returns it unchanged)."""
    import docker.errors

    try:
        client.volumes.create(name=name, labels={LABEL_OWNER: OWNER, "io.jenkinsbridge.cache": "true"})
    except docker.errors.DockerException as e:
        raise from_docker_error(e, action=f"create cache volume {name}") from e


def _check_image(client: Any, plan: RunPlan) -> None:
    import docker.errors

    try:
        labels = client.images.get(plan.image).labels or {}
    except docker.errors.ImageNotFound:
        return  # RunContainer.start reports it with what to do
    except docker.errors.DockerException:
        return
    have = labels.get("io.jenkinsbridge.tool-version")
    if have and plan.tool_version and not _same_version(have, plan.tool_version):
        log.warning("job %s asks for %s %s; image %s has %s", plan.job.full_name,
                    plan.job.language, plan.tool_version, plan.image, have)


def _same_version(a: str, b: str) -> bool:
    pa, pb = a.split("."), b.split(".")
    n = min(len(pa), len(pb))
    return pa[:n] == pb[:n]


def _run_wave(box: RunContainer, wave: tuple[Stage, ...], env: Mapping[str, str],
              by_name: dict[str, StageResult], on_line: OnLine, mask: _Masker,
              deadline: float) -> bool:
    """Run the wave's stages side by side; False when the deadline passed."""
    pool = ThreadPoolExecutor(max_workers=len(wave), thread_name_prefix="jb-stage")
    futures: dict[Future[None], Stage] = {}
    try:
        for stage in wave:
            by_name[stage.name].result = "RUNNING"
            futures[pool.submit(_run_stage, box, stage, env, by_name[stage.name], on_line, mask)] = stage
        pending = set(futures)
        while pending:  # short waits keep the main thread free for Ctrl-C and SIGTERM
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for f in done:
                f.result()
            if pending and time.monotonic() > deadline:
                for f in pending:
                    by_name[futures[f].name].result = ABORTED
                box.remove()  # ends the running execs
                return False
        return True
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _run_stage(box: RunContainer, stage: Stage, env: Mapping[str, str], result: StageResult,
               on_line: OnLine, mask: _Masker) -> None:
    t0 = time.monotonic()
    on_line(stage.name, f"--- stage {stage.name} ---")
    # Jenkins' sh step: the script under `sh -xe` (trace on, stop at the first error)
    status = box.exec(["/bin/sh", "-xe", "-c", stage.run], env,
                      lambda line, _err: on_line(stage.name, mask(line)))
    result.duration = time.monotonic() - t0
    result.exit_status = status
    if result.result != ABORTED:  # the run's deadline may have stopped it
        result.result = SUCCESS if status == 0 else (ABORTED if status < 0 else FAILURE)
    on_line(stage.name, f"--- stage {stage.name}: {result.result} "
                        f"(exit {status}, {result.duration:.1f}s) ---")


def _read_junit(box: RunContainer, plan: RunPlan, stage: Stage, result: StageResult,
                started: float) -> None:
    """The junit step: reports matching the glob, written during this run, counted."""
    assert stage.junit is not None
    fresh = started - 2.0  # as Jenkins, ignore reports older than the build
    counts = JUnitCounts()
    if box.copy:
        if box.id is None:
            return
        files = box.list_files()
        for rel in match_reports(stage.junit, files):
            if files[rel] >= fresh:
                counts += count_report(box.read_file(rel), rel)
    else:
        for rel in find_reports(plan.tree, stage.junit):
            path = plan.tree / rel
            if path.stat().st_mtime >= fresh:
                counts += count_report(path.read_bytes(), rel)
    result.junit, result.junit_glob = counts, stage.junit
    # as the rendered Jenkinsfiles: failing tests, or no report at all (junit's "No test
    # report files were found", caught as UNSTABLE), make a passing stage UNSTABLE
    if result.result == SUCCESS and (counts.failures or counts.errors or not counts.files):
        result.result = UNSTABLE
