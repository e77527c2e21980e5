"""A folder's credentials store lives in the folder's config.xml.

cloudbees-folder keeps it as a folder property
(jenkinsci/cloudbees-folder-plugin src/main/java/com/cloudbees/hudson/plugins/folder/
properties/FolderCredentialsProvider.java, ``FolderCredentialsProperty`` with its
``domainCredentialsMap``), so GET config.xml shows it (secrets encrypted, as
``hudson.util.Secret`` writes them: ``{…}``) and a posted config.xml replaces it: a post
without the property leaves the folder with no credentials at all.

The double keeps the store as ``State.credentials[folder]`` (id -> credential XML with
plain secrets) for the credentials routes, and converts at the config.xml boundary.
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

from tests.support.jenkins_double.state import SECRET_FIELDS

__all__ = ["PROPERTY", "extract", "inject"]

PROPERTY = "com.cloudbees.hudson.plugins.folder.properties.FolderCredentialsProvider_-FolderCredentialsProperty"
DOMAIN = "com.cloudbees.plugins.credentials.domains.Domain"
_MARK = b"jenkinsbridge-double:"


def _encrypt(value: str) -> str:
    return "{" + base64.b64encode(_MARK + value.encode("utf-8")).decode() + "}"


def _decrypt(value: str) -> str:
    if value.startswith("{") and value.endswith("}"):
        try:
            raw = base64.b64decode(value[1:-1], validate=True)
        except ValueError:
            return value
        if raw.startswith(_MARK):
            return raw[len(_MARK):].decode("utf-8")
    return value  # Secret.fromString: a value that does not decrypt is taken as plain text


def _secrets(el: ET.Element, fn: object) -> None:
    for field in el.iter():
        if field.tag in SECRET_FIELDS and field.text and len(field) == 0:
            field.text = fn(field.text)  # type: ignore[operator]


def inject(xml: bytes, store: dict[str, bytes]) -> bytes:
    """The folder's config.xml with its credentials property, as Jenkins shows it."""
    root = ET.fromstring(xml)
    props = root.find("properties")
    if props is None:
        props = ET.SubElement(root, "properties")
    for old in props.findall(PROPERTY):
        props.remove(old)
    if store:
        prop = ET.SubElement(props, PROPERTY)
        entry = ET.SubElement(ET.SubElement(prop, "domainCredentialsMap", {"class": "hudson.util.CopyOnWriteMap$Hash"}),
                              "entry")
        ET.SubElement(ET.SubElement(entry, DOMAIN), "specifications")
        creds = ET.SubElement(entry, "java.util.concurrent.CopyOnWriteArrayList")
        for cred in store.values():
            el = ET.fromstring(cred)
            _secrets(el, _encrypt)
            creds.append(el)
    return ET.tostring(root)


def extract(xml: bytes) -> tuple[bytes, dict[str, bytes]]:
    """(config.xml without the property, the store it carried; empty when it had none)."""
    root = ET.fromstring(xml)
    store: dict[str, bytes] = {}
    props = root.find("properties")
    for prop in props.findall(PROPERTY) if props is not None else []:
        for creds in prop.iter("java.util.concurrent.CopyOnWriteArrayList"):
            for cred in creds:
                _secrets(cred, _decrypt)
                store[cred.findtext("id") or ""] = ET.tostring(cred)
        assert props is not None
        props.remove(prop)
    return ET.tostring(root), store
