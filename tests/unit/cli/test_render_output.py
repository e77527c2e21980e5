"""render: all or nothing, unchanged files kept, stale files reported and pruned, the
worker pool gives the same tree as one process."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from jenkinsbridge.cli.main import main

JOB = """  - name: {name}
    folder: {folder}
    language: go
    source: {{url: "https://git.example.com/acme/{name}.git"}}
"""


def _spec(path: Path, *jobs: tuple[str, str]) -> Path:
    path.write_text("version: 1\njobs:\n" + "".join(JOB.format(name=n, folder=f) for n, f in jobs),
                    encoding="utf-8")
    return path


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _render(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(["--json", "render", *argv])
    return code, json.loads(capsys.readouterr().out)


def test_a_bad_second_file_leaves_the_output_as_it_was(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _spec(tmp_path / "a.yaml", ("api", "shop"))
    out = tmp_path / "out"
    assert _render(capsys, str(good), "-o", str(out))[0] == 0
    before = _tree(out)
    _spec(tmp_path / "a.yaml", ("api", "shop"), ("web", "shop"))
    bad = tmp_path / "b.yaml"
    bad.write_text("version: 1\njobs:\n  - name: x.\n    language: go\n    source: {url: nope}\n")
    code, doc = _render(capsys, str(good), str(bad), "-o", str(out))
    assert code == 2 and doc["ok"] is False and doc["problems"]
    assert _tree(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_a_duplicate_across_files_is_placed_and_nothing_written(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    a = _spec(tmp_path / "a.yaml", ("api", "shop"))
    b = _spec(tmp_path / "b.yaml", ("API", "shop"))
    code, doc = _render(capsys, str(a), str(b), "-o", str(tmp_path / "out"), "--workers", "2")
    assert code == 2 and "defined twice" in str(doc["error"]) and f"{b}:3:" in str(doc["error"])
    assert not (tmp_path / "out").exists()


def test_unchanged_files_keep_their_inode_and_stale_files_are_reported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _spec(tmp_path / "a.yaml", ("api", "shop"), ("old", "shop/legacy"))
    out = tmp_path / "out"
    assert _render(capsys, str(spec), "-o", str(out))[0] == 0
    inode = os.stat(out / "shop/api/Jenkinsfile").st_ino
    (out / "notes.txt").write_text("mine")  # not ours: always kept
    _spec(spec, ("api", "shop"))
    code, doc = _render(capsys, str(spec), "-o", str(out))
    assert code == 0 and doc["written"] == [] and doc["unchanged"] == 3
    assert os.stat(out / "shop/api/Jenkinsfile").st_ino == inode
    assert doc["stale"] == ["shop/legacy/config.xml", "shop/legacy/old/Jenkinsfile",
                            "shop/legacy/old/config.xml"]
    assert (out / "shop/legacy/old/Jenkinsfile").is_file() and (out / "notes.txt").read_text() == "mine"

    code, doc = _render(capsys, str(spec), "-o", str(out), "--prune-stale")
    assert code == 0 and doc["pruned"] is True and len(doc["stale"]) == 3  # type: ignore[arg-type]
    assert not (out / "shop/legacy").exists() and (out / "notes.txt").read_text() == "mine"
    assert sorted(_tree(out)) == ["notes.txt", "shop/api/Jenkinsfile", "shop/api/config.xml", "shop/config.xml"]


def test_workers_give_the_same_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    specs = [str(_spec(tmp_path / f"s{i}.yaml", *((f"job-{i}-{k}", f"team-{k % 3}") for k in range(20))))
             for i in range(4)]
    one, two = tmp_path / "one", tmp_path / "two"
    assert _render(capsys, *specs, "-o", str(one), "--workers", "1")[0] == 0
    code, doc = _render(capsys, *specs, "-o", str(two), "--workers", "2")
    assert code == 0 and len(doc["jobs"]) == 80  # type: ignore[arg-type]
    assert _tree(one) == _tree(two) and len(_tree(one)) == 80 * 2 + 3


@pytest.mark.parametrize(("out", "message"), [
    ("", "-o: empty path; give the directory to render into, e.g. -o jobs"),
    ("/dev/null", "-o /dev/null: is a device; give a directory to render into"),
])
def test_bad_output_paths(out: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _spec(tmp_path / "a.yaml", ("api", "shop"))
    assert main(["render", str(spec), "-o", out]) == 2
    assert capsys.readouterr().err.splitlines() == [f"jenkinsbridge: error: {message}"]


def test_one_file_in_slices_gives_the_same_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from jenkinsbridge.render import output

    monkeypatch.setattr(output, "CHUNK_MIN", 7)  # 40 jobs: slices of 7 across the workers
    spec = str(_spec(tmp_path / "one.yaml", *((f"job-{k}", f"team-{k % 3}/sub") for k in range(40))))
    one, three = tmp_path / "one", tmp_path / "three"
    assert _render(capsys, spec, "-o", str(one), "--workers", "1")[0] == 0
    real = output._render_jobs

    def noted(jobs: list[object], new: str, old: str | None) -> object:
        with open(tmp_path / "pids", "a") as fh:  # which process rendered a slice
            fh.write(f"{os.getpid()} {len(jobs)}\n")
        return real(jobs, new, old)  # type: ignore[arg-type]

    monkeypatch.setattr(output, "_render_jobs", noted)
    code, doc = _render(capsys, spec, "-o", str(three), "--workers", "3")
    assert code == 0 and len(doc["jobs"]) == 40 and len(doc["written"]) == 40 * 2 + 6  # type: ignore[arg-type]
    assert _tree(one) == _tree(three)
    slices = [line.split() for line in (tmp_path / "pids").read_text().splitlines()]
    assert sorted(int(n) for _, n in slices) == [5, 7, 7, 7, 7, 7]
    assert os.getpid() not in {int(p) for p, _ in slices}  # rendered in the workers
    code, doc = _render(capsys, spec, "-o", str(three), "--workers", "3")  # again: nothing changes
    assert code == 0 and doc["written"] == [] and doc["unchanged"] == 86


def test_an_edit_of_the_same_size_or_a_link_is_written_over(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    spec = _spec(tmp_path / "a.yaml", ("api", "shop"))
    out = tmp_path / "out"
    assert _render(capsys, str(spec), "-o", str(out))[0] == 0
    jenkinsfile, config = out / "shop/api/Jenkinsfile", out / "shop/api/config.xml"
    want = jenkinsfile.read_bytes()
    jenkinsfile.write_bytes(want.replace(b"pipeline", b"PIPELINE", 1))  # same size, other bytes
    (tmp_path / "copy.xml").write_bytes(config.read_bytes())
    config.unlink()
    config.symlink_to(tmp_path / "copy.xml")  # same bytes behind a link: ours are plain files
    code, doc = _render(capsys, str(spec), "-o", str(out))
    assert code == 0 and sorted(doc["written"]) == [str(jenkinsfile), str(config)]  # type: ignore[arg-type]
    assert jenkinsfile.read_bytes() == want and not config.is_symlink()
