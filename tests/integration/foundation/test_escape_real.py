"""The escapers against the real parsers: one groovy process reads a few hundred literals
(and every BMP character), one /bin/sh reads a few hundred words."""

from __future__ import annotations

import subprocess
from pathlib import Path

from jenkinsbridge.render.escape import groovy_string, shell_word
from tests.integration.foundation.hostile import hostile_values
from tests.support.groovy import GroovyChecker


def _utf16_hex(value: str) -> str:
    return value.encode("utf-16-be", "surrogatepass").hex()


def test_groovy_reads_back_every_literal(groovy: GroovyChecker, tmp_path: Path) -> None:
    values = hostile_values(400, exclude="\uffff")
    bmp = [c for c in range(0x10000) if c != 0xFFFF]
    values += ["".join(map(chr, bmp[i: i + 4000])) for i in range(0, len(bmp), 4000)]
    lines = ["def values = []"]
    lines += [f"values << {groovy_string(v)}" for v in values]
    lines.append("values.eachWithIndex { s, i -> "
                 "println i + ':' + s.toCharArray().collect { String.format('%04x', (int) it) }.join('') }")
    script = tmp_path / "literals.groovy"
    script.write_text("\n".join(lines) + "\n", encoding="ascii")
    proc = groovy.run_script(script, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = dict(line.split(":", 1) for line in proc.stdout.splitlines())
    assert len(got) == len(values)
    wrong = [(i, v) for i, v in enumerate(values) if got[str(i)] != _utf16_hex(v)]
    assert not wrong, f"{len(wrong)} literals read back wrong, first: {wrong[0]!r}"


def test_sh_reads_back_every_word() -> None:
    values = hostile_values(400, exclude="\x00")
    script = "\n".join(f"printf '%s\\000' {shell_word(v)}" for v in values) + "\n"
    proc = subprocess.run(["/bin/sh", "-c", script], capture_output=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    got = proc.stdout.split(b"\x00")[:-1]
    assert got == [v.encode("utf-8", "surrogatepass") for v in values]
