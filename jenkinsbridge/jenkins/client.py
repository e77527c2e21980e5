"""The model layer: a controller (:class:`Jenkins`) and its items (:class:`Item`).

``Jenkins.__init__`` only builds ``self.api`` (the wire layer); everything else is
composed from it: sync, backup, restore, credentials.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from jenkinsbridge.errors import UsageError
from jenkinsbridge.jenkins.backup import BackupResult, backup, restore
from jenkinsbridge.jenkins.credfile import apply_credentials, load_credentials_file
from jenkinsbridge.jenkins.plan import Options
from jenkinsbridge.jenkins.sync import ProgressFn, Syncer, SyncReport
from jenkinsbridge.jenkins.wire import JenkinsWire
from jenkinsbridge.render import RenderResult

__all__ = ["Item", "Jenkins"]

log = logging.getLogger(__name__)


class Item:
    """A folder or job on the controller; ``attrs`` is what ``api/json`` said."""

    def __init__(self, client: Jenkins, path: str, attrs: dict[str, Any]) -> None:
        self.client = client
        self.path = path
        self.attrs = attrs

    def reload(self) -> Item:
        self.attrs = self.client.api.tree("name,description,fullName", item=self.path)
        return self

    def config(self) -> str:
        return self.client.api.item_config(self.path)

    def __repr__(self) -> str:
        return f"<Item {self.path}>"


class Jenkins:
    def __init__(self, url: str, user: str | None = None, token: str | None = None, *,
                 timeout: float = 30.0, retries: int = 4, backoff: float = 0.5, workers: int = 4) -> None:
        self.api = JenkinsWire(url, user, token, timeout=timeout, retries=retries, backoff=backoff,
                               pool_size=max(workers, 4))
        self.workers = workers

    @classmethod
    def from_env(cls, url: str | None = None, user: str | None = None, token: str | None = None,
                 **kwargs: Any) -> Jenkins:
        """Flags first, then JENKINS_URL / JENKINS_USER / JENKINS_TOKEN."""
        url = url or os.environ.get("JENKINS_URL")
        if not url:
            raise UsageError("no Jenkins URL: pass --url or set JENKINS_URL")
        if not url.startswith(("http://", "https://")):
            raise UsageError(f"Jenkins URL {url!r} must start with http:// or https://")
        user = user or os.environ.get("JENKINS_USER") or None
        token = token or os.environ.get("JENKINS_TOKEN") or None
        if bool(user) != bool(token):
            raise UsageError("give both a user and an API token (JENKINS_USER and JENKINS_TOKEN), or neither")
        return cls(url, user, token, **kwargs)

    def item(self, path: str) -> Item:
        return Item(self, path, {}).reload()

    def sync(self, result: RenderResult, *, options: Options | None = None, dry_run: bool = False,
             progress: ProgressFn | None = None) -> SyncReport:
        return Syncer(self.api, options=options, workers=self.workers, progress=progress).sync(
            result, dry_run=dry_run)

    def backup(self, out: Path) -> BackupResult:
        return backup(self.api, out, workers=self.workers)

    def restore(self, directory: Path, *, overwrite: bool = False) -> BackupResult:
        return restore(self.api, directory, overwrite=overwrite, workers=self.workers)

    def apply_credentials(self, path: Path) -> list[dict[str, str]]:
        return apply_credentials(self.api, load_credentials_file(path))
