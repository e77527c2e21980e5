"""Swarm target: each unit is a service on the deploy's overlay network with
endpoint_mode dnsrr (no routing mesh needed: the router publishes the port), a health
check, and Swarm's own update and rollback configuration."""

from __future__ import annotations

import logging
import time
from typing import Any

from jenkinsbridge.deploy.engine import Engine
from jenkinsbridge.deploy.model import Deployment
from jenkinsbridge.deploy.templates import health_command
from jenkinsbridge.errors import DeployError, from_docker_error

__all__ = ["SwarmUnits"]

log = logging.getLogger(__name__)
NANO = 1_000_000_000
ENDED = ("complete", "failed", "rejected", "shutdown", "orphaned")


class SwarmUnits:
    def __init__(self, engine: Engine, d: Deployment) -> None:
        self.engine = engine
        self.d = d

    def service(self, name: str) -> Any | None:
        import docker.errors

        try:
            return self.engine.client.services.get(name)
        except docker.errors.NotFound:
            return None

    def _spec(self, name: str, image: str, release: str, *, order: str, parallelism: int,
              delay: int) -> dict[str, Any]:
        from docker import types

        d = self.d
        h = d.spec.health
        health = types.Healthcheck(
            test=["CMD-SHELL", health_command(d.spec.port, h.path)],
            interval=h.interval * NANO, timeout=max(1, min(5, h.interval * 2)) * NANO, retries=3,
            start_period=h.timeout * NANO)
        res = d.spec.resources
        limits = types.Resources(
            cpu_limit=int(res.cpus * NANO) if res.cpus else None,
            mem_limit=res.memory if res.memory else None)
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

    def apply(self, name: str, image: str, release: str, *, order: str, parallelism: int,
              delay: int) -> str:
        """Create or update the service; wait until it converged. Returns "created",
        "updated", or raises DeployError (after Swarm rolled back) with the reason."""
        spec = self._spec(name, image, release, order=order, parallelism=parallelism, delay=delay)
        svc = self.service(name)
        try:
            if svc is None:
                svc = self.engine.client.services.create(**spec)
                self._wait_created(svc)
                return "created"
            before = (svc.attrs.get("UpdateStatus") or {}).get("StartedAt")
            svc.update(**spec, fetch_current_spec=False)
        except DeployError:
            raise
        except Exception as e:
            raise from_docker_error(e, action=f"update service {name}") from e
        self._wait_updated(svc, before)
        return "updated"

    def _deadline(self) -> float:
        r = self.d.spec.rolling
        batches = -(-self.d.spec.replicas // max(1, r.batch))
        return time.monotonic() + batches * (self.d.health_timeout + r.delay + 10) + 60

    def _wait_created(self, svc: Any) -> None:
        """Every replica running (Swarm reports a task running once it is healthy); a
        task that ended (killed as unhealthy, or exited) fails the deploy at once."""
        deadline = time.monotonic() + self.d.health_timeout + 30
        reason = f"not healthy within {self.d.spec.health.timeout}s"
        while time.monotonic() < deadline:
            tasks = svc.tasks()
            ended = [t for t in tasks if t["Status"]["State"] in ENDED]
            if ended:
                st = ended[0]["Status"]
                reason = f"a task {st['State']}: {st.get('Err') or st.get('Message', '')}".strip()
                break
            running = [t for t in tasks if t["Status"]["State"] == "running"]
            if len(running) >= self.d.spec.replicas:
                return
            time.sleep(0.3)
        self.remove(svc.name)
        raise DeployError(f"health check {self.d.spec.health.path} failed on service {svc.name} "
                          f"({reason}); removed it")

    def _wait_updated(self, svc: Any, before: str | None) -> None:
        deadline = self._deadline()
        while time.monotonic() < deadline:
            time.sleep(0.3)
            svc.reload()
            status = svc.attrs.get("UpdateStatus") or {}
            if status.get("StartedAt") == before:
                continue
            state = status.get("State")
            if state == "completed":
                return
            if state in ("rollback_completed", "rollback_paused", "paused", "rollback_started"):
                if state == "rollback_started":
                    continue
                msg = status.get("Message", "")
                self._wait_serving(svc.name)
                self.remove_failed(svc)
                raise DeployError(f"new tasks of {svc.name} failed their health check; Swarm rolled "
                                  f"back to the previous version ({state}: {msg})")
        raise DeployError(f"the update of {svc.name} did not finish in time")

    def _wait_serving(self, name: str) -> None:
        """After a rollback: until the previous version's tasks are healthy again."""
        deadline = time.monotonic() + self.d.health_timeout + 10
        while time.monotonic() < deadline and self.healthy_tasks(name) < self.d.spec.replicas:
            time.sleep(0.3)

    def remove_failed(self, svc: Any) -> None:
        """Remove the containers of failed tasks that Swarm keeps for its task history."""
        for c in self.engine.containers({"com.docker.swarm.service.name": svc.name}):
            if c.status in ("exited", "dead", "created"):
                try:
                    c.remove(force=True)
                except Exception as e:
                    log.debug("remove %s: %s", c.name, e)

    def healthy_tasks(self, name: str) -> int:
        svc = self.service(name)
        if svc is None:
            return 0
        tasks = svc.tasks(filters={"desired-state": "running"})
        return sum(1 for t in tasks if t["Status"]["State"] == "running")

    def remove(self, name: str) -> None:
        """Remove the service and wait until its containers are gone (they drain)."""
        svc = self.service(name)
        if svc is not None:
            svc.remove()
        deadline = time.monotonic() + self.d.drain + 30
        while time.monotonic() < deadline:
            if not self.engine.containers({"com.docker.swarm.service.name": name}):
                return
            time.sleep(0.3)
