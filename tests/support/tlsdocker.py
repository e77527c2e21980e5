"""A second Docker engine for tests: dockerd on 127.0.0.1 with --tlsverify, its own
data root, exec root, pid file and unix socket, a default bridge of its own and no iptables (so
it leaves the main engine alone). Certificates are made here with openssl. Stopped by
its PID."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["TlsEngine", "close_bridge", "load_images", "make_certs", "open_bridge", "start_tls_engine"]


def _run(*cmd: str, cwd: Path) -> None:
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)


def make_certs(d: Path) -> tuple[Path, Path]:
    """CA, server (SAN 127.0.0.1) and client certificates; returns (server dir, client dir)."""
    d.mkdir(parents=True, exist_ok=True)
    _run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
         "/CN=jbt-deploy-ca", "-keyout", "ca-key.pem", "-out", "ca.pem", cwd=d)
    for name, ext in (("server", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth"),
                      ("client", "extendedKeyUsage=clientAuth")):
        (d / f"{name}.ext").write_text(ext + "\n")
        _run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN=jbt-deploy-{name}",
             "-keyout", f"{name}-key.pem", "-out", f"{name}.csr", cwd=d)
        _run("openssl", "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
             "-CAcreateserial", "-days", "2", "-extfile", f"{name}.ext", "-out", f"{name}-cert.pem", cwd=d)
    client = d / "client"
    client.mkdir()
    shutil.copy(d / "ca.pem", client / "ca.pem")
    shutil.copy(d / "client-cert.pem", client / "cert.pem")
    shutil.copy(d / "client-key.pem", client / "key.pem")
    return d, client


@dataclass
class TlsEngine:
    endpoint: str
    socket: Path
    certs: Path  # ca.pem, cert.pem, key.pem for the client
    pid: int
    root: Path
    log: Path
    exec_root: Path
    default_bridge: str = ""

    def client(self) -> Any:
        from jenkinsbridge.deploy.engine import Engine, TlsFiles

        return Engine(self.endpoint, TlsFiles(self.certs)).client

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        for path in (self.root, self.exec_root):
            subprocess.run(["sh", "-c", f"grep -o ' {path}[^ ]*' /proc/mounts | sort -r | xargs -r umount -l"],
                           check=False, capture_output=True)
            shutil.rmtree(path, ignore_errors=True)
        if self.default_bridge:
            subprocess.run(["ip", "link", "del", self.default_bridge], check=False, capture_output=True)


def _own_default_bridge(port: int) -> str:
    """A bridge interface of ours for the second engine's default network.

    Not `--bridge=none`: a dockerd started with it deletes the host's docker0, which the
    main engine's default network needs. A bridge we create is user-managed: dockerd
    uses it as it is and never deletes it; we remove it after the engine stops."""
    name = f"jbtdb{port}"
    subprocess.run(["ip", "link", "del", name], check=False, capture_output=True)
    third = port % 250 + 1
    for args in (["link", "add", name, "type", "bridge"],
                 ["addr", "add", f"10.214.{third}.1/24", "dev", name],
                 ["link", "set", name, "up"]):
        subprocess.run(["ip", *args], check=True, capture_output=True)
    return name


def start_tls_engine(root: Path, port: int) -> TlsEngine:
    """Start the engine (fails loudly when it does not answer within 60 s)."""
    server, client = make_certs(root / "certs")
    data, exec_root = root / "data", Path(f"/run/jbt-deploy-{port}")
    sock, pidfile, log = exec_root / "docker.sock", root / "docker.pid", root / "dockerd.log"
    exec_root.mkdir(parents=True, exist_ok=True)
    bridge = _own_default_bridge(port)
    cmd = ["dockerd", "--tlsverify", f"--tlscacert={server / 'ca.pem'}",
           f"--tlscert={server / 'server-cert.pem'}", f"--tlskey={server / 'server-key.pem'}",
           "-H", f"tcp://127.0.0.1:{port}", "-H", f"unix://{sock}",
           f"--data-root={data}", f"--exec-root={exec_root}", f"--pidfile={pidfile}",
           f"--bridge={bridge}", "--iptables=false", "--ip-masq=false",
           "--default-address-pool", "base=10.213.0.0/16,size=24"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    engine = TlsEngine(f"tcp://127.0.0.1:{port}", sock, client, proc.pid, root, log, exec_root, bridge)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text()[-800:]
            engine.stop()
            raise RuntimeError(f"dockerd exited: {tail}")
        try:
            c = engine.client()
            c.ping()
            c.close()
            return engine
        except Exception:
            time.sleep(0.5)
    tail = log.read_text()[-800:]
    engine.stop()
    raise RuntimeError(f"dockerd did not answer on {engine.endpoint}: {tail}")


def open_bridge(engine: TlsEngine, network: str, labels: dict[str, str]) -> str:
    """Create the deploy's bridge network on the second engine under a bridge name of
    ours, and let its containers talk to each other: the main engine set the FORWARD
    policy to DROP and this engine runs without iptables. Returns the bridge name."""
    bridge = f"jbtd{engine.endpoint.rsplit(':', 1)[1]}"
    client = engine.client()
    client.networks.create(network, driver="bridge", labels=labels,
                           options={"com.docker.network.bridge.name": bridge})
    client.close()
    subprocess.run(["iptables", "-I", "DOCKER-USER", "-i", bridge, "-o", bridge, "-j", "ACCEPT"], check=True)
    return bridge


def close_bridge(bridge: str) -> None:
    subprocess.run(["iptables", "-D", "DOCKER-USER", "-i", bridge, "-o", bridge, "-j", "ACCEPT"], check=False)


def load_images(engine: TlsEngine, images: list[str]) -> None:
    """docker save | docker load into the second engine."""
    save = subprocess.Popen(["docker", "save", *images], stdout=subprocess.PIPE)
    subprocess.run(["docker", "-H", f"unix://{engine.socket}", "load", "-q"], stdin=save.stdout,
                   check=True, capture_output=True)
    save.wait()
