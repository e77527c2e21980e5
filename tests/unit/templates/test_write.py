"""write_rendered: new files written, unchanged ones untouched, changed ones replaced."""

import os
from pathlib import Path

from jenkinsbridge.render import render_spec, write_rendered
from jenkinsbridge.spec import load_specs


def test_write_rendered(tmp_path: Path, examples_dir: Path) -> None:
    result = render_spec(load_specs([examples_dir / "shop.yaml"]))
    first = write_rendered(result, tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in first) == sorted(result.files())
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in first)
    changed, same = first[0], first[1]
    changed.write_text("edited by hand")
    os.utime(same, (1, 1))
    second = write_rendered(result, tmp_path)
    assert second == [changed]
    assert changed.read_text() == result.files()[changed.relative_to(tmp_path).as_posix()]
    assert same.stat().st_mtime == 1
    assert not list(tmp_path.rglob(".*.tmp"))
