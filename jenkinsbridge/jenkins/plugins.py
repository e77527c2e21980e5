"""Which plugins a rendered job needs, and which of them a controller lacks.

Two sources: the ``plugin="name"`` / ``plugin="name@version"`` attributes of config.xml
(XStream writes them for every class a plugin provides), and the pipeline steps the
Jenkinsfile calls, looked up in :data:`STEP_PLUGINS`. Strings and comments of the
Jenkinsfile are blanked first, so a step name inside a shell command is not a step.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any, Protocol

from jenkinsbridge.errors import PluginsMissingError

__all__ = ["STEP_PLUGINS", "check_plugins", "missing_plugins", "required_plugins", "version_tuple"]

# pipeline step (or declarative keyword, or class used in a step) -> plugin; None = Jenkins core
STEP_PLUGINS: dict[str, str | None] = {
    "pipeline": "pipeline-model-definition",
    "skipDefaultCheckout": "pipeline-model-definition",
    "stage": "pipeline-stage-step",
    "parallel": "workflow-cps",
    "node": "workflow-durable-task-step",
    "sh": "workflow-durable-task-step",
    "bat": "workflow-durable-task-step",
    "powershell": "workflow-durable-task-step",
    "ws": "workflow-durable-task-step",
    "echo": "workflow-basic-steps",
    "error": "workflow-basic-steps",
    "timeout": "workflow-basic-steps",
    "retry": "workflow-basic-steps",
    "sleep": "workflow-basic-steps",
    "dir": "workflow-basic-steps",
    "deleteDir": "workflow-basic-steps",
    "withEnv": "workflow-basic-steps",
    "readFile": "workflow-basic-steps",
    "writeFile": "workflow-basic-steps",
    "fileExists": "workflow-basic-steps",
    "catchError": "workflow-basic-steps",
    "warnError": "workflow-basic-steps",
    "unstable": "workflow-basic-steps",
    "stash": "workflow-basic-steps",
    "unstash": "workflow-basic-steps",
    "archiveArtifacts": None,
    "fingerprint": None,
    "buildDiscarder": None,
    "logRotator": None,
    "disableConcurrentBuilds": "workflow-job",
    "junit": "junit",
    "withCredentials": "credentials-binding",
    "usernamePassword": "credentials-binding",
    "usernameColonPassword": "credentials-binding",
    "string": "credentials-binding",
    "file": "credentials-binding",
    "sshUserPrivateKey": "credentials-binding",
    "certificate": "credentials-binding",
    "dockerCert": "docker-commons",
    "timestamps": "timestamper",
    "mail": "mailer",
    "emailext": "email-ext",
    "checkout": "workflow-scm-step",
    "GitSCM": "git",
    "git": "git",
    "input": "pipeline-input-step",
    "milestone": "pipeline-milestone-step",
    "recordIssues": "warnings-ng",
    # warnings-ng tools (@Symbol of each parser class: jenkinsci/warnings-ng-plugin
    # plugin/src/main/java/io/jenkins/plugins/analysis/warnings/: Sarif, CheckStyle, EsLint, PhpStan,
    # ClangTidy, GoVet, Java)
    "sarif": "warnings-ng",
    "checkStyle": "warnings-ng",
    "esLint": "warnings-ng",
    "phpStan": "warnings-ng",
    "clangTidy": "warnings-ng",
    "goVet": "warnings-ng",
    "java": "warnings-ng",
    "recordCoverage": "coverage",
    "lock": "lockable-resources",
    "build": "pipeline-build-step",
    "sshagent": "ssh-agent",
    "withDockerRegistry": "docker-workflow",
    "withDockerServer": "docker-workflow",
    "withDockerContainer": "docker-workflow",
    "docker": "docker-workflow",
    "cleanWs": "ws-cleanup",
    "readYaml": "pipeline-utility-steps",
    "readJSON": "pipeline-utility-steps",
    "httpRequest": "http_request",
    "dingtalk": "dingding-notifications",
    "library": "pipeline-groovy-lib",
    "Library": "pipeline-groovy-lib",
}

# What only a later release of a plugin reads: (text in the Jenkinsfile, plugin, minimum version).
_NEEDS_VERSION = (
    # the Go coverprofile parser: coverage-model 0.56.0 (CoverageParserType.GO_COV), first in coverage 2.8.0
    (re.compile(r"parser: 'GO_COV'"), "coverage", "2.8.0"),
    # ESLint's JSON format: analysis-model 13.6.0 (parser/EsLintParser.java); before, checkstyle only
    (re.compile(r"\besLint\("), "analysis-model-api", "13.6.0"),
)

_STRINGS = re.compile(
    r"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|/\*.*?\*/|//[^\n]*", re.S)
# a step call: name followed by '(', '{', '[' or an argument (named or literal)
_CALL = re.compile(r"(?<![\w.$])@?([A-Za-z_]\w*)\s*(?=[({\[]|'|\"|[A-Za-z_]\w*\s*:)")
_CLASS_ARG = re.compile(r"\$class\s*:\s*'(\w+)'")
_PLUGIN_ATTR = re.compile(r"^([\w.-]+)(?:@(.+))?$")


class _Rendered(Protocol):
    @property
    def config_xml(self) -> str: ...

    @property
    def jenkinsfile(self) -> str: ...


def _blank(script: str) -> str:
    """Strings become empty strings (``''``) and comments go: only code is left to scan."""
    return _STRINGS.sub(lambda m: "" if m.group(0).startswith("/") else "''", script)


def required_plugins(rendered_job: _Rendered) -> dict[str, str | None]:
    """Plugin short name -> minimum version (None when any version will do)."""
    out: dict[str, str | None] = {}

    def want(name: str, version: str | None) -> None:
        old = out.get(name)
        if old is None or (version is not None and version_tuple(version) > version_tuple(old)):
            out[name] = version

    root = ET.fromstring(rendered_job.config_xml.encode("utf-8"))
    for el in root.iter():
        attr = el.get("plugin")
        m = _PLUGIN_ATTR.match(attr.strip()) if attr else None
        if m:
            want(m.group(1), m.group(2))
    script = rendered_job.jenkinsfile
    for cls in _CLASS_ARG.findall(script):
        plugin = STEP_PLUGINS.get(cls)
        if plugin:
            want(plugin, None)
    for name in _CALL.findall(_blank(script)):
        plugin = STEP_PLUGINS.get(name)
        if plugin:
            want(plugin, None)
    for pattern, plugin, version in _NEEDS_VERSION:
        if pattern.search(script):
            want(plugin, version)
    return dict(sorted(out.items()))


def version_tuple(version: str) -> tuple[tuple[int, str], ...]:
    """Order Jenkins plugin versions (``1400.v7fd111b_ec82f``, ``2.13.2``, ``5.5.2-rc1``)."""
    parts = re.split(r"[.\-_]", version)
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in parts)


def missing_plugins(required: dict[str, str | None], installed: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Required plugins that are absent, disabled or older than wanted: name -> what is wanted
    (the version, or ``installed-but-disabled`` / ``any``)."""
    have = {str(p.get("shortName")): p for p in installed}
    missing: dict[str, str] = {}
    for name, version in required.items():
        p = have.get(name)
        if p is None:
            missing[name] = version or ""
        elif not (p.get("active", True) and p.get("enabled", True)):
            missing[name] = f"{version or ''} (installed but disabled)".strip()
        elif version and version_tuple(str(p.get("version", "0"))) < version_tuple(version):
            missing[name] = f"{version} (have {p.get('version')})"
    return missing


def check_plugins(required: dict[str, str | None], installed: Iterable[dict[str, Any]]) -> None:
    missing = missing_plugins(required, installed)
    if missing:
        raise PluginsMissingError(missing)
