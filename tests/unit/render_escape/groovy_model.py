"""A model of how Groovy 2.4 reads a single-quoted string literal, to check groovy_string
without a JVM (the real groovy checks the same in tests/integration/foundation).

1. UnicodeEscapingReader runs first, over the whole source: a backslash followed by
   one or more 'u' and four hex digits becomes that UTF-16 code unit. A backslash
   followed by anything else is passed on together with that next character, which
   is not looked at again: so in ``\\\\u0041`` the escaped backslash protects the u.
2. The lexer reads ``'`` ... ``'``: raw line breaks and U+FFFF (end of file to the
   lexer) end it with an error; escapes are \\b \\t \\n \\f \\r \\" \\' \\\\ \\$, octal
   \\0-\\377 and a backslash before a line break (a continuation).
"""

from __future__ import annotations

import string

__all__ = ["GroovyLexError", "read_single_quoted", "unicode_unescape"]

_ESC = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "'": "'", "\\": "\\", "$": "$"}


class GroovyLexError(Exception):
    pass


def unicode_unescape(src: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(src):
        c = src[i]
        if c != "\\":
            out.append(c)
            i += 1
        elif src[i + 1: i + 2] == "u":
            j = i + 1
            while src[j: j + 1] == "u":
                j += 1
            digits = src[j: j + 4]
            if len(digits) < 4 or any(d not in string.hexdigits for d in digits):
                raise GroovyLexError(f"bad unicode escape at {i}")
            out.append(chr(int(digits, 16)))
            i = j + 4
        else:
            out.append(src[i: i + 2])
            i += 2
    return "".join(out)


def read_single_quoted(src: str, start: int = 0) -> tuple[str, int]:
    """(value as UTF-16 code units, index after the closing quote) of the literal at start."""
    if src[start: start + 1] != "'":
        raise GroovyLexError("no opening quote")
    out: list[str] = []
    i = start + 1
    while True:
        if i >= len(src) or src[i] == "\uffff":
            raise GroovyLexError("unterminated string")
        c = src[i]
        if c == "'":
            return "".join(out), i + 1
        if c in "\r\n":
            raise GroovyLexError("line break in a single-quoted string")
        if c != "\\":
            out.append(c)
            i += 1
            continue
        n = src[i + 1: i + 2]
        if n in _ESC:
            out.append(_ESC[n])
            i += 2
        elif n and n in "01234567":
            limit = 3 if n in "0123" else 2
            j = i + 1
            while j < i + 1 + limit and src[j: j + 1] and src[j] in "01234567":
                j += 1
            out.append(chr(int(src[i + 1: j], 8)))
            i = j
        elif n in ("\n", "\r"):
            i += 3 if src[i + 1: i + 3] == "\r\n" else 2
        else:
            raise GroovyLexError(f"bad escape \\{n!r}")


def decode_utf16_units(units: str) -> str:
    """Join surrogate pairs the way a Java String holds them into Python characters."""
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
