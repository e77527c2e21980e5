"""`quality.fail_on` with Go: `jenkinsbridge run --stage audit` runs govulncheck in the Go agent
image against a fixture vulnerability database in the workspace (GOVULNDB=file://...; the
image's govulncheck is Debian's, which reads the database layout of golang/vuln
client/client.go at that release: index.json naming the modules, <module>.json holding
their OSV entries, the standard library as module "stdlib"). An advisory on a symbol the
sample calls (fmt.Sprintf) for the Go release in the image fails the stage; the same
advisory fixed in a release older than the image's passes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.support.runner import AgentImages, copy_sample, payload, run_cli

WORKSPACE = "/home/jenkins/agent/workspace/sample-go"


def _database(tree: Path, fixed: str) -> None:
    db = tree / "vulndb"
    (db / "ID").mkdir(parents=True)
    entry = {
        "id": "GO-2099-0001", "published": "2026-01-01T00:00:00Z", "modified": "2026-01-01T00:00:00Z",
        "details": "Fixture: formatting a greeting leaks memory.",
        "affected": [{
            "package": {"name": "stdlib", "ecosystem": "Go"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": fixed}]}],
            "ecosystem_specific": {"imports": [{"path": "fmt", "symbols": ["Sprintf"]}]},
        }],
    }
    (db / "index.json").write_text(json.dumps({"stdlib": "2026-01-01T00:00:00Z"}))
    (db / "stdlib.json").write_text(json.dumps([entry]))
    (db / "aliases.json").write_text("{}")
    (db / "ID" / "index.json").write_text(json.dumps(["GO-2099-0001"]))
    (db / "ID" / "GO-2099-0001.json").write_text(json.dumps(entry))


@pytest.mark.parametrize(("fixed", "fails"), [("1.99.0", True), ("1.0.1", False)])
def test_govulncheck_fails_on_a_reachable_advisory(agent_images: AgentImages, run_network: str,
                                                  tmp_path: Path, fixed: str, fails: bool) -> None:
    tree = copy_sample("go", tmp_path)
    spec = tree / "jenkinsbridge.yaml"
    data = yaml.safe_load(spec.read_text())
    data["jobs"][0]["quality"] = {"fail_on": "high"}
    data["jobs"][0]["environment"] = {"GOVULNDB": f"file://{WORKSPACE}/vulndb"}
    spec.write_text(yaml.safe_dump(data))
    _database(tree, fixed)

    proc = run_cli(spec, "--stage", "audit", image=agent_images.get("go"), network=run_network)
    if fails:
        assert proc.returncode == 1, proc.stderr[-3000:]
        assert "jenkinsbridge: error: stage 'audit' failed with exit status 3" in proc.stderr, proc.stderr[-3000:]
        assert "GO-2099-0001" in proc.stderr
    else:
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert [r["stage"] for r in payload(proc)["stages"]] == ["audit"]
        assert "No vulnerabilities found" in proc.stderr, proc.stderr[-3000:]
