"""render of unchanged specs writes nothing; one changed file makes a new tree in which
every other file is the old one, linked (render/writer.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jenkinsbridge.cli.main import main

JOB = """  - name: {name}
    folder: {folder}
    language: {language}
    source: {{url: "https://git.example.com/acme/{name}.git"}}
"""


def _specs(root: Path, files: int, jobs: int, *, changed: str | None = None) -> list[str]:
    """``files`` spec files of ``jobs`` jobs each; the job named ``changed`` is a node job."""
    paths = []
    for i in range(files):
        names = [f"job-{i}-{k}" for k in range(jobs)]
        body = "".join(JOB.format(name=n, folder=f"team-{k % 3}/sub", language="node" if n == changed else "go")
                       for k, n in enumerate(names))
        path = root / f"s{i}.yaml"
        path.write_text("version: 1\njobs:\n" + body, encoding="utf-8")
        paths.append(str(path))
    return paths


def _render(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    code = main(["--json", "render", *argv])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0, doc
    return doc  # type: ignore[no-any-return]


def _inodes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.lstat().st_ino for p in root.rglob("*")}


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("workers", ["1", "2"])
def test_unchanged_specs_leave_the_tree_untouched(workers: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    specs = _specs(tmp_path, 4, 10)
    out = tmp_path / "out"
    _render(capsys, *specs, "-o", str(out), "--workers", workers)
    (out / "notes.txt").write_text("mine")
    before, root = _inodes(out), out.stat()
    doc = _render(capsys, *specs, "-o", str(out), "--workers", workers)
    assert doc["written"] == [] and doc["unchanged"] == 4 * 10 * 2 + 6 and doc["stale"] == []
    # the same directory (a swap would have put a new one in its place), untouched, and every
    # directory and file the same inode: nothing was made or linked
    after = out.stat()
    assert (after.st_ino, after.st_mtime_ns) == (root.st_ino, root.st_mtime_ns)
    assert _inodes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == []


@pytest.mark.parametrize("workers", ["1", "2"])
def test_one_changed_job_in_the_last_file_links_every_other_file(workers: str, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """The files held back before the change was found (the earlier spec files, rendered
    by other workers too) are linked into the new tree, not written."""
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    (tmp_path / "a").mkdir()
    _render(capsys, *_specs(tmp_path / "a", 4, 10), "-o", str(out), "--workers", workers)
    (out / "notes.txt").write_text("mine")
    (out / "team-0/drafts/empty").mkdir(parents=True)  # not ours, empty: carried over as well
    before, root = _inodes(out), out.stat().st_ino
    (tmp_path / "b").mkdir()
    specs = _specs(tmp_path / "b", 4, 10, changed="job-3-9")
    doc = _render(capsys, *specs, "-o", str(out), "--workers", workers)
    assert sorted(doc["written"]) == [  # type: ignore[call-overload]
        str(out / "team-0/sub/job-3-9/Jenkinsfile"), str(out / "team-0/sub/job-3-9/config.xml")]
    assert out.stat().st_ino != root  # a new tree took the old one's place
    after = _inodes(out)
    kept = {rel for rel, ino in before.items() if (out / rel).is_file()} - {
        "team-0/sub/job-3-9/Jenkinsfile", "team-0/sub/job-3-9/config.xml"}
    assert len(kept) == 4 * 10 * 2 - 2 + 6 + 1 and all(after[rel] == before[rel] for rel in kept)
    _render(capsys, *specs, "-o", str(fresh), "--workers", "1")
    assert _tree(out) == {**_tree(fresh), "notes.txt": b"mine"} and (out / "team-0/drafts/empty").is_dir()


def test_a_change_in_the_last_slice_of_one_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from jenkinsbridge.render import output

    monkeypatch.setattr(output, "CHUNK_MIN", 5)  # 30 jobs: slices of 5 across three workers
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    (tmp_path / "a").mkdir()
    _render(capsys, *_specs(tmp_path / "a", 1, 30), "-o", str(out), "--workers", "3")
    before = _inodes(out)
    (tmp_path / "b").mkdir()
    specs = _specs(tmp_path / "b", 1, 30, changed="job-0-29")
    doc = _render(capsys, *specs, "-o", str(out), "--workers", "3")
    assert len(doc["written"]) == 2 and doc["unchanged"] == 30 * 2 + 6 - 2  # type: ignore[arg-type]
    after = _inodes(out)
    assert sum(after[rel] == ino for rel, ino in before.items() if (out / rel).is_file()) == 30 * 2 + 6 - 2
    _render(capsys, *specs, "-o", str(fresh), "--workers", "1")
    assert _tree(out) == _tree(fresh)


def test_a_stale_file_alone_keeps_the_tree_unless_pruned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    (tmp_path / "a").mkdir()
    _render(capsys, *_specs(tmp_path / "a", 2, 3), "-o", str(out))
    (tmp_path / "b").mkdir()
    one = _specs(tmp_path / "b", 1, 3)  # the second file's jobs are gone
    root = out.stat().st_ino
    doc = _render(capsys, *one, "-o", str(out))
    assert doc["written"] == [] and len(doc["stale"]) == 3 * 2  # type: ignore[arg-type]
    assert out.stat().st_ino == root and (out / "team-0/sub/job-1-0/Jenkinsfile").is_file()
    doc = _render(capsys, *one, "-o", str(out), "--prune-stale")
    assert doc["written"] == [] and doc["pruned"] is True and len(doc["stale"]) == 3 * 2  # type: ignore[arg-type]
    assert out.stat().st_ino != root and not (out / "team-0/sub/job-1-0").exists()
    assert (out / "team-0/sub/job-0-0/Jenkinsfile").is_file()
