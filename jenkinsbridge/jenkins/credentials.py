"""Credentials the spec refers to (by ID only) and whether the controller has them.

A job can use credentials from the global (system) store or from the store of any folder
it lives in, at any depth. Only stores of folders that exist already are read: a folder
this sync creates starts with an empty store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from jenkinsbridge.errors import CredentialsMissingError
from jenkinsbridge.jenkins.wire import JenkinsWire
from jenkinsbridge.render import RenderedJob

__all__ = ["check_credentials", "credential_refs"]


def credential_refs(job: RenderedJob) -> dict[str, str]:
    """Credentials ID -> what uses it, for one rendered job."""
    spec = job.job
    refs: dict[str, str] = {}
    if spec.source.credentials:
        refs[spec.source.credentials] = "source"
    if spec.image is not None and spec.image.credentials:
        refs.setdefault(spec.image.credentials, "image")
    for d in spec.deploy:
        if d.tls_credentials:
            refs.setdefault(d.tls_credentials, f"deploy {d.env}")
    if spec.notify.dingtalk:
        refs.setdefault(spec.notify.dingtalk, "notify.dingtalk")
    return refs


def _ancestors(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def check_credentials(wire: JenkinsWire, jobs: Iterable[RenderedJob], existing_folders: set[str]) -> int:
    """Raise :class:`CredentialsMissingError` naming every missing ID and its job.
    Returns how many stores were read."""
    wanted: dict[str, list[str]] = defaultdict(list)  # job path -> ids
    for job in jobs:
        for cid in credential_refs(job):
            wanted[job.path].append(cid)
    if not wanted:
        return 0
    stores: dict[str | None, set[str]] = {None: set(wire.credential_ids(None))}
    missing: list[tuple[str, str]] = []
    for path, ids in sorted(wanted.items()):
        visible = set(stores[None])
        todo = [i for i in ids if i not in visible]
        for folder in _ancestors(path):
            if not todo:
                break
            if folder not in existing_folders:
                continue
            if folder not in stores:
                stores[folder] = set(wire.credential_ids(folder))
            visible |= stores[folder]
            todo = [i for i in todo if i not in visible]
        missing.extend((cid, path) for cid in todo)
    if missing:
        raise CredentialsMissingError(missing)
    return len(stores)
