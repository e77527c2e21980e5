"""A real (not editable) install carries its templates: render works from another directory."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from defusedxml import ElementTree

ROOT = Path(__file__).resolve().parents[3]
NOT_SOURCE = shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache",
                                    ".hypothesis", ".venv", "tests", "benchmarks", "out")


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, f"{cmd}: {proc.stdout[-2000:]}{proc.stderr[-2000:]}"
    return proc


def test_pip_install_then_render_elsewhere(tmp_path: Path) -> None:
    source = tmp_path / "src"  # a copy, so the build leaves nothing in the checkout
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], tmp_path)
    python = venv / "bin" / "python"
    # as a user installs: pip builds the wheel with the build-system requirements of
    # pyproject.toml (fetched by pip, like `pip install -e .` in scripts/test does)
    _run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--disable-pip-version-check",
          str(source)], tmp_path)
    shutil.rmtree(source)  # the installed package must not need its source tree

    work = tmp_path / "elsewhere"
    work.mkdir()
    where = _run([str(python), "-c", "import jenkinsbridge.render.environment as e; "
                  "print(e.templates_dir())"], work).stdout.strip()
    assert where.startswith(str(venv)) and "site-packages" in where

    spec = work / "shop.yaml"
    shutil.copy(ROOT / "examples" / "shop.yaml", spec)
    _run([str(venv / "bin" / "jenkinsbridge"), "render", "shop.yaml", "-o", "out"], work)
    jenkinsfile = work / "out" / "shop" / "shop-api" / "Jenkinsfile"
    assert "pipeline {" in jenkinsfile.read_text(encoding="utf-8")
    for xml in (work / "out").rglob("config.xml"):
        ElementTree.parse(xml)
    version = _run([str(venv / "bin" / "jenkinsbridge"), "--version"], work).stdout
    assert version.startswith("jenkinsbridge ")
