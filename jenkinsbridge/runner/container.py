"""The one container of a local run: created, fed the working tree, given each stage's
script as an exec, and removed. The thin layer that speaks to the Docker engine."""

from __future__ import annotations

import io
import logging
import re
import tarfile
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jenkinsbridge.errors import DockerOperationError, JenkinsbridgeError, from_docker_error

__all__ = ["LABEL_JOB", "LABEL_OWNER", "LABEL_RUN", "LABEL_STAGE", "OWNER", "RunContainer"]

log = logging.getLogger(__name__)

LABEL_OWNER = "io.jenkinsbridge.owner"
LABEL_JOB = "io.jenkinsbridge.job"
LABEL_STAGE = "io.jenkinsbridge.stage"
LABEL_RUN = "io.jenkinsbridge.run"
OWNER = "run"

# PID 1 of the container: waits until removed; stages run as execs beside it
_IDLE = ["/bin/sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"]

OnOutput = Callable[[str, bool], None]  # (line, is_stderr)


class RunContainer:
    """A fresh container of the agent image with the working tree at ``workspace``.

    ``copy=False`` bind-mounts the tree and runs stages as the tree's owner (as the
    Docker Pipeline plugin's ``docker.inside`` runs as the agent's user), so files the
    build writes belong to whoever owns the tree. ``copy=True`` copies the tree into
    the container and runs stages as the image's user; the tree is left untouched.
    """

    def __init__(self, client: Any, *, image: str, name: str, workspace: str, tree: Path,
                 copy: bool, labels: Mapping[str, str], network: str | None = None,
                 cache: str | None = None, cache_target: str = "/home/jenkins/.cache") -> None:
        self.client = client
        self.image = image
        self.name = name
        self.workspace = workspace
        self.tree = tree
        self.copy = copy
        self.labels = dict(labels)
        self.network = network
        self.cache = cache  # a named volume kept across runs, mounted at cache_target
        self.cache_target = cache_target
        self.id: str | None = None
        self.user: str | None = None
        self._created = False  # a create was sent: remove by name even without an id
        self._cache_back: tuple[str, str] | None = None  # (uid, gid) the cache goes back to

    # --- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        import docker.errors

        mounts: dict[str, dict[str, str]] = {}
        if not self.copy:
            st = self.tree.stat()
            self.user = f"{st.st_uid}:{st.st_gid}"
            mounts = {str(self.tree): {"bind": self.workspace, "mode": "rw"}}
        if self.cache:
            # an empty named volume takes the image's directory (mode 1777 in the agent
            # images) on first use; _own_cache() hands what is in it to the build user
            mounts[self.cache] = {"bind": self.cache_target, "mode": "rw"}
        self._created = True
        try:
            container = self.client.containers.create(
                self.image, entrypoint=_IDLE, command=[], name=self.name, labels=self.labels,
                working_dir=self.workspace, volumes=mounts, user=self.user or "",
                detach=True, tty=False, stdin_open=False, network=self.network,
            )
            self.id = container.id
            container.start()
        except docker.errors.ImageNotFound as e:
            raise DockerOperationError(
                f"agent image {self.image} is not on this Docker engine; build it with "
                "jenkins-docker/agents/build, or choose another with --image-override") from e
        except docker.errors.NotFound as e:
            if self.network and "network" in str(e).lower():
                raise DockerOperationError(
                    f"network {self.network} does not exist; create it or leave out --network") from e
            raise from_docker_error(e, action=f"start container {self.name}") from e
        except docker.errors.DockerException as e:
            raise from_docker_error(e, action=f"start container {self.name}") from e
        log.debug("started %s (%s) from %s", self.name, self.id and self.id[:12], self.image)
        if self.copy:
            self._copy_tree_in()
        if self.cache:
            self._own_cache()

    def remove(self) -> None:
        """Remove the container, whatever state it is in. Safe to call twice."""
        import docker.errors

        if self.id is None and not self._created:
            return
        try:
            self._hand_cache_back()
        except JenkinsbridgeError as e:  # never mask the run's error; the next run takes the cache
            log.warning("could not hand the cache %s back: %s", self.cache, e)
        try:
            self.client.api.remove_container(self.id or self.name, force=True, v=True)
            log.debug("removed %s", self.name)
        except docker.errors.NotFound:
            pass
        except docker.errors.DockerException as e:  # keep going: report, never mask the run's error
            log.warning("could not remove container %s: %s", self.name, e)
        self.id = None
        self._created = False

    # --- the tree ------------------------------------------------------------------------

    def _copy_tree_in(self) -> None:
        with tempfile.TemporaryFile() as fh:
            with tarfile.open(fileobj=fh, mode="w") as tar:
                for child in sorted(self.tree.iterdir()):
                    tar.add(str(child), arcname=child.name)
            fh.seek(0)
            self._api("copy the working tree in", self.client.api.put_archive,
                      self.id, self.workspace, fh)
        status = self.exec(["chown", "-R", "jenkins:jenkins", self.workspace], {}, None, user="root")
        if status != 0:
            raise DockerOperationError(f"could not hand {self.workspace} to the jenkins user in {self.name}")

    # --- the cache -----------------------------------------------------------------------

    def _image_user(self) -> str:
        """The user the image runs as (its USER; root when it names none)."""
        attrs = self._api("inspect the image", self.client.api.inspect_image, self.image)
        return str((attrs.get("Config") or {}).get("User") or "root")

    def _ids(self, user: str | None) -> tuple[str, str]:
        """(uid, gid) of ``user`` in the container (None: the user the stages run as)."""
        ids: list[str] = []
        for flag in ("-u", "-g"):
            self.exec(["id", flag], {}, lambda line, err: None if err else ids.extend(line.split()), user=user)
        if len(ids) != 2:
            raise DockerOperationError(f"could not tell the ids of the build user in {self.name}")
        return ids[0], ids[1]

    def _chown_cache(self, uid: str, gid: str) -> int:
        """Give ``uid:gid`` the files of the cache that another user owns; exit status."""
        return self.exec(["find", self.cache_target, "(", "!", "-user", uid, "-o", "!", "-group", gid, ")",
                          "-exec", "chown", "-h", f"{uid}:{gid}", "{}", "+"], {}, None, user="root")

    def _own_cache(self) -> None:
        """Hand the cache volume's files to the user the stages run as, for this run.

        Runs of one volume may use different users (the tree's owner, root in CI, the
        image's jenkins user with --copy), and a directory another user made is not
        writable. pip is stricter still: run as root, it uses a cache directory only when
        root owns it (pip's ``check_path_owner``) and otherwise disables its cache with a
        warning. Only files with another owner are changed. When the stages run as
        someone other than the image's user, :meth:`remove` hands the files back to the
        image's user, the one Jenkins agents sharing the volume run as.
        """
        image_ids = self._ids(self._image_user())
        stage_ids = self._ids(None) if self.user else image_ids
        if self._chown_cache(*stage_ids) != 0:
            raise DockerOperationError(f"could not hand the cache {self.cache} to user {stage_ids[0]} in {self.name}")
        self._cache_back = image_ids if stage_ids != image_ids else None

    def _hand_cache_back(self) -> None:
        if self._cache_back is None or self.id is None:
            return
        uid, gid = self._cache_back
        self._cache_back = None
        if self._chown_cache(uid, gid) != 0:
            log.warning("could not hand the cache %s back to user %s; the next run as that user takes it",
                        self.cache, uid)

    def list_files(self) -> dict[str, float]:
        """Relative path -> modification time of every file in the workspace."""
        lines: list[str] = []
        self.exec(["find", ".", "-type", "f", "-printf", "%T@ %P\\n"], {},
                  lambda line, err: None if err else lines.append(line))
        out: dict[str, float] = {}
        for line in lines:
            stamp, _, rel = line.partition(" ")
            try:
                out[rel] = float(stamp)
            except ValueError:
                continue
        return out

    def read_file(self, rel: str) -> bytes:
        stream, _ = self._api(f"read {rel}", self.client.api.get_archive, self.id,
                              f"{self.workspace}/{rel}")
        data = io.BytesIO(b"".join(stream))
        with tarfile.open(fileobj=data) as tar:
            for member in tar.getmembers():
                f = tar.extractfile(member)
                if f is not None:
                    return f.read()
        return b""

    # --- stages ------------------------------------------------------------------------

    def exec(self, cmd: list[str], env: Mapping[str, str], on_output: OnOutput | None,
             *, user: str | None = None) -> int:
        """Run ``cmd`` in the workspace; stream its lines to ``on_output``; its exit status.

        The environment goes with the exec, not the container, so values never show in
        the container's configuration. -1 when the container went away meanwhile.
        """
        import docker.errors

        if self.id is None:
            return -1
        try:
            exec_id = self.client.api.exec_create(
                self.id, cmd, environment=dict(env), workdir=self.workspace,
                user=user if user is not None else (self.user or ""), stdout=True, stderr=True,
            )["Id"]
            stream = self.client.api.exec_start(exec_id, stream=True, demux=True)
            _pump(stream, on_output)
            return int(self.client.api.exec_inspect(exec_id).get("ExitCode") or 0)
        except docker.errors.NotFound:
            return -1
        except docker.errors.APIError as e:
            if self.id is None or e.status_code in (404, 409):
                return -1
            raise from_docker_error(e, action=f"run a stage in {self.name}") from e
        except (OSError, ValueError) as e:  # the stream broke: the container was removed
            log.debug("exec stream ended: %s", e)
            return -1

    def _api(self, action: str, fn: Callable[..., Any], *args: Any) -> Any:
        import docker.errors

        try:
            return fn(*args)
        except docker.errors.DockerException as e:
            raise from_docker_error(e, action=f"{action} ({self.name})") from e


def _pump(stream: Any, on_output: OnOutput | None) -> None:
    buffers = {False: b"", True: b""}
    for out, err in stream:
        for is_err, chunk in ((False, out), (True, err)):
            if not chunk:
                continue
            buffers[is_err] += chunk
            *lines, buffers[is_err] = buffers[is_err].split(b"\n")
            if on_output:
                for line in lines:
                    on_output(line.decode("utf-8", "replace").rstrip("\r"), is_err)
    for is_err, rest in buffers.items():
        if rest and on_output:
            on_output(rest.decode("utf-8", "replace").rstrip("\r"), is_err)


_NAME_UNSAFE = re.compile(r"[^a-zA-Z0-9_.-]+")


def container_name(prefix: str, job_name: str, run_id: str) -> str:
    """``<prefix><job>-<run id>``, within Docker's allowed characters."""
    head = _NAME_UNSAFE.sub("-", prefix).lstrip("-.") or "jb-run-"
    return f"{head}{_NAME_UNSAFE.sub('-', job_name).strip('-.')[:40]}-{run_id}"
