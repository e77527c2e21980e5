"""Escapers for the three languages values are rendered into.

* :func:`groovy_string` -- a Groovy single-quoted string literal. Single quotes never
  interpolate ``${}``; backslash, quote and line breaks are escaped, and every
  character outside printable ASCII becomes ``\\uXXXX`` (Groovy decodes unicode
  escapes before it lexes, so the output is plain ASCII with no raw ``\\u`` either).
* :func:`xml_text` -- XML character data or attribute value.
* :func:`shell_word` -- one POSIX shell word, single-quoted.
* :func:`yaml_scalar` -- a YAML double-quoted scalar that Jenkins configuration as code
  (JCasC) reads back unchanged: ``${`` is escaped as ``^${`` so JCasC never resolves a
  value as a variable. :func:`casc_variable` writes such a variable on purpose.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["casc_variable", "groovy_string", "shell_word", "xml_text", "yaml_scalar"]

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
