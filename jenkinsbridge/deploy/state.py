"""Deploy state kept on the cluster, not on the machine that runs the command.

* State and history: ``state.json`` in the volume ``<app>-<env>-state`` that the router
  mounts at /var/lib/jenkinsbridge (read and written through the router container).
* The lock: a created, never started container ``<app>-<env>-lock``. Creating a
  container whose name exists fails on the engine itself, so taking the lock is
  atomic; its labels name the holder and when the lock expires (a stale lock is
  removed by the next deploy).
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

from jenkinsbridge.deploy.engine import Engine
from jenkinsbridge.deploy.model import LABEL, Deployment, Record, who
from jenkinsbridge.deploy.router import STATE_DIR, Router
from jenkinsbridge.errors import DeployError, LockHeldError

__all__ = ["HISTORY_KEEP", "Lock", "State"]

log = logging.getLogger(__name__)
HISTORY_KEEP = 200
STATE_FILE = f"{STATE_DIR}/state.json"


class State:
    """live color, the image of each color, weights and history of one deployment."""

    def __init__(self, engine: Engine, d: Deployment) -> None:
        self.engine = engine
        self.d = d
        self.data: dict[str, Any] = {"live": None, "colors": {}, "weights": {}, "history": []}

    def load(self) -> State:
        c = Router(self.engine, self.d).container
        if c is None:
            return self
        raw = self.engine.get_file(c, STATE_FILE)
        if raw:
            try:
                self.data.update(json.loads(raw))
            except ValueError:
                log.warning("state of %s is unreadable; starting afresh", self.d.base)
        return self

    def save(self) -> None:
        c = Router(self.engine, self.d).container
        if c is None:
            raise DeployError(f"cannot save deploy state: the router {self.d.router_name} is gone")
        self.data["history"] = self.data["history"][-HISTORY_KEEP:]
        self.engine.put_file(c, STATE_FILE, json.dumps(self.data, indent=1, sort_keys=True).encode())

    def record(self, rec: Record) -> None:
        self.data["history"].append(rec.as_dict())

    @property
    def live(self) -> dict[str, Any] | None:
        live: dict[str, Any] | None = self.data.get("live")
        return live

    @property
    def history(self) -> list[dict[str, Any]]:
        return list(self.data.get("history", []))


class Lock:
    """One deploy at a time per app and environment."""

    def __init__(self, engine: Engine, d: Deployment, image: str, *, ttl: float) -> None:
        self.engine = engine
        self.d = d
        self.image = image
        self.ttl = ttl
        self.token = uuid.uuid4().hex[:12]
        self.holder = who()

    def __enter__(self) -> Lock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> None:
        labels = self.d.labels(role="lock")
        labels.update({f"{LABEL}.holder": self.holder, f"{LABEL}.token": self.token,
                       f"{LABEL}.since": f"{time.time():.0f}",
                       f"{LABEL}.expires": f"{time.time() + self.ttl:.0f}"})
        for _ in range(2):
            if self.engine.create_container(self.image, name=self.d.lock_name, labels=labels,
                                            command=["true"], network_disabled=True) is not None:
                return
            held = self.engine.container(self.d.lock_name)
            if held is None:
                continue
            hl = held.labels
            expires = float(hl.get(f"{LABEL}.expires", "0") or 0)
            if expires < time.time():
                log.warning("removing the stale deploy lock of %s held by %s", self.d.base,
                            hl.get(f"{LABEL}.holder"))
                self.engine.act(held, "remove", force=True, missing_ok=True)
                continue
            holder = hl.get(f"{LABEL}.holder", "unknown")
            since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(float(hl.get(f"{LABEL}.since", "0"))))
            raise LockHeldError(
                f"another deploy of {self.d.app} to {self.d.env} is running: lock held by {holder} "
                f"since {since} (expires in {expires - time.time():.0f}s)", holder=holder)
        raise DeployError(f"could not take the deploy lock {self.d.lock_name}")

    def release(self) -> None:
        held = self.engine.container(self.d.lock_name)
        if held is not None and held.labels.get(f"{LABEL}.token") == self.token:
            self.engine.act(held, "remove", force=True, missing_ok=True)
