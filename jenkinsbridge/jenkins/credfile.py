"""``credentials apply FILE``: create or update credentials from a YAML file whose secret
values come from environment variables or files, never from the file or the command line.

    credentials:
      - id: git-creds
        type: username_password          # | secret_text | ssh_key | certificate | secret_file
        folder: shop                     # optional: the folder's store; the global store otherwise
        description: Git checkout
        username: ci-bot                 # not a secret: plain text is fine
        password: {env: GIT_PASSWORD}    # a secret: {env: NAME} or {file: PATH}
"""

from __future__ import annotations

import base64
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from jenkinsbridge.errors import RenderError, UsageError
from jenkinsbridge.jenkins.wire import JenkinsWire
from jenkinsbridge.render.environment import environment

__all__ = ["TYPES", "CredentialSpec", "apply_credentials", "load_credentials_file"]

log = logging.getLogger(__name__)

# type -> (template, plain fields, secret fields, optional fields)
TYPES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "username_password": ("credentials/username_password.xml.j2", ("username",), ("password",), ()),
    "secret_text": ("credentials/secret_text.xml.j2", (), ("secret",), ()),
    "ssh_key": ("credentials/ssh_key.xml.j2", ("username",), ("private_key", "passphrase"), ("passphrase",)),
    "certificate": ("credentials/certificate.xml.j2", (), ("keystore", "password"), ("password",)),
    "secret_file": ("credentials/secret_file.xml.j2", ("file_name",), ("file",), ("file_name",)),
}
_BINARY = {"keystore", "file"}  # sent base64-encoded
_COMMON = {"id", "type", "folder", "description", "scope"}


@dataclass(frozen=True)
class CredentialSpec:
    id: str
    type: str
    folder: str | None
    xml: str  # holds secret values: never logged or printed


def _secret(value: Any, where: str, binary: bool) -> bytes:
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in {"env", "file"}:
        raise UsageError(f"{where}: a secret must be {{env: NAME}} or {{file: PATH}}, "
                         "never a value written in the file")
    kind, ref = next(iter(value.items()))
    if kind == "env":
        if str(ref) not in os.environ:
            raise UsageError(f"{where}: environment variable {ref} is not set")
        return os.environ[str(ref)].encode("utf-8")
    path = Path(os.path.expanduser(str(ref)))
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UsageError(f"{where}: cannot read {path}: {e.strerror}") from e
    return data if binary else data.rstrip(b"\r\n")


def load_credentials_file(path: Path) -> list[CredentialSpec]:
    """Read and check the whole file first: nothing is sent unless every entry is good."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise UsageError(f"{path}: cannot read: {e.strerror}") from e
    except yaml.YAMLError as e:
        raise UsageError(f"{path}: not valid YAML: {e}") from e
    entries = doc.get("credentials") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or not entries:
        raise UsageError(f"{path}: expected a mapping with a non-empty list 'credentials'")
    out: list[CredentialSpec] = []
    seen: set[tuple[str | None, str]] = set()
    for i, entry in enumerate(entries):
        where = f"{path}: credentials[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"].strip():
            raise UsageError(f"{where}: needs an 'id' (the credentials ID the spec names)")
        ctype = entry.get("type")
        if ctype not in TYPES:
            raise UsageError(f"{where} ({entry['id']}): type must be one of {', '.join(TYPES)}")
        template, plain, secret, optional = TYPES[ctype]
        unknown = set(entry) - _COMMON - set(plain) - set(secret)
        if unknown:
            raise UsageError(f"{where} ({entry['id']}): unknown field(s) {', '.join(sorted(unknown))}")
        scope = str(entry.get("scope", "GLOBAL"))
        if scope not in {"GLOBAL", "SYSTEM"}:
            raise UsageError(f"{where} ({entry['id']}): scope must be GLOBAL or SYSTEM")
        ctx: dict[str, Any] = {"id": entry["id"], "description": str(entry.get("description", "")), "scope": scope}
        for f in plain:
            if f not in entry and f not in optional:
                raise UsageError(f"{where} ({entry['id']}): needs '{f}'")
            ctx[f] = str(entry.get(f, ""))
        for f in secret:
            if f not in entry:
                if f in optional:
                    ctx[f] = ""
                    continue
                raise UsageError(f"{where} ({entry['id']}): needs '{f}' as {{env: NAME}} or {{file: PATH}}")
            raw = _secret(entry[f], f"{where} ({entry['id']}).{f}", binary=f in _BINARY)
            if f in _BINARY:
                ctx[f"{f}_base64"] = base64.b64encode(raw).decode("ascii")
                if f == "file" and not ctx.get("file_name"):
                    ref = entry[f].get("file") if isinstance(entry[f], dict) else None
                    ctx["file_name"] = Path(str(ref)).name if ref else entry["id"]
            else:
                ctx[f] = raw.decode("utf-8")
        folder = entry.get("folder")
        key = (folder, entry["id"])
        if key in seen:
            raise UsageError(f"{where}: id {entry['id']} appears twice for the same store")
        seen.add(key)
        try:
            xml = environment().get_template(template).render(**ctx)
        except Exception as ex:
            raise RenderError(f"rendering credentials {entry['id']}: {type(ex).__name__}") from None
        out.append(CredentialSpec(id=entry["id"], type=ctype, folder=str(folder) if folder else None, xml=xml))
    return out


def apply_credentials(wire: JenkinsWire, specs: list[CredentialSpec]) -> list[dict[str, str]]:
    """Create missing credentials, update existing ones. Returns id/store/result rows."""
    existing: dict[str | None, set[str]] = {}
    rows: list[dict[str, str]] = []
    for s in specs:
        if s.folder not in existing:
            existing[s.folder] = set(wire.credential_ids(s.folder))
        store = s.folder or "(global)"
        if s.id in existing[s.folder]:
            wire.update_credentials(s.folder, s.id, s.xml)
            result = "updated"
        else:
            wire.create_credentials(s.folder, s.xml)
            existing[s.folder].add(s.id)
            result = "created"
        log.info("credentials %s in %s: %s", s.id, store, result)
        rows.append({"id": s.id, "type": s.type, "store": store, "result": result})
    return rows
