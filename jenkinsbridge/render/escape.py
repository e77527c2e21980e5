"""Escapers for the three languages values are rendered into.

* :func:`groovy_string` -- a Groovy single-quoted string literal. Single quotes never
  interpolate ``${}``; backslash, quote and line breaks are escaped, and every
  character outside printable ASCII becomes ``\\uXXXX`` (Groovy decodes unicode
  escapes before it lexes, so the output is plain ASCII with no raw ``\\u`` either).
* :func:`xml_text` -- XML character data or attribute value.
* :func:`shell_word` -- one POSIX shell word, single-quoted.
"""

from __future__ import annotations

__all__ = ["groovy_string", "shell_word", "xml_text"]

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
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:  # astral: a UTF-16 surrogate pair, as Java strings hold it
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
    out.append("'")
    return "".join(out)


_XML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\r": "&#13;"}


def xml_text(value: str) -> str:
    """``value`` escaped for XML text or a quoted attribute (``]]>`` cannot survive)."""
    return "".join(_XML.get(ch, ch) for ch in value)


def shell_word(value: str) -> str:
    """``value`` as one POSIX shell word that the shell never expands."""
    if value and all(c.isascii() and (c.isalnum() or c in "@%+=:,./-_") for c in value):
        return value
    return "'" + value.replace("'", "'\"'\"'") + "'"
