"""xml_text: for any XML 1.0 text, an attribute and an element read back the same value."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree
from hypothesis import given, settings
from hypothesis import strategies as st

from jenkinsbridge.render.escape import xml_text

XML_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff").filter(
    lambda c: c in "\t\n\r" or ord(c) >= 0x20)


@settings(max_examples=400, deadline=None)
@given(st.text(XML_CHARS))
def test_round_trip(value: str) -> None:
    escaped = xml_text(value)
    assert "]]>" not in escaped and "<" not in escaped
    root = ElementTree.fromstring(f'<a x="{escaped}" y=\'{escaped}\'>{escaped}</a>')
    assert root.get("x") == value
    assert root.get("y") == value
    assert (root.text or "") == value


@pytest.mark.parametrize("bad", ["\x00", "\x01", "\x1b", "\ud800", "\ufffe", "\uffff"])
def test_chars_xml_cannot_carry_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="XML"):
        xml_text(f"a{bad}b")


def test_hostile_markup_stays_text() -> None:
    value = "]]></script><x a='1'>&amp;&#0;<!ENTITY e SYSTEM 'file:///etc/passwd'>"
    root = ElementTree.fromstring(f"<a><b>{xml_text(value)}</b></a>")
    assert [c.tag for c in root.iter()] == ["a", "b"]
    assert root[0].text == value
