"""write_atomic: the old file or the new one, never a mix, and no temporary left behind;
commit_files: several files all together or none."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from jenkinsbridge import fsutil
from jenkinsbridge.fsutil import commit_files, staged_directory, write_atomic


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


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_commit_files_writes_every_file_with_the_mode(tmp_path: Path) -> None:
    out = tmp_path / "out"
    targets = commit_files(out, {"a.txt": "héllo\n", "d/e/b.bin": b"\x00"})
    assert targets == [out / "a.txt", out / "d/e/b.bin"]
    assert _tree(out) == {"a.txt": "héllo\n".encode(), "d/e/b.bin": b"\x00"}
    assert all(t.stat().st_mode & 0o777 == 0o644 for t in targets)
    inode = (out / "a.txt").stat().st_ino
    commit_files(out, {"a.txt": "new"})
    assert (out / "a.txt").read_text() == "new" and (out / "a.txt").stat().st_ino != inode
    assert sorted(os.listdir(out)) == ["a.txt", "d"]  # no staging left


def test_a_failed_rename_puts_everything_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    commit_files(out, {"keep.txt": "old", "other.txt": "other"})
    before = _tree(out)
    real, calls = os.replace, []

    def third_fails(src: str | Path, dst: str | Path) -> None:
        calls.append(dst)
        if len(calls) == 3:
            raise KeyboardInterrupt  # an interrupt at the worst moment, or a failed rename
        real(src, dst)

    monkeypatch.setattr(fsutil.os, "replace", third_fails)
    with pytest.raises(KeyboardInterrupt):
        commit_files(out, {"keep.txt": "new", "sub/dir/new.txt": "x", "other.txt": "changed"})
    monkeypatch.undo()
    assert _tree(out) == before and sorted(os.listdir(out)) == ["keep.txt", "other.txt"]


def test_sigint_waits_until_every_file_is_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    real = os.replace

    def interrupt_first(src: str | Path, dst: str | Path) -> None:
        if not list(out.glob("*.txt")):
            os.kill(os.getpid(), signal.SIGINT)  # held back until the renames are done
        real(src, dst)

    monkeypatch.setattr(fsutil.os, "replace", interrupt_first)
    with pytest.raises(KeyboardInterrupt):
        commit_files(out, {f"{i}.txt": str(i) for i in range(5)})
    monkeypatch.undo()
    assert _tree(out) == {f"{i}.txt": str(i).encode() for i in range(5)}


@pytest.mark.parametrize("rel", ["/etc/x", "../x", "a/../../x", "a//b", "./a"])
def test_commit_files_stays_inside_the_directory(rel: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a relative path"):
        commit_files(tmp_path / "out", {rel: "x"})
    assert not (tmp_path / "out").exists()
