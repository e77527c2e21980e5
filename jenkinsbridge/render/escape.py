"""Escapers for the three languages values are rendered into.

* :func:`groovy_string` -- a Groovy single-quoted string literal. Single quotes never
  interpolate ``${}``; backslash, quote and line breaks are escaped, and every
  character outside printable ASCII becomes ``\\uXXXX``. Groovy translates unicode
  escapes before it lexes, unless the backslash is itself escaped; the output has no
  raw ``\\u`` (a backslash of the value is always doubled), so it is plain ASCII that
  decodes to exactly the value. U+FFFF cannot be written: Groovy's lexer reads it as
  the end of the file.
* :func:`xml_text` -- XML character data or a quoted attribute value (XML 1.0).
* :func:`shell_word` -- one POSIX shell word that the shell never expands.
* :func:`yaml_scalar` -- a YAML double-quoted scalar that Jenkins configuration as code
  (JCasC) reads back unchanged: ``${`` is escaped as ``^${`` so JCasC never resolves a
  value as a variable. :func:`casc_variable` writes such a variable on purpose.

Each raises ValueError for a value its language cannot carry.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["casc_variable", "groovy_string", "shell_word", "xml_content", "xml_needs_refs", "xml_text", "yaml_scalar"]

_GROOVY_SIMPLE = {
    "\\": "\\\\",
    "'": "\\'",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def groovy_string(value: str) -> str:
    """``value`` as a Groovy single-quoted string literal, quotes included."""
    out = ["'"]
    for ch in value:
        simple = _GROOVY_SIMPLE.get(ch)
        if simple is not None:
            out.append(simple)
            continue
        code = ord(ch)
        if 0x20 <= code < 0x7F:
            out.append(ch)
        elif code == 0xFFFF:
            raise ValueError("U+FFFF cannot appear in Groovy source (the lexer reads it as end of file)")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:  # astral: a UTF-16 surrogate pair, as Java strings hold it
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
    out.append("'")
    return "".join(out)


# Line breaks and tabs as references: an attribute value keeps them only that way.
_XML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;",
        "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}


def _xml_char_ok(code: int) -> bool:
    # XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
    return (code >= 0x20 and not 0xD800 <= code <= 0xDFFF and code not in (0xFFFE, 0xFFFF)) \
        or code in (0x9, 0xA, 0xD)


def _xml11_ref(code: int) -> bool:
    """Characters written as references: XML 1.1 (what Jenkins writes and reads) forbids
    C1 controls raw and turns a raw U+0085 or U+2028 into a newline."""
    return 0x7F <= code <= 0x9F or code == 0x2028


def xml_text(value: str) -> str:
    """``value`` escaped for XML text or a quoted attribute (``]]>`` cannot survive)."""
    out = []
    for ch in value:
        code = ord(ch)
        if not _xml_char_ok(code):
            raise ValueError(f"U+{code:04X} cannot appear in XML 1.0 text")
        out.append(f"&#{code};" if _xml11_ref(code) else _XML.get(ch, ch))
    return "".join(out)


_XML11_RAW = re.compile("[\x7f-\x9f\u2028\r]")


def xml_needs_refs(value: str) -> bool:
    """Whether ``value`` holds a character :func:`xml_content` turns into a reference."""
    return _XML11_RAW.search(value) is not None


def xml_content(escaped: str) -> str:
    """Text already escaped for XML markup (``&<>"'``) with the characters XML 1.1 cannot
    carry raw, and carriage returns, turned into character references."""
    return _XML11_RAW.sub(lambda m: f"&#{ord(m.group(0))};", escaped)


_SHELL_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+:,./-_")


def shell_word(value: str) -> str:
    """``value`` as one POSIX shell word that the shell never expands (never an
    assignment either: '=' is quoted)."""
    if "\x00" in value:
        raise ValueError("a NUL character cannot be passed to a shell command")
    if value and all(c in _SHELL_SAFE for c in value):
        return value
    return "'" + value.replace("'", "'\"'\"'") + "'"


_YAML_SIMPLE = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def yaml_scalar(value: str) -> str:
    """``value`` as a double-quoted YAML scalar (quotes included) that JCasC reads back as
    ``value``: every ``${`` becomes ``^${`` (JCasC's escape), control, format and
    line-separator characters become escapes, so the scalar is always one line."""
    text = value.replace("${", "^${")
    out = ['"']
    for ch in text:
        simple = _YAML_SIMPLE.get(ch)
        if simple is not None:
            out.append(simple)
        elif unicodedata.category(ch)[0] in "CZ" and ch != " ":
            code = ord(ch)
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def casc_variable(name: str, default: str | None = None) -> str:
    """A quoted JCasC variable reference ``"${NAME}"`` or ``"${NAME:-default}"``."""
    if not _VAR_NAME.match(name):
        raise ValueError(f"{name!r} is not a variable name")
    if default is None:
        return f'"${{{name}}}"'
    if any(c in default for c in '${}"\\') or any(unicodedata.category(c)[0] == "C" for c in default):
        raise ValueError(f"default {default!r} cannot be written inside a JCasC variable")
    return f'"${{{name}:-{default}}}"'
