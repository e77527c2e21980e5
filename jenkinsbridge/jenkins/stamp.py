"""The managed marker and the content hashes in an item's description.

A managed item's description holds
``MANAGED_MARKER [jenkinsbridge:sha256=<render>;c14n=<content>]``, both SHA-256 over the
config.xml with that slot empty:

- ``sha256``: of the text as rendered. Cheap (no XML parsing), it decides from the listing
  alone whether an item is unchanged, so a no-op sync of many jobs is fast.
- ``c14n``: of its semantic form (:func:`jenkinsbridge.jenkins.normalize.semantic_xml`,
  C14N 2.0 of what the item does). Jenkins re-saves items in its own way (plugin
  versions, entities, fields at defaults, actions, the declarative pipeline's own job
  properties); the semantic form does not change with that, but does with any edit of
  content. Comparing it with the server's copy tells an edit made in the web UI. It is
  computed only for items that are written or checked for drift.

A folder's views, credentials and other properties live in its config.xml but are the
controller's (views are synced on their own), so only what the spec manages of a folder
counts.
"""

from __future__ import annotations

import hashlib
import re
from functools import cached_property

from jenkinsbridge.errors import RenderError
from jenkinsbridge.jenkins.normalize import semantic_xml
from jenkinsbridge.render import MANAGED_MARKER

__all__ = ["MANAGED_MARKER", "Stamp", "c14n_in", "content_hash", "hash_in", "is_managed", "stamp"]

_EMPTY_SLOT = "[jenkinsbridge:sha256=]"
_SLOT_RE = re.compile(r"\[jenkinsbridge:sha256=([0-9a-f]*)(?:;c14n=([0-9a-f]*))?\]")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DESCRIPTION = re.compile(r"<description>(.*?)</description>", re.S)


class Stamp:
    """A rendered config.xml with an empty slot; ``digest`` is cheap, ``xml`` (the slot
    filled, canonical hash included) is computed when first asked for."""

    def __init__(self, emptied: str) -> None:
        self.emptied = emptied
        self.digest = hashlib.sha256(emptied.encode("utf-8")).hexdigest()

    @cached_property
    def c14n(self) -> str:
        return content_hash(self.emptied)

    @cached_property
    def xml(self) -> str:
        return self.emptied.replace(_EMPTY_SLOT, f"[jenkinsbridge:sha256={self.digest};c14n={self.c14n}]", 1)


def is_managed(description: str | None) -> bool:
    return bool(description) and MANAGED_MARKER in str(description)


def hash_in(description: str | None) -> str | None:
    """The render hash recorded in a description (or a config.xml), or None."""
    m = _SLOT_RE.search(description or "")
    return m.group(1) if m and m.group(1) else None


def c14n_in(description: str | None) -> str | None:
    """The content hash recorded in a description (or a config.xml), or None."""
    m = _SLOT_RE.search(description or "")
    return m.group(2) if m and m.group(2) else None


def content_hash(xml: str) -> str:
    """The canonical hash of a config.xml with its slot emptied (what ``c14n=`` records)."""
    emptied = _SLOT_RE.sub(lambda _: _EMPTY_SLOT, xml, count=1)
    return hashlib.sha256(semantic_xml(emptied).encode("utf-8")).hexdigest()


def stamp(xml: str) -> Stamp:
    """Put an empty slot after the marker in the first description."""
    m = _DESCRIPTION.search(xml)
    if m is None or MANAGED_MARKER not in m.group(1):
        raise RenderError("rendered config.xml has no description with the managed marker")
    if _SLOT_RE.search(m.group(1)):
        return Stamp(_SLOT_RE.sub(lambda _: _EMPTY_SLOT, xml, count=1))
    i = m.start(1) + m.group(1).index(MANAGED_MARKER) + len(MANAGED_MARKER)
    return Stamp(xml[:i] + " " + _EMPTY_SLOT + xml[i:])
