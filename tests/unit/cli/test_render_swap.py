"""render's swap: a reader never finds the output missing, and what a killed render left
beside the output goes with the next render once its process is gone."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jenkinsbridge import fsutil
from jenkinsbridge.render import swap
from jenkinsbridge.render.output import render_files

SPEC = """version: 1
jobs:
  - name: api
    folder: shop
    language: go
    description: "render {n}"
    source: {{url: "https://git.example.com/acme/api.git"}}
"""

# polls the output as fast as it can until told to stop (or 60 s); prints probes and misses
READER = """
import os, sys, time
out, stop = sys.argv[1], sys.argv[2]
probes = misses = 0
end = time.monotonic() + 60
open(stop + ".ready", "w").close()
while not os.path.exists(stop) and time.monotonic() < end:
    probes += 1
    if not os.path.isdir(out):
        misses += 1
print(probes, misses)
"""


def _render(spec: Path, out: Path, n: int) -> None:
    spec.write_text(SPEC.format(n=n), encoding="utf-8")
    render_files([spec], out, workers=1)


def test_a_reader_never_finds_the_output_missing(tmp_path: Path) -> None:
    spec, out, stop = tmp_path / "a.yaml", tmp_path / "out", tmp_path / "stop"
    _render(spec, out, 0)
    reader = subprocess.Popen([sys.executable, "-c", READER, str(out), str(stop)],
                              stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while not Path(f"{stop}.ready").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        renders = 0
        while renders < 200 and time.monotonic() < deadline:
            renders += 1
            _render(spec, out, renders)
    finally:
        stop.touch()
        stdout, _ = reader.communicate(timeout=70)
    probes, misses = map(int, stdout.split())
    assert renders >= 20 and probes > renders, (renders, probes)
    assert misses == 0, f"{misses} of {probes} probes found no output during {renders} renders"
    assert f"render {renders}" in (out / "shop/api/config.xml").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "out", "stop", "stop.ready"]


def test_without_an_exchange_two_renames_still_give_the_new_tree(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(swap, "exchange", lambda a, b: False)
    spec, out = tmp_path / "a.yaml", tmp_path / "out"
    out.mkdir()  # empty: replaced by one rename
    _render(spec, out, 1)
    _render(spec, out, 2)
    assert "render 2" in (out / "shop/api/config.xml").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "out"]


def test_exchange_swaps_two_directories(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one").touch()
    (tmp_path / "b").mkdir()
    assert fsutil.exchange(tmp_path / "a", tmp_path / "b") is True  # Linux with glibc >= 2.28
    assert os.listdir(tmp_path / "b") == ["one"] and os.listdir(tmp_path / "a") == []
    with pytest.raises(FileNotFoundError):
        fsutil.exchange(tmp_path / "a", tmp_path / "missing")


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid  # reaped: no process has this id until the kernel hands it out again


def test_leftovers_of_a_dead_render_go_and_a_live_ones_stay(tmp_path: Path) -> None:
    spec, out = tmp_path / "a.yaml", tmp_path / "out"
    dead, dead_too, live = _dead_pid(), _dead_pid(), os.getppid()  # the parent (pytest's launcher) runs
    leftovers = {
        f".out.jb-new-{dead}": True,  # a killed render's half-written tree
        f".out.jb-old-{dead}": True,  # a killed render's old tree, half removed
        f".out.jb-new-{os.getpid()}": True,  # this process has no render under way
        f".out.jb-new-{live}": False,  # another render, still running
        f".other.jb-new-{dead}": False,  # beside another output: not this render's
        f".out.jb-new-{dead}x": False,  # not our name
        "notes": False,
    }
    for name in leftovers:
        (tmp_path / name).mkdir()
        (tmp_path / name / "config.xml").write_text("half")
    (tmp_path / f".out.jb-old-{dead_too}").symlink_to(tmp_path / "notes")  # a link: never followed
    _render(spec, out, 1)
    left = {p.name for p in tmp_path.iterdir()}
    assert (tmp_path / "notes" / "config.xml").read_text() == "half"
    assert left == {"a.yaml", "out", f".out.jb-old-{dead_too}",
                    *(name for name, goes in leftovers.items() if not goes)}
    assert (out / "shop/api/Jenkinsfile").is_file()


def test_a_linked_output_keeps_its_link(tmp_path: Path) -> None:
    spec, real, out = tmp_path / "a.yaml", tmp_path / "real", tmp_path / "out"
    real.mkdir()
    out.symlink_to(real)
    _render(spec, out, 1)
    _render(spec, out, 2)
    assert out.is_symlink() and "render 2" in (real / "shop/api/config.xml").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "out", "real"]
