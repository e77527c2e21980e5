"""Multi-line Groovy string literals for shell scripts, readable as the script itself.

``'''\\`` starts a triple-single-quoted string whose first line continues on the next
line, so the script appears in the Jenkinsfile line for line. Single quotes never
interpolate ``$``; backslashes are doubled; a quote is escaped where it could join the
closing ``'''``; characters outside printable ASCII become ``\\uXXXX`` exactly as
:func:`jenkinsbridge.render.escape.groovy_string` writes them.
"""

from __future__ import annotations

from jenkinsbridge.render.escape import groovy_string

__all__ = ["groovy_script"]


def _block(value: str) -> str:
    out = ["'''\\\n"]
    last = len(value) - 1
    for i, ch in enumerate(value):
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == "'":
            out.append("\\'" if i == last or value[i + 1] == "'" else "'")
        elif ch in "\n\t" or 0x20 <= code < 0x7F:
            out.append(ch)
        else:  # same escapes as a single-quoted literal, without its quotes
            out.append(groovy_string(ch)[1:-1])
    out.append("'''")
    return "".join(out)


def groovy_script(value: str) -> str:
    """A Groovy literal for a shell script: one line as '...', several as '\'\'\'...\'\'\''."""
    return _block(value) if "\n" in value else groovy_string(value)
