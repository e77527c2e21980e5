"""The parts of the JCasC schema jenkinsbridge writes, as data, and a checker.

Each plugin's configuration-as-code shape (attribute names, which attribute holds a
secret) comes from the plugins' documented JCasC examples and their data-bound
constructors and setters: credentials (usernamePassword, string, basicSSHUserPrivateKey;
docker-commons' x509ClientCert), pipeline-groovy-lib's globalLibraries with a git
modernSCM retriever, docker-plugin's docker cloud and templates, and the core's local
security realm, authorization strategy, agent port and crumb issuer. A check finds
unknown or missing keys, wrong types and any secret attribute that holds a value
instead of a ``${NAME}`` reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["SCHEMA", "check_casc"]


@dataclass(frozen=True)
class Scalar:
    """A leaf: ``kinds`` are the Python types YAML may give; ``secret`` leaves must be a
    variable reference; ``choices`` limit the text."""

    kinds: tuple[type, ...] = (str,)
    secret: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Map:
    fields: dict[str, Any]
    required: frozenset[str] = frozenset()


@dataclass(frozen=True)
class OneOf:
    """A single-key mapping whose key names the implementation (a JCasC symbol)."""

    options: dict[str, Any]


@dataclass(frozen=True)
class ListOf:
    item: Any


STR = Scalar()
INT = Scalar((int,))
BOOL = Scalar((bool,))
INT_OR_VAR = Scalar((int, str))
SECRET = Scalar(secret=True)
SCOPE = Scalar(choices=("GLOBAL", "SYSTEM"))

_COMMON = {"scope": SCOPE, "id": STR, "description": STR}
_ID = frozenset({"id"})

CREDENTIAL = OneOf({
    "usernamePassword": Map({**_COMMON, "username": STR, "password": SECRET, "usernameSecret": BOOL}, _ID),
    "string": Map({**_COMMON, "secret": SECRET}, _ID),
    "gitlabPersonalAccessToken": Map({**_COMMON, "token": SECRET}, frozenset({"id", "token"})),
    "basicSSHUserPrivateKey": Map({
        **_COMMON, "username": STR, "passphrase": SECRET,
        "privateKeySource": OneOf({"directEntry": Map({"privateKey": SECRET}, frozenset({"privateKey"}))}),
    }, frozenset({"id", "privateKeySource"})),
    "x509ClientCert": Map({**_COMMON, "clientKeySecret": SECRET, "clientCertificate": STR,
                           "serverCaCertificate": STR}, _ID),
})

LIBRARY = Map({
    "name": STR, "defaultVersion": STR, "implicit": BOOL, "allowVersionOverride": BOOL,
    "includeInChangesets": BOOL,
    "retriever": OneOf({"modernSCM": Map({"scm": OneOf({
        "git": Map({"remote": STR, "credentialsId": STR}, frozenset({"remote"})),
    })}, frozenset({"scm"}))}),
}, frozenset({"name", "retriever"}))

DOCKER_TEMPLATE = Map({
    "name": STR, "labelString": STR, "remoteFs": STR, "instanceCapStr": STR, "removeVolumes": BOOL,
    "mode": Scalar(choices=("NORMAL", "EXCLUSIVE")), "stopTimeout": INT, "pullTimeout": INT,
    "pullStrategy": Scalar(choices=("PULL_ALWAYS", "PULL_LATEST", "PULL_NEVER")),
    "connector": OneOf({"attach": Map({"user": STR})}),
    "retentionStrategy": Map({"idleMinutes": INT}),
    "dockerTemplateBase": Map({
        "image": STR, "mounts": ListOf(STR), "environmentsString": STR, "network": STR,
        "memoryLimit": INT, "cpuPeriod": INT, "cpuQuota": INT, "pullCredentialsId": STR,
    }, frozenset({"image"})),
}, frozenset({"labelString", "dockerTemplateBase", "connector"}))

DOCKER_CLOUD = Map({
    "name": STR, "containerCap": INT,
    "dockerApi": Map({"dockerHost": Map({"uri": STR, "credentialsId": STR}, frozenset({"uri"}))},
                     frozenset({"dockerHost"})),
    "templates": ListOf(DOCKER_TEMPLATE),
}, frozenset({"name", "dockerApi"}))

SCHEMA = Map({
    "jenkins": Map({
        "systemMessage": STR, "numExecutors": INT, "mode": Scalar(choices=("NORMAL", "EXCLUSIVE")),
        "slaveAgentPort": INT_OR_VAR,
        "securityRealm": OneOf({"local": Map({
            "allowsSignup": BOOL,
            "users": ListOf(Map({"id": STR, "name": STR, "password": SECRET}, frozenset({"id", "password"}))),
        })}),
        "authorizationStrategy": OneOf({
            "loggedInUsersCanDoAnything": Map({"allowAnonymousRead": BOOL}),
            # matrix-auth 3.2+: entries of users and groups, each with its permissions
            "globalMatrix": Map({"entries": ListOf(OneOf({
                "user": Map({"name": STR, "permissions": ListOf(STR)}, frozenset({"name"})),
                "group": Map({"name": STR, "permissions": ListOf(STR)}, frozenset({"name"})),
            }))}),
        }),
        "crumbIssuer": OneOf({"standard": Map({"excludeClientIPFromCrumb": BOOL})}),
        "clouds": ListOf(OneOf({"docker": DOCKER_CLOUD})),
    }),
    "credentials": Map({"system": Map({"domainCredentials": ListOf(Map({
        "credentials": ListOf(CREDENTIAL)}))})}),
    "unclassified": Map({
        "globalLibraries": Map({"libraries": ListOf(LIBRARY)}),
        # gitlab-branch-source GitLabServers/GitLabServer (data-bound constructor and setters)
        "gitLabServers": Map({"servers": ListOf(Map({
            "name": STR, "serverUrl": STR, "credentialsId": STR, "manageWebHooks": BOOL,
            "manageSystemHooks": BOOL, "webhookSecretCredentialsId": STR, "hooksRootUrl": STR,
        }, frozenset({"name", "serverUrl"})))}),
        "location": Map({"url": STR, "adminAddress": STR}),
        "mailer": Map({"smtpHost": STR, "smtpPort": INT_OR_VAR, "replyToAddress": STR, "charset": STR,
                       "useSsl": BOOL}),
    }),
})

_VARIABLE = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$")


def check_casc(doc: Any, schema: Any = SCHEMA) -> list[str]:
    """Every way ``doc`` (parsed JCasC YAML) departs from the schema, as ``path: problem``."""
    problems: list[str] = []
    _check(doc, schema, "", problems)
    return problems


def _check(value: Any, schema: Any, path: str, problems: list[str]) -> None:
    where = path or "(top)"
    if isinstance(schema, Scalar):
        if isinstance(value, bool) and bool not in schema.kinds:
            problems.append(f"{where}: expected {_names(schema.kinds)}, got a boolean")
        elif not isinstance(value, schema.kinds):
            problems.append(f"{where}: expected {_names(schema.kinds)}, got {type(value).__name__}")
        elif schema.secret and not _VARIABLE.match(str(value)):
            problems.append(f"{where}: a secret must be a ${{NAME}} reference, not a value")
        elif schema.choices and value not in schema.choices:
            problems.append(f"{where}: {value!r} is not one of {', '.join(schema.choices)}")
    elif isinstance(schema, ListOf):
        if not isinstance(value, list):
            problems.append(f"{where}: expected a list")
            return
        for i, item in enumerate(value):
            _check(item, schema.item, f"{path}[{i}]", problems)
    elif isinstance(schema, OneOf):
        if not isinstance(value, dict) or len(value) != 1:
            problems.append(f"{where}: expected one of {', '.join(schema.options)} (a single key)")
            return
        ((key, inner),) = value.items()
        if key not in schema.options:
            problems.append(f"{where}: unknown kind {key!r}; known: {', '.join(schema.options)}")
            return
        _check({} if inner is None else inner, schema.options[key], f"{path}.{key}", problems)
    elif isinstance(schema, Map):
        if not isinstance(value, dict):
            problems.append(f"{where}: expected a mapping")
            return
        for key in sorted(schema.required - value.keys()):
            problems.append(f"{where}: missing {key!r}")
        for key, inner in value.items():
            if key not in schema.fields:
                problems.append(f"{path}.{key}".lstrip(".") + ": unknown attribute")
            else:
                _check(inner, schema.fields[key], f"{path}.{key}".lstrip("."), problems)


def _names(kinds: tuple[type, ...]) -> str:
    return " or ".join({"str": "text", "int": "a number", "bool": "true/false"}[k.__name__] for k in kinds)
