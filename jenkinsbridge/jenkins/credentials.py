"""Credentials the spec refers to (by ID only) and whether jobs on the controller can use them.

A job can use credentials from the system store or from the store of any folder it lives
in, at any depth, in any domain of those stores (domains restrict where a credential
applies, not who may look it up). It cannot use one with scope SYSTEM (only Jenkins itself
may) nor one in a user's own store. Only stores of folders that exist already are read: a
folder this sync creates starts with an empty store.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from jenkinsbridge.errors import CredentialsMissingError, JenkinsApiError
from jenkinsbridge.jenkins.wire import JenkinsWire
from jenkinsbridge.render import RenderedJob
from jenkinsbridge.spec.credentials import credential_refs as spec_credential_refs

__all__ = ["check_credentials", "credential_refs"]

log = logging.getLogger(__name__)

SYSTEM_SCOPE = "scope SYSTEM: only Jenkins itself may use it, jobs cannot (give it scope GLOBAL)"


def credential_refs(job: RenderedJob) -> dict[str, str]:
    """Credentials ID -> what uses it, for one rendered job."""
    refs: dict[str, str] = {}
    for ref in spec_credential_refs(job.job):
        refs.setdefault(ref.id, ref.use)
    return refs


def _ancestors(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def check_credentials(wire: JenkinsWire, jobs: Iterable[RenderedJob], existing_folders: set[str]) -> int:
    """Raise :class:`CredentialsMissingError` naming every ID a job cannot use, its job and
    why. Returns how many stores were read."""
    wanted: dict[str, list[str]] = defaultdict(list)  # job path -> ids
    for job in jobs:
        for cid in credential_refs(job):
            wanted[job.path].append(cid)
    if not wanted:
        return 0
    # store (None: system) -> id -> domain
    stores: dict[str | None, dict[str, str]] = {None: wire.credentials_by_domain(None)}
    missing: list[tuple[str, str]] = []
    used: dict[tuple[str | None, str, str], list[str]] = defaultdict(list)  # (store, domain, id) -> jobs
    for path, ids in sorted(wanted.items()):
        for cid in ids:
            where = _find(wire, stores, existing_folders, path, cid)
            if where is None:
                missing.append((cid, path))
            else:
                used[(where[0], where[1], cid)].append(path)
    reasons: dict[str, str] = {}
    for (store, domain, cid), paths in sorted(used.items(), key=lambda kv: (kv[0][0] or "", kv[0][1], kv[0][2])):
        if wire.credential_scope(store, domain, cid) == "SYSTEM":
            missing.extend((cid, p) for p in paths)
            reasons[cid] = SYSTEM_SCOPE
    absent = {cid for cid, _ in missing if cid not in reasons}
    if absent:
        reasons.update(_in_user_store(wire, absent))
    if missing:
        raise CredentialsMissingError(missing, reasons)
    return len(stores)


def _find(wire: JenkinsWire, stores: dict[str | None, dict[str, str]], existing: set[str], path: str,
          cid: str) -> tuple[str | None, str] | None:
    """(store, domain) where a job at ``path`` finds ``cid``: its nearest folder first
    (CredentialsProvider looks up the item's own context outwards), then the system store."""
    for folder in reversed(_ancestors(path)):
        if folder not in existing:
            continue
        if folder not in stores:
            stores[folder] = wire.credentials_by_domain(folder)
        if cid in stores[folder]:
            return folder, stores[folder][cid]
    if cid in stores[None]:
        return None, stores[None][cid]
    return None


def _in_user_store(wire: JenkinsWire, ids: set[str]) -> dict[str, str]:
    """IDs that exist only in the account's own user store, with the reason jobs miss them."""
    try:
        me = str(wire.whoami().get("name") or "")
        if not me:
            return {}
        mine = wire.credentials_by_domain(None, user=me)
    except JenkinsApiError as e:  # no user store or no permission: nothing more to say
        log.debug("user store not read: %s", e)
        return {}
    return {cid: f"it exists only in the user store of {me}; jobs cannot use a user's credentials "
                 "(put it in the system store or the folder's store)" for cid in ids if cid in mine}
