"""The four numbers for one job in one environment, over a window and per week.

Definitions (docs/metrics.md has the long form):

- A *production deploy* is a history record with action ``deploy`` that finished
  (result ``success`` or ``failed``). It counts in the window when it ended in it.
- *Deployment frequency*: successful production deploys in the window per day.
- *Change failure*: a production deploy that failed (its health gate or rollout failed),
  or that succeeded and was followed by a ``rollback`` before the next deploy, or by the
  next successful deploy within ``fix_window`` seconds of its end (a fix deploy).
  The rate is failures over production deploys.
- *Time to restore*: from the end of a failed change to the end of the next successful
  deploy or rollback; median.
- *Lead time*: for each commit, from its commit time to the end of the first successful
  deploy of an image built from a build at or after the one whose change set brought the
  commit in; median and p90. The first successful deploy of an environment's history is
  its baseline: what it shipped may have been shipped before, so it gives no lead times.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from jenkinsbridge.agents.metrics import percentile
from jenkinsbridge.metrics.bands import band
from jenkinsbridge.metrics.model import DAY, BuildRun, Commit, DeployEvent, Window

__all__ = ["FIX_WINDOW", "MIN_EVENTS", "EnvMetrics", "Failure", "Figure", "compute_env"]

FIX_WINDOW = 3600.0
# below these, a figure is withheld ("too little data") instead of printed
MIN_EVENTS = {"deployment_frequency": 7, "lead_time": 5, "change_failure_rate": 5, "time_to_restore": 2}
METRICS = ("deployment_frequency", "lead_time", "change_failure_rate", "time_to_restore")
UNITS = {"deployment_frequency": "per_day", "lead_time": "seconds", "change_failure_rate": "ratio",
         "time_to_restore": "seconds"}


@dataclass
class Figure:
    metric: str
    value: float | None
    events: int
    how: str
    too_little_data: str | None = None
    p90: float | None = None
    band: str | None = None

    @property
    def unit(self) -> str:
        return UNITS[self.metric]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "unit": self.unit}


@dataclass
class Failure:
    deploy_id: str
    at: float  # when the failed change ended
    kind: str  # failed | rolled back | fixed by next deploy
    image: str
    reason: str = ""
    restored_at: float | None = None

    @property
    def restore_seconds(self) -> float | None:
        return None if self.restored_at is None else self.restored_at - self.at


@dataclass
class EnvMetrics:
    job: str
    env: str
    window: Window
    figures: dict[str, Figure]
    weeks: list[dict[str, Any]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _median(values: Sequence[float]) -> float | None:
    return percentile(list(values), 50)


def _attempt(e: DeployEvent) -> bool:
    return e.action == "deploy" and e.result in ("success", "failed")


def classify(events: Sequence[DeployEvent], fix_window: float = FIX_WINDOW) -> list[Failure]:
    """The failed changes among ``events`` (one job and environment, time order)."""
    out: list[Failure] = []
    for i, e in enumerate(events):
        if not _attempt(e):
            continue
        kind = "failed" if e.result == "failed" else ""
        later = events[i + 1:]
        if not kind:
            for nxt in later:
                if nxt.action == "rollback":
                    kind = "rolled back"
                    break
                if _attempt(nxt):
                    if nxt.result == "success" and nxt.started - e.end <= fix_window:
                        kind = "fixed by next deploy"
                    if nxt.result == "success":
                        break
        if not kind:
            continue
        f = Failure(e.id, e.end, kind, e.image, e.reason)
        for nxt in later:
            if nxt.action in ("deploy", "rollback") and nxt.result == "success":
                f.restored_at = nxt.end
                break
        out.append(f)
    return out


def lead_times(events: Sequence[DeployEvent], builds: Iterable[BuildRun]) -> tuple[list[tuple[float, float]], int]:
    """(deploy end, lead time seconds) per commit, and how many successful deploys had no
    build to link to."""
    first: dict[str, Commit] = {}
    owner: dict[str, int] = {}
    by_number: dict[int, list[Commit]] = {}
    for b in sorted(builds, key=lambda b: b.number):
        for c in b.commits:
            if c.id not in owner and c.time > 0:
                owner[c.id] = b.number
                first[c.id] = c
                by_number.setdefault(b.number, []).append(c)
    numbers = sorted(by_number)
    out: list[tuple[float, float]] = []
    unlinked = 0
    shipped: int | None = None
    for e in sorted((e for e in events if _attempt(e) and e.result == "success"), key=lambda e: e.end):
        if e.build is None:
            unlinked += 1
            continue
        if shipped is None:
            shipped = e.build
            continue
        if e.build <= shipped:
            continue
        lo = bisect.bisect_right(numbers, shipped)
        hi = bisect.bisect_right(numbers, e.build)
        for n in numbers[lo:hi]:
            # a commit dated after the deploy (a skewed clock where it was made) counts as 0
            out.extend((e.end, max(0.0, e.end - c.time)) for c in by_number[n])
        shipped = e.build
    return out, unlinked


def _figures(events: Sequence[DeployEvent], failures: Sequence[Failure], leads: Sequence[tuple[float, float]],
             window: Window, history_start: float | None) -> dict[str, Figure]:
    attempts = [e for e in events if _attempt(e) and e.end in window]
    ok = [e for e in attempts if e.result == "success"]
    failed = [f for f in failures if f.at in window]
    days = window.days
    out: dict[str, Figure] = {}

    covered = 0.0 if history_start is None else (window.end - max(window.start, history_start)) / DAY
    df = Figure("deployment_frequency", len(ok) / days if days else None, len(ok),
                f"{len(ok)} successful production deploys in {days:.1f} days")
    if history_start is None:
        df.too_little_data = "no deploy history"
    elif covered < MIN_EVENTS["deployment_frequency"]:
        df.too_little_data = f"the history covers {covered:.1f} days of the window; needs 7"
    out[df.metric] = df

    values = [lt for end, lt in leads if end in window]
    lt = Figure("lead_time", _median(values), len(values),
                f"median of {len(values)} commits, commit to the deploy that shipped it",
                p90=percentile(values, 90))
    out[lt.metric] = lt

    cfr = Figure("change_failure_rate", len(failed) / len(attempts) if attempts else None, len(attempts),
                 f"{len(failed)} failed changes of {len(attempts)} production deploys")
    out[cfr.metric] = cfr

    restored = [f.restore_seconds for f in failed if f.restore_seconds is not None]
    open_ = len(failed) - len(restored)
    ttr = Figure("time_to_restore", _median(restored), len(restored),
                 f"median of {len(restored)} restored failures" + (f"; {open_} not restored yet" if open_ else ""))
    out[ttr.metric] = ttr

    for metric in ("lead_time", "change_failure_rate", "time_to_restore"):
        f = out[metric]
        need = MIN_EVENTS[metric]
        if f.events < need:
            if metric == "time_to_restore" and not failed:
                f.too_little_data = "no failed changes to restore"
            else:
                f.too_little_data = f"{f.events} events; needs {need}"
    for f in out.values():
        if f.too_little_data is None:
            f.band = band(f.metric, f.value)
    return out


def compute_env(job: str, env: str, deploys: Sequence[DeployEvent], builds: Sequence[BuildRun], window: Window,
                *, fix_window: float = FIX_WINDOW) -> EnvMetrics:
    """The four numbers of ``job`` in ``env`` over ``window``, and per week."""
    events = sorted((e for e in deploys if e.job == job and e.env == env), key=lambda e: e.started)
    job_builds = [b for b in builds if b.job == job]
    failures = classify(events, fix_window)
    leads, unlinked = lead_times(events, job_builds)
    history_start = events[0].started if events else None
    result = EnvMetrics(job, env, window, _figures(events, failures, leads, window, history_start),
                        failures=[f for f in failures if f.at in window])
    for w in window.weeks():
        attempts = [e for e in events if _attempt(e) and e.end in w]
        ok = sum(1 for e in attempts if e.result == "success")
        failed = [f for f in failures if f.at in w]
        lts = [lt for end, lt in leads if end in w]
        restored = [f.restore_seconds for f in failed if f.restore_seconds is not None]
        result.weeks.append({
            "start": w.start, "end": w.end, "deploys": ok, "attempts": len(attempts),
            "deploys_per_day": ok / w.days if w.days else None,
            "lead_time_median": _median(lts), "lead_time_events": len(lts),
            "change_failure_rate": len(failed) / len(attempts) if attempts else None,
            "time_to_restore_median": _median(restored), "time_to_restore_events": len(restored),
        })
    if unlinked:
        result.notes.append(f"{unlinked} successful deploys name no build; they give no lead times")
    return result
