"""Render the examples end to end: every config.xml parses, groovy parses every
Jenkinsfile (one batch), and two processes with different hash seeds write the same bytes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from defusedxml import ElementTree

from jenkinsbridge.spec.models import LANGUAGES
from tests.support.groovy import GroovyChecker

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
CLI = Path(sys.executable).parent / "jenkinsbridge"


def _render(specs: list[Path], out: Path, seed: str) -> None:
    assert CLI.is_file(), f"console script missing: {CLI} (pip install -e .)"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    proc = subprocess.run([str(CLI), "render", *map(str, specs), "-o", str(out)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_examples_render_to_files_jenkins_and_groovy_read(tmp_path: Path, groovy: GroovyChecker) -> None:
    assert len(EXAMPLES) >= 2
    out = tmp_path / "out"
    _render(EXAMPLES, out, "0")
    tree = _tree(out)
    # OUT/<folder>/<job>/{config.xml,Jenkinsfile} and OUT/<folder>/config.xml
    assert {"shop/config.xml", "shop/frontend/config.xml", "shop/shop-api/Jenkinsfile",
            "shop/shop-api/config.xml", "shop/frontend/shop-web/Jenkinsfile",
            "tools/config.xml", "tools/inventory/Jenkinsfile"} <= set(tree)
    assert not [p for p in tree if p.endswith((".tmp", "~"))]
    for rel, data in tree.items():
        if rel.endswith("config.xml"):
            root = ElementTree.fromstring(data)
            assert root.tag in {"flow-definition", "com.cloudbees.hudson.plugins.folder.Folder",
                                "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject"}, rel
    jenkinsfiles = sorted(out.rglob("Jenkinsfile"))
    # shop.yaml's and tools.yaml's four, and one per language from languages.yaml
    assert {f"languages/{lang}/Jenkinsfile" for lang in LANGUAGES} <= set(tree)
    assert len(jenkinsfiles) == 4 + len(LANGUAGES)
    groovy.assert_parses(list(jenkinsfiles))
    # the inline script in config.xml is the Jenkinsfile, byte for byte after XML decoding
    job = ElementTree.fromstring(tree["shop/shop-api/config.xml"])
    assert job.findtext("definition/script") == tree["shop/shop-api/Jenkinsfile"].decode()


def test_rendering_twice_gives_identical_bytes(tmp_path: Path) -> None:
    _render([ROOT / "examples" / "shop.yaml"], tmp_path / "a", "1")
    _render([ROOT / "examples" / "shop.yaml"], tmp_path / "b", "4242")
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert a and a == b
