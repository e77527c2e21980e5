"""Swarm target: each unit is a service on the deploy's overlay network with
endpoint_mode dnsrr (no routing mesh needed: the router publishes the port), a health
check, and Swarm's own update and rollback configuration (a release is a service update;
the router resolves the service name per request)."""

from __future__ import annotations

import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any

from jenkinsbridge.deploy.model import Server
from jenkinsbridge.deploy.templates import health_command
from jenkinsbridge.deploy.units import TargetUnits
from jenkinsbridge.errors import DeployError, DockerOperationError
from jenkinsbridge.waiting import poll

if TYPE_CHECKING:
    from jenkinsbridge.deploy.context import Context
    from jenkinsbridge.deploy.router import Router
    from jenkinsbridge.deploy.units import Order

__all__ = ["SwarmUnits"]

log = logging.getLogger(__name__)
NANO = 1_000_000_000
ENDED = ("complete", "failed", "rejected", "shutdown", "orphaned")
ROLLED_BACK = ("rollback_completed", "rollback_paused", "paused")


class SwarmUnits(TargetUnits):
    dynamic = True
    network_driver = "overlay"

    def check_engine(self) -> None:
        if not self.engine.swarm_active():
            raise DeployError("target swarm: the engine is not a swarm manager (docker swarm init?)")

    # --- the Units interface ----------------------------------------------------------

    def update(self, ctx: Context, *, order: Order, batch: int, delay: int) -> float:
        """Update (or create) the service, and return once the router serves it, also
        after Swarm rolled a failed update back."""
        d = self.d
        name = d.unit(None)
        ctx.router.apply([Server(name, d.spec.port, 100)], dynamic=True)
        t0 = time.monotonic()
        try:
            self.apply(name, d.image, ctx.release, order=order, parallelism=batch, delay=delay)
        except DeployError:
            with contextlib.suppress(DeployError):
                if self.service(name) is not None:
                    ctx.router.wait_serving(d.spec.health.path, d.health_timeout)
            raise
        ctx.router.wait_serving(d.spec.health.path, d.health_timeout)
        return time.monotonic() - t0

    def start(self, color: str, image: str, release: str) -> None:
        name = self.d.unit(color)
        self.retire(color)
        self.apply(name, image, release, order="start-first", parallelism=self.d.spec.rolling.batch, delay=0)

    def retire(self, color: str | None) -> None:
        self.remove(self.d.unit(color))

    def running(self, color: str | None) -> bool:
        return self.service(self.d.unit(color)) is not None

    def check(self, router: Router, color: str | None, *, wait: bool) -> None:
        d = self.d
        name = d.unit(color)

        def healthy() -> bool:
            return (self.healthy_tasks(name) >= d.spec.replicas
                    and router.probe(name, d.spec.port, d.spec.health.path))

        if not poll(healthy, d.health_timeout if wait else 0, interval=min(0.5, d.spec.health.interval)):
            raise DeployError(f"health check {d.spec.health.path} failed on {name} "
                              f"for {d.spec.health.timeout}s")

    def servers(self, color: str | None, weight: int) -> list[Server]:
        return [Server(self.d.unit(color), self.d.spec.port, weight)]

    def tasks(self, color: str | None) -> list[dict[str, Any]]:
        svc = self.service(self.d.unit(color))
        out = []
        for t in self._tasks(svc, {"desired-state": "running"}) if svc else []:
            ref = t["Spec"]["ContainerSpec"].get("Image", "")
            state = t["Status"]["State"]
            # Swarm reports a task running only once its health check passed
            out.append({"name": t["ID"][:12], "state": state,
                        "health": "healthy" if state == "running" else "starting",
                        "image": ref.split("@")[0], "digest": ref.partition("@")[2]})
        return out

    # --- services ---------------------------------------------------------------------

    def service(self, name: str) -> Any | None:
        return self.engine.service(name)

    def _tasks(self, svc: Any, filters: dict[str, str] | None = None) -> list[dict[str, Any]]:
        return list(self.engine.act(svc, "tasks", filters=filters, missing_ok=True) or [])

    def _spec(self, name: str, image: str, release: str, *, order: Order, parallelism: int,
              delay: int) -> dict[str, Any]:
        from docker import types, utils

        d = self.d
        h = d.spec.health
        health = types.Healthcheck(
            test=["CMD-SHELL", health_command(d.spec.port, h.path)],
            interval=h.interval * NANO, timeout=max(1, min(5, h.interval * 2)) * NANO, retries=3,
            start_period=h.timeout * NANO)
        res = d.spec.resources
        limits = types.Resources(
            cpu_limit=int(res.cpus * NANO) if res.cpus else None,
            # the API takes bytes; the SDK sends a "512m" unconverted
            mem_limit=int(utils.parse_bytes(res.memory)) if res.memory else None)
        # Swarm waits for each new task to be healthy; `monitor` is how long it keeps
        # watching a task after that before the batch counts as done.
        update = types.UpdateConfig(parallelism=parallelism, delay=delay * NANO, order=order,
                                    failure_action="rollback", monitor=max(1, h.interval) * NANO,
                                    max_failure_ratio=0.0)
        rollback = types.RollbackConfig(parallelism=0, order=order, monitor=NANO,
                                        failure_action="pause")
        labels = d.labels(release=release, image=image, role=name)
        return dict(
            image=image, name=name, labels=labels, container_labels=labels,
            env=[f"{k}={v}" for k, v in sorted(d.spec.environment.items())],
            networks=[types.NetworkAttachmentConfig(d.network, aliases=[name])],
            endpoint_spec=types.EndpointSpec(mode="dnsrr"),
            mode=types.ServiceMode("replicated", replicas=d.spec.replicas),
            healthcheck=health, resources=limits, update_config=update, rollback_config=rollback,
            stop_grace_period=d.drain * NANO,
            restart_policy=types.RestartPolicy(condition="any", delay=NANO),
        )

    def apply(self, name: str, image: str, release: str, *, order: Order, parallelism: int,
              delay: int) -> str:
        """Create or update the service; wait until it converged. Returns "created",
        "updated", or raises DeployError (after Swarm rolled back) with the reason."""
        spec = self._spec(name, image, release, order=order, parallelism=parallelism, delay=delay)
        svc = self.service(name)
        if svc is None:
            svc = self.engine.create_service(**spec)
            self._wait_created(svc)
            return "created"
        before = (svc.attrs.get("UpdateStatus") or {}).get("StartedAt")
        self.engine.act(svc, "update", **spec, fetch_current_spec=False)
        self._wait_updated(svc, before)
        return "updated"

    def _wait_created(self, svc: Any) -> None:
        """Every replica running (Swarm reports a task running once it is healthy); a
        task that ended (killed as unhealthy, or exited) fails the deploy at once."""
        reason = f"not healthy within {self.d.spec.health.timeout}s"

        def settled() -> str:
            tasks = self._tasks(svc)
            ended = [t for t in tasks if t["Status"]["State"] in ENDED]
            if ended:
                st = ended[0]["Status"]
                return f"a task {st['State']}: {st.get('Err') or st.get('Message', '')}".strip()
            running = sum(1 for t in tasks if t["Status"]["State"] == "running")
            return "running" if running >= self.d.spec.replicas else ""

        outcome = poll(settled, self.d.health_timeout + 30)
        if outcome == "running":
            return
        self.remove(svc.name)
        raise DeployError(f"health check {self.d.spec.health.path} failed on service {svc.name} "
                          f"({outcome or reason}); removed it")

    def _wait_updated(self, svc: Any, before: str | None) -> None:
        r = self.d.spec.rolling
        batches = -(-self.d.spec.replicas // max(1, r.batch))

        def finished() -> bool:
            time.sleep(0.3)  # the update starts after the call returns
            self.engine.act(svc, "reload")
            status = svc.attrs.get("UpdateStatus") or {}
            if status.get("StartedAt") == before:
                return False
            state = status.get("State")
            if state in ROLLED_BACK:
                self._wait_serving(svc.name)
                self.remove_failed(svc)
                raise DeployError(f"new tasks of {svc.name} failed their health check; Swarm rolled "
                                  f"back to the previous version ({state}: {status.get('Message', '')})")
            return state == "completed"

        if not poll(finished, batches * (self.d.health_timeout + r.delay + 10) + 60, interval=0):
            raise DeployError(f"the update of {svc.name} did not finish in time")

    def _wait_serving(self, name: str) -> None:
        """After a rollback: until the previous version's tasks are healthy again."""
        poll(lambda: self.healthy_tasks(name) >= self.d.spec.replicas, self.d.health_timeout + 10)

    def remove_failed(self, svc: Any) -> None:
        """Remove the containers of failed tasks that Swarm keeps for its task history."""
        for c in self.engine.containers({"com.docker.swarm.service.name": svc.name}):
            if c.status in ("exited", "dead", "created"):
                try:
                    self.engine.act(c, "remove", force=True, missing_ok=True)
                except DockerOperationError as e:
                    log.debug("remove %s: %s", c.name, e)

    def healthy_tasks(self, name: str) -> int:
        svc = self.service(name)
        if svc is None:
            return 0
        return sum(1 for t in self._tasks(svc, {"desired-state": "running"}) if t["Status"]["State"] == "running")

    def remove(self, name: str) -> None:
        """Remove the service and wait until its containers are gone (they drain)."""
        svc = self.service(name)
        if svc is not None:
            self.engine.act(svc, "remove", missing_ok=True)
        poll(lambda: not self.engine.containers({"com.docker.swarm.service.name": name}), self.d.drain + 30)
