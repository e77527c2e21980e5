"""Files that are too large for a spec: refused before YAML parsing, nothing written."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from jenkinsbridge.cli.main import main
from jenkinsbridge.errors import SpecError
from jenkinsbridge.spec import load_spec_text, load_specs
from jenkinsbridge.spec.loader import MAX_SPEC_BYTES

JOB = """  - name: job-{i}
    language: go
    source: {{url: "https://git.example.com/acme/job-{i}.git"}}
"""


def _write_big(path: Path, size: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("version: 1\njobs:\n")
        block, i = "", 0
        while fh.tell() < size:
            block = "".join(JOB.format(i=n) for n in range(i, i + 2000))
            fh.write(block)
            i += 2000


@pytest.mark.parametrize("command", ["validate", "render"])
def test_ten_megabyte_file_is_refused(command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write_big(tmp_path / "big.yaml", 40 * 2**20)
    extra = ["-o", "out"] if command == "render" else []
    started = time.monotonic()
    assert main([command, "big.yaml", *extra]) == 2
    assert time.monotonic() - started < 2.0  # refused by size, not parsed
    err = capsys.readouterr().err
    size = (tmp_path / "big.yaml").stat().st_size
    assert err.splitlines() == [f"big.yaml:1:1: the spec is {size:,} bytes; a spec file is at most "
                                "33,554,432 bytes (32 MiB), split the jobs over several files"]
    assert not (tmp_path / "out").exists()


def test_exactly_the_limit_loads(tmp_path: Path) -> None:
    path = tmp_path / "large.yaml"
    head = "version: 1\njobs:\n" + "".join(JOB.format(i=i) for i in range(3))
    path.write_text(head + "#" * (MAX_SPEC_BYTES - len(head) - 1) + "\n", encoding="utf-8")
    assert path.stat().st_size == MAX_SPEC_BYTES
    assert len(load_specs([path]).jobs) == 3
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n")
    with pytest.raises(SpecError):
        load_specs([path])


def test_text_over_the_limit_is_refused() -> None:
    text = "version: 1\n#" + "x" * MAX_SPEC_BYTES + "\n"
    with pytest.raises(SpecError) as e:
        load_spec_text(text, "big.yaml")
    assert e.value.lines() == [f"big.yaml:1:1: the spec is {len(text):,} bytes; a spec file is at "
                               "most 33,554,432 bytes (32 MiB), split the jobs over several files"]


def test_a_fifo_is_refused_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    assert main(["validate", str(fifo)]) == 2
    assert time.monotonic() - started < 5.0
    assert capsys.readouterr().err.splitlines() == [
        f"{fifo}:1:1: is a FIFO; give the path of a spec file"]


def test_a_device_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "/dev/zero"]) == 2
    assert capsys.readouterr().err.splitlines() == ["/dev/zero:1:1: is a device; give the path of a spec file"]
