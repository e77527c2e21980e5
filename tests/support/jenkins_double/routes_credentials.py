"""Routes of the double for the credentials plugin's stores (system and folder)."""

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

    def _credentials(self, method: str, item: Job, kind: str, rest: list[str]) -> Reply:
        st = self.state
        if (kind == "system") != (item is st.root) or not isinstance(item, Folder):
            raise Reply(404, error_page(404, "Not Found"))
        store = st.credentials.setdefault(item.full_name, {})
        if rest[:2] != ["domain", "_"]:
            raise Reply(404, error_page(404, "Not Found"))
        rest = rest[2:]
        full = "system" if kind == "system" else f"{item.full_name}/folder"
        if rest[:1] == ["api"] or not rest:
            self._need("Credentials/View")
            return self._api(_Domain(store, full))
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
                return json_reply(_credential_summary(cid, store[cid], full))
        raise Reply(404, error_page(404, "Not Found"))


class _Domain:
    def __init__(self, store: dict[str, bytes], full: str) -> None:
        self.store = store
        self.full = full

    def exported(self) -> dict[str, Any]:
        creds = [Plain(_credential_summary(cid, xml, self.full)) for cid, xml in self.store.items()]
        return {"_class": "com.cloudbees.plugins.credentials.CredentialsStoreAction$DomainWrapper",
                "credentials": creds, "displayName": "Global credentials (unrestricted)",
                "fullName": f"{self.full}/_", "global": True, "urlName": "_"}

    def summary(self) -> dict[str, Any]:
        return {"_class": "com.cloudbees.plugins.credentials.CredentialsStoreAction$DomainWrapper"}


def _credential_summary(cid: str, xml: bytes, full: str) -> dict[str, Any]:
    root = ET.fromstring(xml)
    type_name = CREDENTIAL_TYPES.get(root.tag, ("?", None))[0]
    return {"_class": "com.cloudbees.plugins.credentials.CredentialsStoreAction$CredentialsWrapper",
            "id": cid, "description": root.findtext("description") or "", "displayName": cid,
            "fingerprint": None, "fullName": f"{full}/_/{cid}", "typeName": type_name}
