"""Golden cases run through the DSL stub: declarative shape, and the sh steps per stage
are the spec's (or the language's) commands in the order and parallelism of `needs`."""

import pytest

from jenkinsbridge.render.core import job_context
from tests.support.fixtures import Case, case_params
from tests.support.pipeline import gate_problems, input_problems, sh_steps, stage_names, structure_problems


@pytest.mark.parametrize("case", [c for c in case_params() if not c.values[0].expected("error").is_file()])
def test_pipeline(case: Case, checked: dict) -> None:
    c = checked[case.id]
    assert structure_problems(c.result) == []
    ctx = job_context(c.job.job)
    assert input_problems(c.result) == []
    if ctx["multibranch"]:
        assert gate_problems(c.result) == []
    assert stage_names(c.result)[0] == "Build"
    assert stage_names(c.result, within="Build")[1:] == [" | ".join(s.name for s in w) for w in ctx["waves"]]
    run = {s.stage.split(" / ")[-1]: s.script for s in sh_steps(c.result) if s.section == "stages"}
    for st in ctx["stages"]:
        assert run[st.name] == st.run
