"""Routes of the double for the credentials plugin's stores (system, folder and user).

Follows jenkinsci/credentials-plugin src/main/java/com/cloudbees/plugins/credentials/
CredentialsStoreAction.java: a store exports ``domains`` (a map keyed by the domain's URL
name, ``_`` for the global domain), each domain its ``credentials`` (``id``,
``displayName``, ``typeName``, ``description``, ``fullName``; not the scope); a
credential's config.xml answers with secrets redacted and needs VIEW; createCredentials
needs CREATE and answers 409 for an ID that exists. A user's own store lives under
``user/NAME/credentials/store/user/`` (UserCredentialsProvider); jobs never see it.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from typing import Any

from tests.support.jenkins_double.common import Plain, Reply, error_page, json_reply
from tests.support.jenkins_double.items import Folder, Job, parse_config
from tests.support.jenkins_double.state import CREDENTIAL_TYPES


class CredentialRoutes:
    """Mixed into the handler: uses its ``state``, ``body``, ``_need`` and ``_api``."""

    state: Any
    body: bytes
    caller: Any

    def _credentials(self, method: str, item: Job, kind: str, rest: list[str]) -> Reply:
        st = self.state
        if (kind == "system") != (item is st.root) or not isinstance(item, Folder):
            raise Reply(404, error_page(404, "Not Found"))
        key = item.full_name
        full = "system" if kind == "system" else f"{item.full_name}/folder"
        domains = {"_": st.credentials.setdefault(key, {}), **st.domains.get(key, {})}
        return self._store(method, domains, full, rest, STORE_CLASSES[kind])

    def _user_credentials(self, method: str, user: str, rest: list[str]) -> Reply:
        """``user/NAME/credentials/store/user/...``: only the user's own store is visible."""
        if user != self.caller.user or rest[:2] != ["store", "user"]:
            raise Reply(404, error_page(404, "Not Found"))
        store = self.state.user_credentials.setdefault(user, {})
        return self._store(method, {"_": store}, f"user:{user}/user", rest[2:], STORE_CLASSES["user"])

    def _store(self, method: str, domains: dict[str, dict[str, bytes]], full: str, rest: list[str],
               cls: str) -> Reply:
        st = self.state
        if rest[:1] == ["api"]:
            self._need("Credentials/View")
            return self._api(Plain({"_class": cls, "domains": {n: _Domain(d, full, n) for n, d in domains.items()}}))
        if rest[:1] != ["domain"] or len(rest) < 2 or rest[1] not in domains:
            raise Reply(404, error_page(404, "Not Found"))
        domain = rest[1]
        store = domains[domain]
        rest = rest[2:]
        if rest[:1] == ["api"] or not rest:
            self._need("Credentials/View")
            return self._api(_Domain(store, full, domain))
        if rest == ["createCredentials"] and method == "POST":
            self._need("Credentials/Create")
            root = parse_config(self.body, CREDENTIAL_TYPES, st.active_plugins())
            cid = root.findtext("id") or str(uuid.uuid4())
            if cid in store:
                raise Reply(409, error_page(409, f"Credentials with id {cid} already exist"))
            store[cid] = self.body
            return Reply(200, b"")
        if rest[:1] == ["credential"] and len(rest) >= 2:
            cid = rest[1]
            if cid not in store:
                raise Reply(404, error_page(404, "Not Found"))
            tail = rest[2:]
            if not tail:
                return Reply(200, f"<html><body>{cid}</body></html>")
            if tail == ["config.xml"] and method == "GET":
                self._need("Credentials/View")
                return Reply(200, st.redact(store[cid]), "application/xml")
            if tail == ["config.xml"] and method == "POST":
                self._need("Credentials/Update")
                root = parse_config(self.body, CREDENTIAL_TYPES, st.active_plugins())
                store[cid] = self.body
                return Reply(200, b"")
            if (tail == ["config.xml"] and method == "DELETE") or (tail == ["doDelete"] and method == "POST"):
                self._need("Credentials/Delete")
                del store[cid]
                return Reply(200, b"")
            if tail[:1] == ["api"]:
                return json_reply(_credential_summary(cid, store[cid], f"{full}/{domain}"))
        raise Reply(404, error_page(404, "Not Found"))


STORE_CLASSES = {
    "system": "com.cloudbees.plugins.credentials.SystemCredentialsProvider$UserFacingAction",
    "folder": "com.cloudbees.hudson.plugins.folder.properties.FolderCredentialsProvider$FolderCredentialsProperty"
              "$CredentialsStoreActionImpl",
    "user": "com.cloudbees.plugins.credentials.UserCredentialsProvider$UserCredentialsProperty"
            "$CredentialsStoreActionImpl",
}


class _Domain:
    def __init__(self, store: dict[str, bytes], full: str, name: str = "_") -> None:
        self.store = store
        self.full = full
        self.name = name

    def exported(self) -> dict[str, Any]:
        where = f"{self.full}/{self.name}"
        creds = [Plain(_credential_summary(cid, xml, where)) for cid, xml in self.store.items()]
        glob = self.name == "_"
        return {"_class": "com.cloudbees.plugins.credentials.CredentialsStoreAction$DomainWrapper",
                "credentials": creds, "displayName": "Global credentials (unrestricted)" if glob else self.name,
                "fullName": where, "global": glob, "urlName": self.name}

    def summary(self) -> dict[str, Any]:
        return {"_class": "com.cloudbees.plugins.credentials.CredentialsStoreAction$DomainWrapper"}


def _credential_summary(cid: str, xml: bytes, where: str) -> dict[str, Any]:
    root = ET.fromstring(xml)
    type_name = CREDENTIAL_TYPES.get(root.tag, ("?", None))[0]
    return {"_class": "com.cloudbees.plugins.credentials.CredentialsStoreAction$CredentialsWrapper",
            "id": cid, "description": root.findtext("description") or "", "displayName": cid,
            "fingerprint": None, "fullName": f"{where}/{cid}", "typeName": type_name}
