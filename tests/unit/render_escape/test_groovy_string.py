"""groovy_string: for any text, ASCII, one literal that ends at its last quote and reads back."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from jenkinsbridge.render.escape import groovy_string
from tests.unit.render_escape.groovy_model import (
    GroovyLexError,
    decode_utf16_units,
    read_single_quoted,
    unicode_unescape,
)

# any code point but U+FFFF (see test_uffff_is_refused); surrogates included
ANY_TEXT = st.text(st.characters(blacklist_characters="\uffff", blacklist_categories=()))


def groovy_reads(literal: str) -> str:
    source = unicode_unescape(literal)
    value, end = read_single_quoted(source)
    assert end == len(source), f"literal ends early at {end} of {len(source)}: {literal!r}"
    return decode_utf16_units(value)


@settings(max_examples=400, deadline=None)
@given(ANY_TEXT)
@example("\\u0027")
@example("\\\\u0027'")
@example("${x}$(id)`id`'\"")
@example("'''\"\"\"\n\r\t")
@example("\ud800")
@example("😀\u2028\ufeff")
def test_round_trip(value: str) -> None:
    literal = groovy_string(value)
    assert literal.isascii()
    assert literal[0] == literal[-1] == "'" and len(literal) >= 2
    assert "\n" not in literal and "\r" not in literal
    assert groovy_reads(literal) == value.encode("utf-16-le", "surrogatepass").decode(
        "utf-16-le", "surrogatepass")


@given(ANY_TEXT, ANY_TEXT)
def test_literal_in_code_cannot_be_left(a: str, b: str) -> None:
    source = unicode_unescape(f"x = {groovy_string(a)} + {groovy_string(b)}; y = 1")
    first, end = read_single_quoted(source, 4)
    assert source[end: end + 3] == " + "
    second, end2 = read_single_quoted(source, end + 3)
    assert source[end2:] == "; y = 1"
    assert decode_utf16_units(first + second) == decode_utf16_units(
        (a + b).encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass"))


def test_uffff_is_refused() -> None:
    with pytest.raises(ValueError, match="U\\+FFFF"):
        groovy_string("a\uffffb")


def test_model_knows_raw_unicode_escapes() -> None:
    # the model itself must see what the escaper prevents: a typed \u0027 ends a literal
    assert read_single_quoted(unicode_unescape("'a\\u0027b'")) == ("a", 3)
    with pytest.raises(GroovyLexError):
        read_single_quoted(unicode_unescape("'a\\u000ab'"))
    assert read_single_quoted(unicode_unescape("'a\\\\u0027'")) == ("a\\u0027", 10)


@pytest.mark.parametrize(("value", "literal"), [
    ("", "''"), ("it's", "'it\\'s'"), ("a\\b", "'a\\\\b'"), ("${HOME}", "'${HOME}'"),
    ("é", "'\\u00e9'"), ("😀", "'\\ud83d\\ude00'"), ("a\nb", "'a\\nb'"),
])
def test_known_literals(value: str, literal: str) -> None:
    assert groovy_string(value) == literal
