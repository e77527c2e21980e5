"""write_atomic: the old file or the new one, never a mix, and no temporary left behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jenkinsbridge.fsutil import staged_directory, write_atomic


def test_writes_text_and_bytes_with_the_mode(tmp_path: Path) -> None:
    target = write_atomic(tmp_path / "a" / "b.txt", "héllo\n")
    assert target.read_bytes() == "héllo\n".encode()
    assert (target.stat().st_mode & 0o777) == 0o644
    write_atomic(target, b"\x00\x01", mode=0o600)
    assert target.read_bytes() == b"\x00\x01" and (target.stat().st_mode & 0o777) == 0o600
    assert os.listdir(target.parent) == ["b.txt"]


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "keep.txt"
    target.write_text("old")

    class Boom(str):
        def encode(self, *args: object, **kwargs: object) -> bytes:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, Boom("new"))
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["keep.txt"]


def test_no_parents_made_unless_asked(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "missing" / "x", "x", make_parents=False)


def test_a_staged_directory_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    out = tmp_path / "backup"
    with staged_directory(out) as tmp:
        (tmp / "a.txt").write_text("a")
        assert not out.exists()
    assert (out / "a.txt").read_text() == "a"
    again = tmp_path / "again"
    with pytest.raises(RuntimeError), staged_directory(again) as tmp:
        (tmp / "half.txt").write_text("half")
        raise RuntimeError("interrupted")
    assert sorted(os.listdir(tmp_path)) == ["backup"]
