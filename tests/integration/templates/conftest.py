"""Render every golden case and the hostile spec once, then check all Jenkinsfiles in
two JVM runs: groovy's parser and the DSL harness."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from jenkinsbridge.render import RenderedJob, render_spec, write_rendered
from jenkinsbridge.spec import load_specs
from jenkinsbridge.spec.loader import load_spec_text
from tests.support import hostile
from tests.support.fixtures import cases
from tests.support.groovy import GroovyChecker
from tests.support.pipeline import run_harness


@dataclass(frozen=True)
class Checked:
    job: RenderedJob
    path: Path  # the Jenkinsfile on disk
    result: dict[str, Any]  # harness output


@pytest.fixture(scope="session")
def checked(groovy: GroovyChecker, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Checked]:
    """key -> Checked; keys are golden case ids and 'hostile/<job name>'."""
    out_dir = tmp_path_factory.mktemp("templates")
    jobs: dict[str, RenderedJob] = {}
    for case in cases():
        if case.expected("error").is_file():
            continue
        (job,) = render_spec(load_specs([case.spec])).jobs
        jobs[case.id] = job
    result = render_spec(load_spec_text(hostile.spec(), "hostile.yaml"))
    for job in result.jobs:
        jobs[f"hostile/{job.job.name}"] = job
    paths: dict[str, Path] = {}
    for key, job in jobs.items():
        target = out_dir / key.replace("/", "__")
        write_rendered(type(result)(folders=(), jobs=(job,)), target)
        paths[key] = target / job.path / "Jenkinsfile"
    groovy.assert_parses(list(paths.values()))
    harness = run_harness(groovy, list(paths.values()))
    return {k: Checked(jobs[k], paths[k], harness[str(paths[k])]) for k in jobs}
