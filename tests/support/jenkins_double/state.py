"""What the double holds: items, plugins, credentials stores, the request log and faults."""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.support.jenkins_double.items import Folder, Job, Root
from tests.support.jenkins_double.queue import Scheduler

__all__ = ["CREDENTIAL_TYPES", "DEFAULT_PLUGINS", "Fault", "Recorded", "State"]

# A controller with the suggested plugins installed (name -> version).
DEFAULT_PLUGINS: dict[str, str] = {
    "cloudbees-folder": "6.955.v81e2a_35c08d3", "workflow-job": "1400.v7fd111b_ec82f",
    "workflow-cps": "3894.3896.vca_2c931e7935", "workflow-aggregator": "600.vb_57cdd26fdd7",
    "workflow-basic-steps": "1058.vcb_fc1e3a_21a_9", "workflow-durable-task-step": "1371.vb_7cec8f3b_95e",
    "workflow-multibranch": "791.v28fb_f74dfca_e", "pipeline-model-definition": "2.2214.vb_b_34b_2ea_9b_83",
    "pipeline-input-step": "495.ve9c153f6067b_", "pipeline-stage-step": "312.v8cd10304c27a_",
    "branch-api": "2.1178.v969d9eb_c728e", "git": "5.5.2", "git-client": "5.0.0",
    "credentials": "1380.va_435002fa_924", "credentials-binding": "681.vf91669a_32e45",
    "plain-credentials": "183.va_de8f1dd5a_2b_", "ssh-credentials": "343.v884f71d78167",
    "junit": "1300.v03d9d8a_cf1fb_", "timestamper": "1.27", "mailer": "472.vf7c289a_4b_420",
    "docker-commons": "443.v921729d5611d", "docker-workflow": "580.vc0c340686b_54",
    "matrix-auth": "3.2.2", "script-security": "1362.v67dc1f0e1b_b_3", "structs": "338.v848422169819",
    "scm-api": "696.v778d637b_a_762", "ws-cleanup": "0.46", "workflow-scm-step": "427.v4ca_6512e7df1",
    "workflow-api": "1336.vee415d95c521", "pipeline-groovy-lib": "744.v5b_556ee7c253",
    "github": "1.42.0", "github-branch-source": "1810.v913311241fa_9", "gitlab-plugin": "1.9.7",
    "gitlab-branch-source": "718.v40b_5f0e67cd3", "basic-branch-build-strategies": "228.v68c089762a_db_",
    # and what the jenkinsbridge controller adds for the rendered jobs (controller/plugins.txt):
    # lint issues, coverage and build order across approvals
    # (versions as controller/plugins.txt; analysis-model-api as warnings-ng 12.9783's pom asks)
    "warnings-ng": "12.9783.ve1cb_9f060738", "analysis-model-api": "13.7.0",
    "coverage": "2.2941.v08df75b_767f1", "pipeline-milestone-step": "127.vb_52887ca_3b_6d",
}

CREDENTIAL_TYPES: dict[str, tuple[str, str]] = {
    "com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl": ("Username with password", "credentials"),
    "org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl": ("Secret text", "plain-credentials"),
    "org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl": ("Secret file", "plain-credentials"),
    "com.cloudbees.jenkins.plugins.sshcredentials.impl.BasicSSHUserPrivateKey": (
        "SSH Username with private key", "ssh-credentials"),
    "com.cloudbees.plugins.credentials.impl.CertificateCredentialsImpl": ("Certificate", "credentials"),
    "org.jenkinsci.plugins.docker.commons.credentials.DockerServerCredentials": (
        "X.509 Client Certificate", "docker-commons"),
}
SECRET_FIELDS = {"password", "secret", "privateKey", "passphrase", "secretBytes", "uploadedKeystoreBytes",
                 "uploadedKeystore", "clientKeySecret", "clientKey"}


@dataclass
class Recorded:
    """One request as the double saw it."""

    method: str
    path: str
    query: str
    user: str
    via: str
    status: int
    at: float
    crumb: bool


@dataclass
class Fault:
    """Answer ``status`` (or drop the connection when ``status`` is 0) to the next ``times``
    requests that ``match``, starting with the ``nth`` matching one. With ``after`` the
    request is carried out first and only its answer is lost."""

    status: int
    match: Callable[[str, str], bool]
    nth: int = 1
    times: int = 1
    after: bool = False
    seen: int = 0
    fired: int = 0

    def take(self, method: str, path: str) -> bool:
        if self.fired >= self.times or not self.match(method, path):
            return False
        self.seen += 1
        if self.seen < self.nth:
            return False
        self.fired += 1
        return True


@dataclass
class State:
    plugins: dict[str, dict[str, Any]]
    root: Root = field(default_factory=Root)
    lock: threading.RLock = field(default_factory=threading.RLock)
    log: list[Recorded] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    # store key ("" = system store, else a folder's full name) -> id -> credential XML
    credentials: dict[str, dict[str, bytes]] = field(default_factory=lambda: {"": {}})
    # store key -> domain name -> id -> credential XML (domains other than the global one)
    domains: dict[str, dict[str, dict[str, bytes]]] = field(default_factory=dict)
    # user -> id -> credential XML (the user's own store)
    user_credentials: dict[str, dict[str, bytes]] = field(default_factory=dict)
    scheduler: Scheduler = field(default_factory=Scheduler)
    version: str = "2.462.3"
    latency: float = 0.0
    down: bool = False  # restarting: open connections are dropped
    started: float = field(default_factory=time.time)

    def resolve(self, parts: list[str]) -> Job | None:
        """Walk ``a/b/c`` from the root; None when something is missing."""
        node: Job = self.root
        for p in parts:
            if not isinstance(node, Folder) or p not in node.children:
                return None
            node = node.children[p]
        return node

    def versions(self) -> dict[str, str]:
        """Installed and active plugins, name -> version (what XStream writes in ``plugin=``)."""
        return {n: str(p["version"]) for n, p in self.plugins.items()
                if p.get("active", True) and p.get("enabled", True)}

    def active_plugins(self) -> set[str]:
        return {n for n, p in self.plugins.items() if p.get("active", True) and p.get("enabled", True)}

    def record(self, rec: Recorded) -> None:
        with self.lock:
            self.log.append(rec)

    def fault_for(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for f in self.faults:
                if f.take(method, path):
                    return f
        return None

    @staticmethod
    def redact(xml: bytes) -> bytes:
        """A credential's config.xml as the credentials plugin serves it: every secret field
        replaced by ``<secret-redacted/>`` (jenkinsci/credentials-plugin src/main/java/com/
        cloudbees/plugins/credentials/CredentialsStoreAction.java, SECRETS_REDACTED)."""
        root = ET.fromstring(xml)
        for el in root.iter():
            if el.tag in SECRET_FIELDS:
                for c in list(el):
                    el.remove(c)
                el.text = None
                ET.SubElement(el, "secret-redacted")
        return b"<?xml version='1.1' encoding='UTF-8'?>\n" + ET.tostring(root)
