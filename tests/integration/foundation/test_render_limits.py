"""Values at the edges of what validates render into files Jenkins takes: a `run` and a
wave's `parallel` stage name at the Groovy string-constant limit compile (class
generation, where the limit applies), and characters XML 1.1 cannot carry raw (C1
controls, U+0085, U+2028) come back intact from the JDK's XML parser."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from jenkinsbridge.render import render_spec, write_rendered
from jenkinsbridge.spec import load_spec_text
from tests.support.groovy import GroovyChecker, groovy_env

SCRIPTS = Path(__file__).resolve().parents[2] / "support" / "groovy"
LIMIT = 65_535
# modified UTF-8: "é" is 2 bytes, "€" 3, "😀" 6 (a surrogate pair)
RUNS = {
    "ascii": "echo " + "a" * (LIMIT - 5),
    "latin": "echo " + "é" * ((LIMIT - 5) // 2),
    "astral": "echo " + "😀" * ((LIMIT - 5) // 6),
}
DESCRIPTION = "c1\x80\x85\x9f nel\x85 ls\u2028 ps\u2029 end é 😀"


# two stages side by side: the `parallel: a, b` stage around them is named with exactly
# LIMIT bytes ("parallel: " and ", " are 12; "€" is 3)
WAVE = ["a" + "€" * 10_920, "bb" + "€" * 10_920]
JOBS = len(RUNS) + 1


def _spec() -> str:
    jobs = [{"name": f"limit-{k}", "language": "python", "description": DESCRIPTION,
             "source": {"url": "https://git.example.com/acme/x.git"},
             "stages": [{"name": "long", "run": run}]} for k, run in RUNS.items()]
    jobs.append({"name": "limit-wave", "language": "python", "description": DESCRIPTION,
                 "source": {"url": "https://git.example.com/acme/x.git"},
                 "stages": [{"name": name, "run": "make"} for name in WAVE]})
    return yaml.safe_dump({"version": 1, "jobs": jobs}, allow_unicode=True)


def _run_groovy(script: str, paths: list[Path | str]) -> list[list[str]]:
    exe = GroovyChecker().exe
    proc = subprocess.run([exe, str(SCRIPTS / script), *map(str, paths)], capture_output=True,
                          text=True, env=groovy_env(), timeout=600, check=True)
    return [line.split("\t") for line in proc.stdout.splitlines()]


def test_edge_values_compile_and_parse(tmp_path: Path) -> None:
    spec = load_spec_text(_spec(), "limits.yaml")
    write_rendered(render_spec(spec), tmp_path)
    jenkinsfiles = sorted(tmp_path.glob("limit-*/Jenkinsfile"))
    configs = sorted(tmp_path.glob("limit-*/config.xml"))
    assert len(jenkinsfiles) == len(configs) == JOBS
    assert len(("parallel: " + ", ".join(WAVE)).encode()) == LIMIT

    compiled = _run_groovy("parse.groovy", ["--classes", *jenkinsfiles])
    assert [r[0] for r in compiled] == ["OK"] * JOBS, compiled

    read = _run_groovy("xmlread.groovy", list(configs))
    assert [r[0] for r in read] == ["OK"] * JOBS, read
    for row in read:
        text = bytes.fromhex(row[2]).decode("utf-8")
        assert text.startswith(DESCRIPTION), (row[1], text[:80])


def test_one_byte_more_does_not_validate() -> None:
    import pytest

    from jenkinsbridge.errors import SpecError

    doc = yaml.safe_load(_spec())
    doc["jobs"] = doc["jobs"][:1]
    doc["jobs"][0]["stages"][0]["run"] += "a"
    with pytest.raises(SpecError, match="65,535 bytes in one string"):
        load_spec_text(yaml.safe_dump(doc), "limits.yaml")
