"""Sync rendered folders, jobs and views to a controller: list once, plan, check, write.

1. One ``tree=`` listing tells what exists, what is ours and what is unchanged.
2. The plan needs no request; updates of managed items read the server's copy first
   (to detect edits made by hand), as does ``--check-drift`` for every managed job.
3. Before any write: the plugins the written jobs need are installed and enabled, the
   credentials IDs they name exist, and the environment holds the GitLab push trigger
   tokens they take (pushsecret.py). Otherwise nothing is written.
4. Writes run on ``workers`` threads: folders by depth, then jobs, then views, then
   deletions. A create whose answer is lost is resolved by looking, never by creating twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from jenkinsbridge.errors import (
    BadRequestError,
    ConflictError,
    JenkinsbridgeError,
    JenkinsServerError,
    JenkinsUnreachableError,
    NotFoundError,
    PermissionDeniedError,
)
from jenkinsbridge.jenkins.credentials import check_credentials
from jenkinsbridge.jenkins.desired import Desired, desired_items
from jenkinsbridge.jenkins.inventory import list_inventory
from jenkinsbridge.jenkins.normalize import merge_folder
from jenkinsbridge.jenkins.plan import Action, Options, build_plan, judge_server_copy
from jenkinsbridge.jenkins.plugins import check_plugins, required_plugins
from jenkinsbridge.jenkins.pushsecret import push_secrets, with_push_secret
from jenkinsbridge.jenkins.stamp import hash_in, is_managed
from jenkinsbridge.jenkins.wire import RETRY_STATUSES, JenkinsWire
from jenkinsbridge.render import RenderedJob, RenderResult

__all__ = ["ProgressFn", "SyncReport", "Syncer"]

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int, Action], None]
_RESULT = {"create": "created", "update": "updated", "unchanged": "unchanged", "delete": "deleted",
           "kept": "kept", "conflict": "conflict"}


@dataclass
class SyncReport:
    actions: list[Action]
    dry_run: bool
    requests: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(_RESULT.values(), 0)
        for a in self.actions:
            out[_RESULT[a.op]] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "summary": self.counts(),
            "items": [{"kind": a.kind, "path": a.key, "result": _RESULT[a.op], "manual_edit": a.manual,
                       "notes": a.notes} for a in self.actions],
            "warnings": self.warnings,
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
        }

    def text(self, *, diffs: bool = False, verbose: bool = False) -> str:
        lines: list[str] = []
        verb = "would be " if self.dry_run else ""
        for a in self.actions:
            if a.op == "unchanged" and not verbose:
                continue
            note = f" ({'; '.join(a.notes)})" if a.notes else ""
            lines.append(f"{verb}{_RESULT[a.op]:9} {a.kind:6} {a.key}{note}")
            if diffs and a.op in {"create", "update", "delete"}:
                lines.append(a.diff().rstrip("\n"))
        c = self.counts()
        summary = ", ".join(f"{v} {k}" for k, v in c.items() if v or k in {"created", "updated", "unchanged"})
        lines.append(f"{'plan' if self.dry_run else 'sync'}: {summary} "
                     f"({self.requests} request(s), {self.seconds:.2f}s)")
        return "\n".join(lines)


class Syncer:
    def __init__(self, wire: JenkinsWire, *, options: Options | None = None, workers: int = 4,
                 progress: ProgressFn | None = None) -> None:
        self.wire = wire
        self.opts = options or Options()
        self.workers = max(1, workers)
        self.progress = progress
        self._done = 0
        self._total = 0
        self._lock = threading.Lock()
        self._push_secrets: dict[str, str] = {}  # job path -> token; only in memory, only sent

    # -- the whole run
    def sync(self, result: RenderResult, *, dry_run: bool = False) -> SyncReport:
        start = time.monotonic()
        before = self.wire.stats["requests"]
        desired = desired_items(result)
        levels = max([d.path.count("/") + 1 for d in desired if d.kind != "view"] + [1]) + 1
        inv = list_inventory(self.wire, levels)
        plan = build_plan(desired, inv, self.opts)
        self._read_server_copies(plan, dry_run)
        report = SyncReport(plan, dry_run)
        report.warnings = [f"{a.key}: {n}" for a in plan for n in a.notes if a.manual or a.op == "conflict"]
        for w in report.warnings:
            log.info("%s", w)
        existing = {p for p, r in inv.items.items() if r.is_folder}
        try:
            self._preflight(plan, existing, report.warnings)
        except JenkinsbridgeError as e:
            if not dry_run:
                raise
            report.warnings.append(str(e))
        conflicts = [a for a in plan if a.op == "conflict"]
        if not dry_run:
            if conflicts:
                raise ConflictError("not written, items in the way: " + "; ".join(
                    f"{a.key}: {', '.join(a.notes)}" for a in conflicts))
            self._execute(plan)
        report.requests = self.wire.stats["requests"] - before
        report.seconds = time.monotonic() - start
        return report

    def _read_server_copies(self, plan: list[Action], dry_run: bool) -> None:
        def wanted(a: Action) -> bool:
            if a.needs_server_copy:
                return True
            if self.opts.check_drift and a.op == "unchanged" and a.remote is not None and a.remote.managed:
                return a.kind != "folder"
            return dry_run and a.op == "delete"

        def read(a: Action) -> None:
            xml = self._server_xml(a)
            if a.op == "delete":
                a.server_xml = xml
            else:
                judge_server_copy(a, xml, self.opts)

        self._parallel([a for a in plan if wanted(a)], read, progress=False)

    def _server_xml(self, a: Action) -> str:
        if a.kind == "view":
            return self.wire.view_config(a.path, a.name)
        return self.wire.item_config(a.path)

    # -- checks before writing
    def _preflight(self, plan: list[Action], existing_folders: set[str], warnings: list[str]) -> None:
        written = [a for a in plan if a.op in {"create", "update"}]
        jobs: list[RenderedJob] = [a.desired.rendered for a in written
                                   if a.desired is not None and a.desired.rendered is not None]
        if not written:
            return
        self._push_secrets = push_secrets(jobs)
        required: dict[str, str | None] = {}
        for j in jobs:
            required.update({k: v for k, v in required_plugins(j).items() if v or k not in required})
        if any(a.kind == "folder" for a in written):
            required.setdefault("cloudbees-folder", None)
        if required:
            try:
                installed = self.wire.plugins()
            except PermissionDeniedError as e:
                # the plugin manager needs Overall/SystemRead (Administer unless enabled);
                # a least-privilege sync account writes anyway and says what it did not check
                warning = (f"plugins not checked ({e.permission or 'permission'} needed to read the plugin "
                           f"manager): make sure these are installed: {', '.join(sorted(required))}")
                log.warning("%s", warning)
                warnings.append(warning)
            else:
                check_plugins(required, installed)
        check_credentials(self.wire, jobs, existing_folders)

    # -- writing
    def _execute(self, plan: list[Action]) -> None:
        writes = [a for a in plan if a.writes]
        self._total = len(writes)
        self._done = 0
        folders = [a for a in writes if a.kind == "folder" and a.op != "delete"]
        for depth in sorted({a.path.count("/") for a in folders}):
            self._parallel([a for a in folders if a.path.count("/") == depth], self._write_item)
        self._parallel([a for a in writes if a.kind == "job" and a.op != "delete"], self._write_item)
        self._parallel([a for a in writes if a.kind == "view" and a.op != "delete"], self._write_view)
        self._parallel([a for a in writes if a.kind == "view" and a.op == "delete"], self._delete)
        self._parallel([a for a in writes if a.kind == "job" and a.op == "delete"], self._delete)
        doomed = sorted((a for a in writes if a.kind == "folder" and a.op == "delete"),
                        key=lambda a: -a.path.count("/"))
        for a in doomed:  # deepest first, one at a time
            self._delete(a)
            self._tick(a)

    def _parallel(self, actions: Iterable[Action], fn: Callable[[Action], None], *, progress: bool = True) -> None:
        todo = list(actions)
        if not todo:
            return
        errors: list[BaseException] = []

        def one(a: Action) -> None:
            if errors:  # a write failed: start no more
                return
            try:
                fn(a)
            except BaseException as e:  # collected; the phase ends, the first is raised
                errors.append(e)
                return
            if progress:
                self._tick(a)

        if self.workers == 1 or len(todo) == 1:
            for a in todo:
                one(a)
                if errors:
                    break
        else:
            with ThreadPoolExecutor(max_workers=min(self.workers, len(todo)),
                                    thread_name_prefix="jb-sync") as pool:
                list(pool.map(one, todo))
        if errors:
            for e in errors[1:]:
                log.error("also failed: %s", e)
            raise errors[0]

    def _tick(self, a: Action) -> None:
        with self._lock:
            self._done += 1
            done = self._done
        if self.progress is not None:
            self.progress(done, self._total, a)

    def _sent_xml(self, d: Desired) -> str:
        """The config.xml to send: the rendered one, with the push trigger's token if it takes one."""
        token = self._push_secrets.get(d.path) if d.kind == "job" else None
        return with_push_secret(d.xml, token) if token else d.xml

    def _write_item(self, a: Action) -> None:
        d = a.desired
        assert d is not None
        if a.op == "create":
            self._create_item(d)
        elif a.kind == "folder":
            # read-modify-write: the folder's credentials, other properties and views are the
            # controller's; only what the spec manages is replaced (normalize.merge_folder)
            server = a.server_xml if a.server_xml is not None else self.wire.item_config(d.path)
            self.wire.update_item_config(d.path, merge_folder(d.xml, server))
        else:
            self.wire.update_item_config(d.path, self._sent_xml(d))

    def _create_item(self, d: Desired) -> None:
        """Create; when the answer is lost or refused, look at what is there before acting again."""
        attempts = self.wire.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                self.wire.create_item(d.path, self._sent_xml(d))
                return
            except (JenkinsServerError, JenkinsUnreachableError, BadRequestError) as e:
                transient = isinstance(e, JenkinsUnreachableError) or e.status in RETRY_STATUSES
                if not transient and not isinstance(e, BadRequestError):
                    raise
                description = self._probe(d.path)
                if description is None:  # not there
                    if not transient or attempt == attempts:
                        raise
                    log.warning("create %s: %s; not created, trying again", d.path, e)
                    self.wire.pause(attempt)
                    continue
                if hash_in(description) == d.digest:
                    log.info("create %s: answer lost but the item is there as wanted", d.path)
                    return
                if not transient and not is_managed(description):
                    raise ConflictError(f"create {d.path}: someone else created it meanwhile", status=400) from e
                log.warning("create %s: %s; it exists, writing its config.xml", d.path, e)
                self.wire.update_item_config(d.path, self._sent_xml(d))
                return

    def _probe(self, path: str) -> str | None:
        """The item's description ('' when it has none), or None when it does not exist."""
        try:
            data = self.wire.tree("name,description", item=path)
        except NotFoundError:
            return None
        return str(data.get("description") or "")

    def _write_view(self, a: Action) -> None:
        d = a.desired
        assert d is not None
        if a.op == "update":
            self.wire.update_view_config(d.path, d.name, d.xml)
            return
        try:
            self.wire.create_view(d.path, d.name, d.xml)
        except (JenkinsServerError, JenkinsUnreachableError, BadRequestError) as e:
            transient = isinstance(e, JenkinsUnreachableError) or e.status in RETRY_STATUSES
            if not transient and not isinstance(e, BadRequestError):
                raise
            try:
                current = self.wire.view_config(d.path, d.name)
            except NotFoundError:
                if not transient:
                    raise
                self.wire.create_view(d.path, d.name, d.xml)
                return
            if not is_managed(current) and not transient:
                raise ConflictError(f"create view {d.key}: someone else created it meanwhile", status=400) from e
            self.wire.update_view_config(d.path, d.name, d.xml)

    def _delete(self, a: Action) -> None:
        try:
            if a.kind == "view":
                self.wire.delete_view(a.path, a.name)
            else:
                self.wire.delete_item(a.path)
        except NotFoundError:
            log.info("delete %s: already gone", a.key)

