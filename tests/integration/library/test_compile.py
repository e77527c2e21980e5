"""Every step and helper class of the shared library parses with groovy, and every
step has its help page."""

from __future__ import annotations

from tests.support.groovy import GroovyChecker
from tests.support.library import LIBRARY

STEPS = {"jbImage", "jbArtifacts", "jbDeploy", "jbPromote", "jbRollback", "jbNotify", "jbPipeline",
         "jbMetrics"}


def test_every_var_and_class_parses(groovy: GroovyChecker) -> None:
    files = sorted(LIBRARY.glob("vars/*.groovy")) + sorted(LIBRARY.glob("src/**/*.groovy"))
    assert {p.stem for p in LIBRARY.glob("vars/*.groovy")} == STEPS
    groovy.assert_parses(files)


def test_every_step_has_a_help_page() -> None:
    pages = {p.stem: p.read_text(encoding="utf-8") for p in LIBRARY.glob("vars/*.txt")}
    assert set(pages) == STEPS
    for step, text in pages.items():
        assert f"{step}(" in text, f"vars/{step}.txt shows no call of {step}"
