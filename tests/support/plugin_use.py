"""Which plugins rendered jobs, the shared library and JCasC files use: plugin="..."
attributes in config.xml, step and directive names in Groovy, symbols in JCasC YAML."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import defusedxml.ElementTree as ET

CORE = "core"

# Step, directive or global name in a Jenkinsfile or library step -> the plugin providing it.
STEP_PLUGINS: dict[str, str] = {
    # declarative syntax
    **dict.fromkeys(["pipeline", "agent", "label", "options", "stages", "steps", "post", "always", "success",
                     "failure", "fixed", "unstable", "aborted", "changed", "regression", "cleanup", "unsuccessful",
                     "environment", "when", "branch", "script", "beforeInput", "beforeAgent", "message", "ok",
                     "submitter", "submitterParameter", "skipDefaultCheckout", "tools", "matrix", "any", "none",
                     "expression", "anyOf", "allOf", "not", "changeRequest"],
                    "pipeline-model-definition"),
    "stage": "pipeline-stage-step", "parallel": "workflow-cps", "input": "pipeline-input-step",
    "node": "workflow-durable-task-step", "sh": "workflow-durable-task-step", "bat": "workflow-durable-task-step",
    **dict.fromkeys(["timeout", "withEnv", "echo", "error", "readFile", "writeFile", "retry", "sleep", "dir",
                     "deleteDir", "fileExists", "pwd", "stash", "unstash", "catchError", "warnError", "isUnix"],
                    "workflow-basic-steps"),
    "mail": "mailer", "checkout": "workflow-scm-step", "git": "git", "junit": "junit",
    "timestamps": "timestamper", "disableConcurrentBuilds": "workflow-job",
    **dict.fromkeys(["withCredentials", "usernamePassword", "usernameColonPassword", "string", "file",
                     "sshUserPrivateKey"], "credentials-binding"),
    "dockerCert": "docker-commons", "docker": "docker-workflow", "httpRequest": "http_request",
    **dict.fromkeys(["readJSON", "readYaml", "writeJSON", "writeYaml", "findFiles"], "pipeline-utility-steps"),
    **dict.fromkeys(["libraryResource", "library", "Library"], "pipeline-groovy-lib"),
    "milestone": "pipeline-milestone-step",
    # static analysis and coverage: the step and the parser symbols inside `tools:` / `tools:`
    **dict.fromkeys(["recordIssues", "sarif", "checkStyle", "esLint", "phpStan", "clangTidy", "goVet", "java"],
                    "warnings-ng"),
    "recordCoverage": "coverage",
    **dict.fromkeys(["archiveArtifacts", "buildDiscarder", "logRotator", "triggers", "cron", "pollSCM",
                     "parameters", "text", "booleanParam", "choice", "password", "currentBuild", "env", "params",
                     "scm"], CORE),
}
# Groovy itself, not steps.
GROOVY_WORDS = {"if", "else", "for", "while", "def", "return", "try", "catch", "finally", "throw", "import",
                "new", "in", "instanceof", "switch", "case", "default", "break", "continue", "package", "class",
                "static", "void", "String", "List", "Map", "Closure", "int", "boolean", "this", "super",
                "assert", "Exception", "InterruptedException"}

# JCasC symbol -> plugin.
CASC_PLUGINS: dict[str, str] = {
    "usernamePassword": "credentials", "string": "plain-credentials",
    "basicSSHUserPrivateKey": "ssh-credentials", "x509ClientCert": "docker-commons",
    "globalLibraries": "pipeline-groovy-lib", "git": "git", "docker": "docker-plugin", "mailer": "mailer",
    "location": CORE, "local": CORE, "loggedInUsersCanDoAnything": CORE, "standard": CORE,
    "globalMatrix": "matrix-auth",
}

_STRING = re.compile(r"'''.*?'''|\"\"\".*?\"\"\"|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"|//[^\n]*|/\*.*?\*/",
                     re.DOTALL)
_CALL = re.compile(r"(?m)^[ \t]*@?([A-Za-z_][A-Za-z0-9_]*)(?=\s*\(|\s*\{|[ \t]+(?:''|\[|[A-Za-z_]\w*\s*:))")


def strip_strings(groovy: str) -> str:
    """Groovy text with every string literal replaced by '' and comments removed (line
    breaks inside them dropped too, so text in a string never looks like a step)."""
    return _STRING.sub(lambda m: "" if m.group(0).startswith("/") else "''", groovy)


def groovy_names(groovy: str) -> set[str]:
    """Names called as steps or used as directives at the start of a statement."""
    code = strip_strings(groovy)
    names = set(_CALL.findall(code))
    names.update(re.findall(r"(?<![\w.$])([A-Za-z_][A-Za-z0-9_]*)\s*\(", code))  # calls anywhere
    names.update(re.findall(r"\b(currentBuild|env|params|scm|docker)\s*\.", code))
    return names - GROOVY_WORDS


def xml_plugins(config_xml: str) -> set[str]:
    root = ET.fromstring(config_xml.encode("utf-8"))
    return {el.attrib["plugin"].split("@")[0] for el in root.iter() if "plugin" in el.attrib}


def casc_symbols(doc: Any) -> set[str]:
    """Keys of a JCasC document that name implementations (JCasC symbols we know)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in CASC_PLUGINS:
                    found.add(key)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(doc)
    return found


def plugins_for(names: Iterable[str], table: dict[str, str]) -> tuple[set[str], set[str]]:
    """(plugins the names need, names the table does not know)."""
    needed: set[str] = set()
    unknown: set[str] = set()
    for name in names:
        if name.startswith("jb") and name[2:3].isupper():
            needed.add("pipeline-groovy-lib")
        elif name in table:
            needed.add(table[name])
        else:
            unknown.add(name)
    return needed - {CORE}, unknown
