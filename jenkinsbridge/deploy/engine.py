"""The wire layer: one Docker engine (docker SDK) and the compose command line.

Nothing here knows about strategies: it connects (local, tcp:// with mutual TLS, ssh://,
unix://), runs compose with the same connection settings, copies small files into and
out of containers and runs commands in them.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
import tarfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jenkinsbridge.errors import DockerOperationError, UsageError, from_docker_error

__all__ = ["Engine", "TlsFiles", "compose_command", "docker_errors", "engine_for"]

log = logging.getLogger(__name__)


def docker_errors() -> tuple[type[BaseException], ...]:
    """What a Docker call raises when it fails: the SDK's errors and those of the HTTP
    layer under it (refused, reset, timed out)."""
    import docker.errors
    import requests

    return (docker.errors.DockerException, requests.RequestException)


@dataclass(frozen=True)
class TlsFiles:
    """A directory with ca.pem, cert.pem and key.pem (what DOCKER_CERT_PATH holds)."""

    directory: Path

    def check(self) -> None:
        missing = [n for n in ("ca.pem", "cert.pem", "key.pem") if not (self.directory / n).is_file()]
        if missing:
            raise UsageError(
                f"TLS directory {self.directory} lacks {', '.join(missing)}; it must hold "
                "ca.pem, cert.pem and key.pem (DOCKER_CERT_PATH)"
            )


def compose_command() -> list[str]:
    """`docker compose` (v2 plugin) when it answers, else `docker-compose` (v1)."""
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    raise DockerOperationError("neither `docker compose` nor `docker-compose` is installed")


def _api_class() -> Any:
    import docker

    class TlsPinnedAPIClient(docker.APIClient):
        """requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE replace a session's CA;
        an engine's CA is the one from its certificate directory, whatever the env says."""

        def merge_environment_settings(self, url: Any, proxies: Any, stream: Any, verify: Any,
                                       cert: Any) -> Any:
            settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
            if isinstance(self.verify, str):
                settings["verify"] = self.verify
            return settings

    return TlsPinnedAPIClient


