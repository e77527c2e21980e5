"""jenkins-docker/docker-compose.yml passes the real `docker-compose config` and keeps
its promises: ports on 127.0.0.1 only, secrets from files, the controller's JCasC mounted."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = ROOT / "jenkins-docker" / "docker-compose.yml"


def test_compose_config_passes() -> None:
    exe = shutil.which("docker-compose")
    assert exe, "docker-compose is not installed (scripts/setup-machine installs it)"
    proc = subprocess.run([exe, "-f", str(COMPOSE), "config"], capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    cfg = yaml.safe_load(proc.stdout)
    services = cfg["services"]
    assert set(services) == {"controller", "registry", "provisioner"}
    for name, svc in services.items():
        for port in svc.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond loopback"
        for key in svc.get("environment") or {}:
            assert not any(w in key for w in ("PASSWORD", "TOKEN", "SECRET")), f"{name} sets {key} inline"
    assert {s["source"] for s in services["controller"]["secrets"]} == {"secrets.properties"}
    assert all("file" in s for s in cfg["secrets"].values())
    ctl = services["controller"]
    assert ctl["build"]["dockerfile"] == "controller/Dockerfile"
    assert Path(ctl["build"]["context"], ctl["build"]["dockerfile"]).is_file()
    assert ctl["build"]["args"]["BASE_IMAGE"].startswith("jenkins/jenkins:")
    assert any(v.endswith(":/usr/share/jenkinsbridge/casc:ro") for v in ctl["volumes"])
    prov = services["provisioner"]
    assert Path(prov["build"]["context"], prov["build"]["dockerfile"]).is_file()
    assert "jenkinsbridge agents run /etc/jenkinsbridge/agents.yaml" in " ".join(prov["entrypoint"])
    assert any(v.startswith("/var/run/docker.sock:") for v in prov["volumes"])
