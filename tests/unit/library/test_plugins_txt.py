"""controller/plugins.txt lists, pinned, every plugin that rendered jobs (plugin="..." in
config.xml, steps in Jenkinsfiles), the shared library and the JCasC files use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from jenkinsbridge.render import render_spec
from jenkinsbridge.spec import load_specs
from tests.support.plugin_use import (
    CASC_PLUGINS,
    STEP_PLUGINS,
    casc_symbols,
    groovy_names,
    plugins_for,
    xml_plugins,
)

ROOT = Path(__file__).resolve().parents[3]
PLUGINS_TXT = ROOT / "jenkins-docker" / "controller" / "plugins.txt"
LIBRARY = ROOT / "jenkins-docker" / "shared-library"


def pinned() -> dict[str, str]:
    out: dict[str, str] = {}
    for line in PLUGINS_TXT.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            m = re.fullmatch(r"([A-Za-z0-9_.-]+):([A-Za-z0-9_.-]+)", line)
            assert m, f"plugins.txt: {line!r} is not plugin-id:version"
            assert m.group(1) not in out, f"plugins.txt lists {m.group(1)} twice"
            out[m.group(1)] = m.group(2)
    return out


def spec_files() -> list[Path]:
    """The examples and every golden fixture spec that is meant to render."""
    files = sorted((ROOT / "examples").glob("*.yaml"))
    for f in sorted((ROOT / "tests" / "fixtures").glob("**/*.yaml")):
        # golden spec cases only: not invalid cases (.error beside them), not the
        # wizard's sample repositories, whose YAML files are project files
        if f.with_suffix(".error").exists() or "repos" in f.relative_to(ROOT / "tests" / "fixtures").parts:
            continue
        files.append(f)
    return files


def test_plugins_txt_pins_every_plugin() -> None:
    versions = pinned()
    assert versions, "plugins.txt is empty"
    for plugin, version in versions.items():
        assert version not in ("latest", "experimental"), f"{plugin} is not pinned"


@pytest.mark.parametrize("spec", spec_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_rendered_jobs_need_only_listed_plugins(spec: Path) -> None:
    listed = set(pinned())
    result = render_spec(load_specs([spec]))
    needed: set[str] = set()
    unknown: set[str] = set()
    for job in result.jobs:
        needed |= xml_plugins(job.config_xml)
        plugins, names = plugins_for(groovy_names(job.jenkinsfile), STEP_PLUGINS)
        needed |= plugins
        unknown |= names
        if "GitSCM" in job.jenkinsfile:
            needed.add("git")
    for folder in result.folders:
        needed |= xml_plugins(folder.config_xml)
    try:  # the Jenkins bridge's own table, when this tree has it
        from jenkinsbridge.jenkins.plugins import required_plugins  # type: ignore[import-not-found]
    except ImportError:
        pass
    else:
        for job in result.jobs:
            needed |= set(required_plugins(job))
    assert not unknown, f"steps with no known plugin (add them to tests/support/plugin_use.py): {sorted(unknown)}"
    assert not needed - listed, f"plugins.txt lacks {sorted(needed - listed)} (used by {spec.name})"


def test_library_steps_need_only_listed_plugins() -> None:
    names: set[str] = set()
    for f in sorted(LIBRARY.glob("vars/*.groovy")) + sorted(LIBRARY.glob("src/**/*.groovy")):
        names |= groovy_names(f.read_text(encoding="utf-8"))
    # calls on the script object from src/ (script.sh, script.withEnv, ...)
    for f in LIBRARY.glob("src/**/*.groovy"):
        names |= set(re.findall(r"\bscript\.([A-Za-z_]\w*)\(", f.read_text(encoding="utf-8")))
    # the library's own methods and closures
    names -= {"call", "_status", "_buildStage", "_lintTool", "commandsRun", "pushWithRegistry", "run", "check",
              "option", "text", "oneOf", "envEntry", "specEnv",
              "toString", "getClass", "getSimpleName", "IllegalArgumentException"}
    names = {n for n in names if not n[:1].isupper()}  # class names (StepArgs.check, Cli.run)
    plugins, unknown = plugins_for(names, STEP_PLUGINS)
    assert not unknown, f"library steps with no known plugin: {sorted(unknown)}"
    assert {"http_request", "mailer", "docker-commons", "credentials-binding", "pipeline-utility-steps",
            "pipeline-milestone-step", "pipeline-input-step"} <= plugins
    assert not plugins - set(pinned()), f"plugins.txt lacks {sorted(plugins - set(pinned()))}"


def test_casc_files_need_only_listed_plugins() -> None:
    listed = set(pinned()) | {"configuration-as-code"}
    assert "configuration-as-code" in pinned()
    for f in sorted((ROOT / "jenkins-docker" / "controller" / "casc").glob("*.yaml")):
        symbols = casc_symbols(yaml.safe_load(f.read_text(encoding="utf-8")))
        assert symbols, f"{f.name} names no known JCasC symbol"
        plugins, _ = plugins_for(symbols, CASC_PLUGINS)
        assert not plugins - listed, f"{f.name} needs {sorted(plugins - listed)}"


def test_step_scanner_sees_steps_not_strings() -> None:
    text = "pipeline {\n  stages {\n    stage('x') {\n      steps {\n        sh label: 'a', script: '''\\\n" \
           "docker build .\nmail me\n'''\n        junit testResults: 'r'\n        jbImage(spec: 's')\n" \
           "        env.X = 'y'\n      }\n    }\n  }\n}\n"
    assert groovy_names(text) == {"pipeline", "stages", "stage", "steps", "sh", "junit", "jbImage", "env"}
