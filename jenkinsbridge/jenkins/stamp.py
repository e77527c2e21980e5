"""The managed marker and the content hash in an item's description.

A managed item's description holds ``MANAGED_MARKER [jenkinsbridge:sha256=<hex>]``. The
hash is taken over the canonical form (XML C14N 2.0) of the config.xml with that slot
empty, so Jenkins rewriting the XML declaration, quotes or empty tags does not change it,
while any edit of content does. A folder's views live in its config.xml but are synced
separately, so ``folderViews`` is left out of a folder's hash.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET

from jenkinsbridge.errors import RenderError
from jenkinsbridge.render import MANAGED_MARKER

__all__ = ["MANAGED_MARKER", "Stamp", "content_hash", "hash_in", "is_managed", "stamp"]

_SLOT = "[jenkinsbridge:sha256={}]"
_SLOT_RE = re.compile(r"\[jenkinsbridge:sha256=([0-9a-f]*)\]")
_DESCRIPTION = re.compile(r"<description>(.*?)</description>", re.S)
# Parts of a config that are synced on their own, not through the item's hash.
_UNHASHED = ("folderViews",)


class Stamp:
    """A config.xml with its hash filled in."""

    def __init__(self, xml: str, digest: str) -> None:
        self.xml = xml
        self.digest = digest


def is_managed(description: str | None) -> bool:
    return bool(description) and MANAGED_MARKER in str(description)


def hash_in(description: str | None) -> str | None:
    """The hash recorded in a description, or None."""
    m = _SLOT_RE.search(description or "")
    return m.group(1) if m and m.group(1) else None


def content_hash(xml: str) -> str:
    """The hash of a config.xml with its hash slot emptied (what :func:`stamp` records)."""
    emptied = _SLOT_RE.sub(_SLOT.format(""), xml, count=1)
    try:
        root = ET.fromstring(emptied.encode("utf-8"))
    except ET.ParseError as e:
        raise RenderError(f"config.xml is not well formed: {e}") from e
    for tag in _UNHASHED:
        for el in root.findall(tag):
            root.remove(el)
    canonical = ET.canonicalize(ET.tostring(root, encoding="unicode"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def stamp(xml: str) -> Stamp:
    """Put the empty slot after the marker in the first description, hash, fill the slot."""
    m = _DESCRIPTION.search(xml)
    if m is None or MANAGED_MARKER not in m.group(1):
        raise RenderError("rendered config.xml has no description with the managed marker")
    if _SLOT_RE.search(m.group(1)):
        slotted = xml
    else:
        i = m.start(1) + m.group(1).index(MANAGED_MARKER) + len(MANAGED_MARKER)
        slotted = xml[:i] + " " + _SLOT.format("") + xml[i:]
    digest = content_hash(slotted)
    return Stamp(_SLOT_RE.sub(_SLOT.format(digest), slotted, count=1), digest)
