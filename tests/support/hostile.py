"""A spec whose every free-text field holds a hostile value: quotes of both kinds,
Groovy `${}`, shell `$(...)` and backticks, backslashes, `]]>`, `&`, `<`, non-ASCII
(including a character outside the BMP) and, where the field allows, newlines.

Each value starts with a unique tag (``F03`` ...) so a test can find exactly where it
arrived. Fields with a grammar (names, branch, URL) get the hostile characters their
grammar admits.
"""

from __future__ import annotations

from typing import Any

import yaml

NASTY = "'\"${env.PATH}$(touch /tmp/jb-pwned)`id`\\n\\\\]]>&<x/> é中😀"
NASTY_LINES = NASTY + "\nsecond line ${x} '''\nthird\\"


def _v(tag: str, multiline: bool = False) -> str:
    return f"{tag}{NASTY_LINES if multiline else NASTY}"


# grammar-restricted fields: the hostile characters each grammar lets through
ITEM = "app `x` ({y}) é中😀 =~,"  # Jenkins item names refuse ?*/\\%!@#$^&|<>[]:;"'
BRANCH = "feat/'\"${x}$(id)`id`&]]>é"  # git refnames refuse space ~^:?[\\ and ..
VERSION = "21.0_1-rc"  # a toolchain version becomes part of an agent label and an image tag
URL = "https://git.example.com/acme/'\"${x}$(id)`id`&]]>é.git"


def values() -> dict[str, str]:
    """tag -> hostile value, for every free-text field used in :func:`spec`."""
    return {tag: v for tag, v in _VALUES.items()}


_VALUES = {
    "DESC": _v("DESC", True),
    "STAGE_A": _v("STAGE_A"),
    "RUN_A": _v("RUN_A", True),
    "JUNIT_A": _v("JUNIT_A"),
    "ARCHIVE_A": _v("ARCHIVE_A"),
    "STAGE_B": _v("STAGE_B"),
    "RUN_B": _v("RUN_B"),
    "ARTIFACTS": _v("ARTIFACTS"),
    "ENV_VALUE": _v("ENV_VALUE"),
    "PARAM_DESC": _v("PARAM_DESC"),
    "PARAM_DEFAULT": _v("PARAM_DEFAULT"),
    "PARAM_TEXT": _v("PARAM_TEXT", True),
    "CHOICE": _v("CHOICE"),
    "DOCKERFILE": _v("DOCKERFILE"),
    "CONTEXT": _v("CONTEXT"),
    "TARGET": _v("TARGET"),
    "BUILD_ARG": _v("BUILD_ARG"),
    "APPROVAL": _v("APPROVAL"),
    "SPEC_FILE": _v("SPEC_FILE"),
    "SCRIPT_PATH": _v("SCRIPT_PATH"),
    "CA": _v("CA"),
}

# values that a Jenkinsfile carries (as data) for the inline pipeline job
JENKINSFILE_TAGS = ("STAGE_A", "RUN_A", "JUNIT_A", "ARCHIVE_A", "STAGE_B", "RUN_B", "ARTIFACTS",
                    "ENV_VALUE", "PARAM_DESC", "PARAM_DEFAULT", "PARAM_TEXT", "CHOICE", "DOCKERFILE",
                    "CONTEXT", "TARGET", "BUILD_ARG", "APPROVAL", "SPEC_FILE")
# values that are user commands by design (a stage's `run`)
COMMAND_TAGS = ("RUN_A", "RUN_B")


def _job(name: str, **extra: Any) -> dict[str, Any]:
    v = _VALUES
    job: dict[str, Any] = {
        "name": name,
        "folder": f"{ITEM}/sub",
        "description": v["DESC"],
        "language": "python",
        "version": VERSION,
        "source": {"url": URL, "branch": BRANCH, "credentials": "git-creds", "provider": "gitlab"},
        "triggers": {"push": True, "poll": "H/5 * * * *", "cron": "@daily"},
        "stages": [
            {"name": v["STAGE_A"], "run": v["RUN_A"], "junit": v["JUNIT_A"], "archive": v["ARCHIVE_A"]},
            {"name": v["STAGE_B"], "run": v["RUN_B"], "needs": [v["STAGE_A"]]},
        ],
        "artifacts": v["ARTIFACTS"],
        "environment": {"HOSTILE": v["ENV_VALUE"]},
        "parameters": [
            {"name": "P_STRING", "default": v["PARAM_DEFAULT"], "description": v["PARAM_DESC"]},
            {"name": "P_TEXT", "type": "text", "default": v["PARAM_TEXT"]},
            {"name": "P_CHOICE", "type": "choice", "choices": [v["CHOICE"], "plain"]},
        ],
        "image": {"registry": "registry.example.com:5000", "repository": "acme/hostile",
                  "dockerfile": v["DOCKERFILE"], "ca": v["CA"], "context": v["CONTEXT"], "target": v["TARGET"],
                  "build_args": {"HOSTILE_ARG": v["BUILD_ARG"]}, "credentials": "registry-creds",
                  "tags": ["{branch}-{build}"]},
        "deploy": [{"env": ITEM, "target": "swarm", "endpoint": "tcp://swarm.example.com:2376",
                    "tls_credentials": "swarm-tls", "approval": v["APPROVAL"]}],
        "notify": {"email": ["team@example.com"], "dingtalk": "dingtalk-webhook", "when": ["failure"]},
        "keep": {"builds": 5, "days": 2},
        "spec_file": v["SPEC_FILE"],
        "script_path": v["SCRIPT_PATH"],
    }
    job.update(extra)
    return job


def spec() -> str:
    """Three jobs: inline pipeline, pipeline from SCM, multibranch with the library."""
    doc = {"version": 1, "jobs": [
        _job(f"{ITEM} inline"),
        _job(f"{ITEM} scm", jenkinsfile="scm"),
        _job(f"{ITEM} multi", type="multibranch", use_library=True),
    ]}
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)
