"""`quality.fail_on` with npm: the audit stage jenkinsbridge adds (language defaults) runs the
real npm against an advisory fixture served on 127.0.0.1. npm posts the lockfile's
packages to the registry's bulk advisory endpoint (npm/cli lib/commands/audit.js through
@npmcli/arborist audit-report: POST /-/npm/v1/security/advisories/bulk, gzip body; each
advisory's vulnerable_versions is checked against the packument's versions, read by
@npmcli/metavuln-calculator), so a tiny registry answering those two requests is the
whole database. An advisory below the level passes, at or above it fails."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from jenkinsbridge.render.languages import job_stages
from jenkinsbridge.spec.models import Job

PACKAGE = "jbt-leftpad"
LEVELS = ("low", "moderate", "high", "critical")


class _Registry(ThreadingHTTPServer):
    severity = "moderate"
    bulk_requests: list[dict[str, Any]]


class _Handler(BaseHTTPRequestHandler):
    server: _Registry

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _json(self, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        if self.path.rstrip("/").endswith("/-/npm/v1/security/advisories/bulk"):
            asked = json.loads(raw or b"{}")
            self.server.bulk_requests.append(asked)
            found = {}
            if PACKAGE in asked:
                found[PACKAGE] = [{
                    "id": 1099001, "url": "https://advisories.example.com/1099001",
                    "title": "Prototype pollution in jbt-leftpad", "severity": self.server.severity,
                    "vulnerable_versions": "<1.0.1", "cwe": ["CWE-1321"],
                    "cvss": {"score": 0, "vectorString": None},
                }]
            self._json(found)
            return
        self.send_error(404)

    def do_GET(self) -> None:
        if self.path.lstrip("/").split("?")[0] == PACKAGE:
            base = f"http://127.0.0.1:{self.server.server_address[1]}/{PACKAGE}/-"
            self._json({"name": PACKAGE, "dist-tags": {"latest": "1.0.1"}, "versions": {
                v: {"name": PACKAGE, "version": v, "dist": {"tarball": f"{base}/{PACKAGE}-{v}.tgz"}}
                for v in ("1.0.0", "1.0.1")}})
            return
        self.send_error(404)


@pytest.fixture(scope="module")
def registry() -> Iterator[_Registry]:
    server = _Registry(("127.0.0.1", 0), _Handler)
    server.bulk_requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _project(tmp_path: Path, port: int) -> Path:
    tree = tmp_path / "app"
    tree.mkdir()
    (tree / "package.json").write_text(json.dumps(
        {"name": "app", "version": "1.0.0", "dependencies": {PACKAGE: "1.0.0"}}))
    (tree / "package-lock.json").write_text(json.dumps({
        "name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": True,
        "packages": {
            "": {"name": "app", "version": "1.0.0", "dependencies": {PACKAGE: "1.0.0"}},
            f"node_modules/{PACKAGE}": {
                "version": "1.0.0",
                "resolved": f"http://127.0.0.1:{port}/{PACKAGE}/-/{PACKAGE}-1.0.0.tgz"},
        }}))
    return tree


def _audit_script(level: str) -> str:
    job = Job.model_validate({"name": "app", "language": "node",
                              "source": {"url": "https://git.example.com/app.git"},
                              "quality": {"fail_on": level}})
    audit = job_stages(job)[-1]
    assert audit.name == "audit"
    return audit.run


def _run(tree: Path, script: str, port: int, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    npm = shutil.which("npm")
    assert npm, "npm is not installed (scripts/setup-machine installs it)"
    env = {**os.environ, "npm_config_registry": f"http://127.0.0.1:{port}/",
           "npm_config_cache": str(tmp_path / "npm-cache"), "npm_config_userconfig": str(tmp_path / "npmrc"),
           "npm_config_update_notifier": "false", "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        env.pop(name, None)
    return subprocess.run(["sh", "-ec", script], cwd=tree, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.mark.parametrize("severity", ["moderate", "high"])
@pytest.mark.parametrize("level", LEVELS)
def test_npm_audit_fails_at_or_above_the_level(registry: _Registry, tmp_path: Path, severity: str,
                                               level: str) -> None:
    registry.severity = severity
    asked = len(registry.bulk_requests)
    port = registry.server_address[1]
    proc = _run(_project(tmp_path, port), _audit_script(level), port, tmp_path)
    assert len(registry.bulk_requests) == asked + 1, proc.stdout + proc.stderr
    assert PACKAGE in registry.bulk_requests[-1] and registry.bulk_requests[-1][PACKAGE] == ["1.0.0"]
    assert "Prototype pollution in jbt-leftpad" in proc.stdout, proc.stdout + proc.stderr
    should_fail = LEVELS.index(severity) >= LEVELS.index(level)
    assert (proc.returncode != 0) == should_fail, (level, severity, proc.returncode, proc.stdout[-1500:])


def test_npm_audit_without_advisories_passes(registry: _Registry, tmp_path: Path) -> None:
    port = registry.server_address[1]
    tree = _project(tmp_path, port)
    lock = json.loads((tree / "package-lock.json").read_text())
    lock["packages"][f"node_modules/{PACKAGE}"]["version"] = "1.0.1"  # the fixed release
    (tree / "package-lock.json").write_text(json.dumps(lock))
    proc = _run(tree, _audit_script("low"), port, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "found 0 vulnerabilities" in proc.stdout
