"""Strings the pipeline builds from stage names (a wave's `parallel: a, b` stage, a stage's
messages) stay within Groovy's 65,535-byte limit on one string constant: exactly the
limit validates, one byte more is refused at the stage's name by validate and render."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from jenkinsbridge.cli.main import main
from jenkinsbridge.render import render_spec
from jenkinsbridge.render.escape import groovy_string
from jenkinsbridge.spec import load_spec_text
from jenkinsbridge.spec.checks import GROOVY_CONSTANT_MAX, groovy_constant_size
from jenkinsbridge.spec.semantic import stage_texts, wave_name

# "parallel: " + a + ", " + b
WAVE_FIXED = len(wave_name(["", ""]))


def _spec(stages: list[dict[str, object]]) -> str:
    job = {"name": "api", "language": "python", "source": {"url": "https://git.example.com/acme/api.git"},
           "stages": [{"run": "make", **s} for s in stages]}
    return yaml.safe_dump({"version": 1, "jobs": [job]}, allow_unicode=True, width=2**20)


def _wave(total: int, char: str = "a") -> list[dict[str, object]]:
    """Two stages side by side whose wave name is ``total`` bytes; ``char`` is 1, 2 or 3 bytes."""
    width, available = groovy_constant_size(char), total - WAVE_FIXED
    many = (available - 2) // width
    pad = available - 2 - many * width
    return [{"name": "x" * (1 + pad) + char * (many // 2)}, {"name": "y" + char * (many - many // 2)}]


@pytest.mark.parametrize("char", ["a", "é", "€"])
def test_a_wave_name_at_the_limit_validates(char: str) -> None:
    stages = _wave(GROOVY_CONSTANT_MAX, char)
    names = [str(s["name"]) for s in stages]
    assert groovy_constant_size(wave_name(names)) == GROOVY_CONSTANT_MAX
    spec = load_spec_text(_spec(stages), "wave.yaml")
    jenkinsfile = render_spec(spec).jobs[0].jenkinsfile
    assert f"stage({groovy_string(wave_name(names))})" in jenkinsfile


def test_one_byte_more_is_refused_at_the_first_stage_by_validate_and_render(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stages = _wave(GROOVY_CONSTANT_MAX + 1)
    assert groovy_constant_size(wave_name([str(s["name"]) for s in stages])) == GROOVY_CONSTANT_MAX + 1
    path = tmp_path / "wave.yaml"
    path.write_text(_spec(stages), encoding="utf-8")
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "name: x" in t)
    col = path.read_text().splitlines()[line - 1].index("x") + 1
    expected = (f"{path}:{line}:{col}: jobs[0].stages[0].name: the 2 stages that run side by side here "
                "(stages[0], stages[1]) make one stage named 'parallel: ' and their names, 65,536 bytes; "
                "a Jenkinsfile holds at most 65,535 bytes in one string, so shorten their names")
    for argv in (["validate", str(path)], ["render", str(path), "-o", str(tmp_path / "out")]):
        assert main(argv) == 2
        assert capsys.readouterr().err.splitlines() == [expected]
    assert not (tmp_path / "out").exists()


def test_a_stage_alone_or_in_sequence_makes_no_wave_name() -> None:
    half = GROOVY_CONSTANT_MAX // 2 + 10
    stages: list[dict[str, object]] = [{"name": "a" * half}, {"name": "b" * half, "needs": ["a" * half]}]
    load_spec_text(_spec(stages), "chain.yaml")  # one stage per wave: no `parallel` stage around them


@pytest.mark.parametrize(("extra", "what"), [
    ({"junit": "reports/*.xml"}, "message for a missing test report"),
    ({"coverage": {"format": "cobertura", "report": "coverage.xml"}}, "coverage report's name"),
])
def test_a_stage_message_over_the_limit_is_refused(extra: dict[str, object], what: str) -> None:
    text = next(iter(stage_texts("", str(extra.get("junit")) if "junit" in extra else None, "coverage" in extra)
                     .values()))
    fits = {"name": "n" * (GROOVY_CONSTANT_MAX - len(text)), **extra}
    load_spec_text(_spec([fits]), "fits.yaml")
    over = {**fits, "name": str(fits["name"]) + "n"}
    with pytest.raises(Exception, match=f"stages\\[0\\].name: the stage's {what} is 65,536 bytes"):
        load_spec_text(_spec([over]), "over.yaml")


def test_the_texts_checked_are_the_texts_rendered() -> None:
    stages: list[dict[str, object]] = [
        {"name": "unit 'x'", "junit": "reports/*.xml", "coverage": {"format": "jacoco", "report": "j.xml"}},
        {"name": "lint ${y}"},
    ]
    spec = load_spec_text(_spec(stages), "same.yaml")
    jenkinsfile = render_spec(spec).jobs[0].jenkinsfile
    texts = [*stage_texts("unit 'x'", "reports/*.xml", True).values(), wave_name(["unit 'x'", "lint ${y}"])]
    for text in texts:
        assert groovy_string(text) in jenkinsfile, text