class Engine:
    """A connection to one Docker engine (a swarm manager for the swarm target)."""

    def __init__(self, endpoint: str | None = None, tls: TlsFiles | None = None) -> None:
        import docker

        self.endpoint = endpoint
        self.tls = tls
        try:
            if endpoint is None:
                self.client: Any = docker.from_env(timeout=120)
            else:
                tls_config: Any = False
                if tls is not None:
                    tls.check()
                    d = tls.directory
                    tls_config = docker.tls.TLSConfig(
                        client_cert=(str(d / "cert.pem"), str(d / "key.pem")),
                        ca_cert=str(d / "ca.pem"), verify=True,
                    )
                self.client = docker.DockerClient.__new__(docker.DockerClient)
                self.client.api = _api_class()(
                    base_url=endpoint, tls=tls_config, timeout=120,
                    use_ssh_client=endpoint.startswith("ssh://"),
                )
            self.client.ping()
        except DockerOperationError:
            raise
        except docker_errors() as e:
            where = endpoint or os.environ.get("DOCKER_HOST") or "the local engine"
            raise DockerOperationError(f"cannot reach the Docker engine at {where}: {e}") from e
        self.api: Any = self.client.api

    # --- compose ----------------------------------------------------------------------

    def compose_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.endpoint is not None:
            env["DOCKER_HOST"] = self.endpoint
            env.pop("DOCKER_TLS_VERIFY", None)
            env.pop("DOCKER_CERT_PATH", None)
            if self.tls is not None:
                env["DOCKER_TLS_VERIFY"] = "1"
                env["DOCKER_CERT_PATH"] = str(self.tls.directory)
                # docker-compose v1 speaks through requests, which would trust these
                # bundles instead of the engine's CA
                env.pop("REQUESTS_CA_BUNDLE", None)
                env.pop("CURL_CA_BUNDLE", None)
        return env

    def compose(self, project: str, file: Path, args: Sequence[str], *, timeout: float = 600) -> str:
        """Run compose for ``project`` with ``file``; raise with its stderr on failure."""
        cmd = [*compose_command(), "-p", project, "-f", str(file), *args]
        log.debug("compose: %s", " ".join(cmd))
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, env=self.compose_env(),
                                  timeout=timeout, check=False)
        except subprocess.TimeoutExpired as e:
            raise DockerOperationError(f"compose {' '.join(args)} timed out after {timeout:.0f}s") from e
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise DockerOperationError(f"compose {' '.join(args)} failed: {last}")
        return done.stdout

    # --- containers ---------------------------------------------------------------------

    def exec(self, container: Any, cmd: Sequence[str]) -> tuple[int, str]:
        try:
            res = container.exec_run(list(cmd), demux=False)
        except docker_errors() as e:
            raise from_docker_error(e, action=f"exec in {container.name}") from e
        out = res.output.decode("utf-8", "replace") if res.output else ""
        return int(res.exit_code), out

    def put_file(self, container: Any, path: str, data: bytes) -> None:
        directory, _, name = path.rpartition("/")
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
        try:
            container.put_archive(directory or "/", buf.getvalue())
        except docker_errors() as e:
            raise from_docker_error(e, action=f"write {path} in {container.name}") from e

    def get_file(self, container: Any, path: str) -> bytes | None:
        import docker.errors

        try:
            stream, _ = container.get_archive(path)
        except docker.errors.NotFound:
            return None
        except docker_errors() as e:
            raise from_docker_error(e, action=f"read {path} in {container.name}") from e
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
            member = tar.next()
            if member is None:
                return None
            f = tar.extractfile(member)
            return f.read() if f else None

    def _get(self, collection: Any, name: str, what: str) -> Any | None:
        """``collection.get(name)`` (containers, images, services); None when not there."""
        import docker.errors

        try:
            return collection.get(name)
        except (docker.errors.NotFound, docker.errors.NullResource):
            return None
        except docker_errors() as e:
            raise from_docker_error(e, action=f"inspect {what}{name}") from e

    def container(self, name: str) -> Any | None:
        return self._get(self.client.containers, name, "")

    def containers(self, labels: dict[str, str], *, all: bool = True) -> list[Any]:
        import docker.errors

        filters = {"label": [f"{k}={v}" for k, v in labels.items()]}
        for attempt in range(5):
            try:
                return list(self.client.containers.list(all=all, filters=filters))
            except docker.errors.NotFound:
                # one went away between the listing and its inspection (swarm removing
                # a task's container): list again
                if attempt == 4:
                    raise
            except docker_errors() as e:
                raise from_docker_error(e, action="list containers") from e
        return []

    def run_container(self, image: str, **kwargs: Any) -> Any:
        try:
            return self.client.containers.run(image, **kwargs)
        except docker_errors() as e:
            raise from_docker_error(e, action=f"start {kwargs.get('name', image)}") from e

    def create_container(self, image: str, **kwargs: Any) -> Any | None:
        """A created (not started) container; None when its name is taken (409)."""
        import docker.errors

        try:
            return self.client.containers.create(image, **kwargs)
        except docker.errors.APIError as e:
            if e.status_code == 409:
                return None
            raise from_docker_error(e, action=f"create {kwargs.get('name', image)}") from e

    def act(self, obj: Any, method: str, *args: Any, missing_ok: bool = False, **kwargs: Any) -> Any:
        """Call ``method`` of a container or service the SDK returned (start, stop, kill,
        reload, remove, top, tasks, update); with ``missing_ok`` one that is gone is no error."""
        import docker.errors

        try:
            return getattr(obj, method)(*args, **kwargs)
        except docker_errors() as e:
            if missing_ok and isinstance(e, docker.errors.NotFound):
                return None
            raise from_docker_error(e, action=f"{method} {getattr(obj, 'name', obj)}") from e

    # --- images, networks, volumes, services ------------------------------------------------

    def image(self, ref: str) -> Any | None:
        return self._get(self.client.images, ref, "image ")

    def build_image(self, **kwargs: Any) -> None:
        try:
            self.client.images.build(**kwargs)
        except docker_errors() as e:
            raise from_docker_error(e, action=f"build {kwargs.get('tag', 'an image')}") from e

    def ensure_network(self, name: str, *, driver: str, labels: dict[str, str]) -> None:
        try:
            if any(n.name == name for n in self.client.networks.list(names=[name])):
                return
            self.client.networks.create(name, driver=driver, attachable=driver == "overlay",
                                        labels=labels, check_duplicate=True)
        except docker_errors() as e:
            raise from_docker_error(e, action=f"create network {name}") from e

    def create_volume(self, name: str, labels: dict[str, str]) -> None:
        try:
            self.client.volumes.create(name, labels=labels)
        except docker_errors() as e:
            raise from_docker_error(e, action=f"create volume {name}") from e

    def service(self, name: str) -> Any | None:
        return self._get(self.client.services, name, "service ")

    def create_service(self, **spec: Any) -> Any:
        try:
            return self.client.services.create(**spec)
        except docker_errors() as e:
            raise from_docker_error(e, action=f"create service {spec.get('name')}") from e

    def swarm_active(self) -> bool:
        try:
            info = self.client.info()
        except docker_errors() as e:
            raise from_docker_error(e, action="docker info") from e
        return bool(info.get("Swarm", {}).get("ControlAvailable"))

    def close(self) -> None:
        self.client.close()


def engine_for(endpoint: str | None, tls_credentials: str | None, env: Mapping[str, str]) -> Engine:
    """The engine of a deploy environment: its ``endpoint`` (a tcp:// one with the client
    certificate in DOCKER_CERT_PATH, as withCredentials dockerCert binds it), else the
    usual DOCKER_HOST settings."""
    if endpoint is None:
        return Engine()
    tls = None
    if endpoint.startswith("tcp://"):
        cert_path = env.get("DOCKER_CERT_PATH")
        if not cert_path:
            raise UsageError(f"endpoint {endpoint} needs DOCKER_CERT_PATH: a directory with ca.pem, "
                             f"cert.pem and key.pem (withCredentials dockerCert {tls_credentials})")
        tls = TlsFiles(Path(cert_path))
        tls.check()
    return Engine(endpoint, tls)
