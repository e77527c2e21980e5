"""A corpus of hostile values for the escapers: every piece alone, then seeded random
mixes of pieces and characters (deterministic, so a failure reproduces)."""

from __future__ import annotations

import random

PIECES = [
    "'", '"', "''", "'''", '"""', "${x}", "${", "$x", "$", "$(id)", "`id`", "\\", "\\\\", "\\'",
    "\\u0027", "\\\\u0027", "\\\\\\u0027", "\\uuuu0041", "\\u", "\\$", "\\n", "]]>", "&", "&amp;",
    "&#0;", "<", ">", "<![CDATA[", "\n", "\r", "\r\n", "\t", "\b", "\f", "\x0b", "\x1b", "\x7f",
    "é", "日本語", "😀", "👩‍💻", "\u2028", "\u2029", "\ufeff", "\ufffe", "\ud7ff", "\ue000",
    "/*", "*/", "//", "#!/bin/sh", "\\\n", " ", "", "a", "~", "*", "?", ";", "|", "&&", "!",
    "\x85", "\xa0", "\U0010ffff",
]


def hostile_values(count: int = 400, *, exclude: str = "") -> list[str]:
    rng = random.Random(20240601)
    pieces = [p for p in PIECES if not any(c in p for c in exclude)]
    values = list(pieces)
    alphabet = [c for c in "".join(pieces) if c not in exclude]
    while len(values) < count:
        if rng.random() < 0.5:
            values.append("".join(rng.choice(pieces) for _ in range(rng.randint(2, 8))))
        else:
            values.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 30))))
    return values
