"""Builds through the engine: a failing step is one line; target and cache-from."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.integration.images.conftest import App
from tests.support.registry import TestRegistry

FAILING = """ARG BASE_IMAGE=debian:bookworm
FROM ${BASE_IMAGE}
LABEL io.jenkinsbridge.test=images
RUN echo compiling {marker}; echo "error: missing semicolon" >&2; exit 3
RUN echo never
"""
STAGES = """ARG BASE_IMAGE=debian:bookworm
FROM ${BASE_IMAGE} AS deps
LABEL io.jenkinsbridge.test=images stage=deps
RUN echo deps {marker} > /deps
FROM deps AS final
LABEL stage=final
RUN echo final > /final
"""


def test_a_failing_step_is_one_line_with_step_and_message(
        shared_registry: TestRegistry, make_app: Callable[..., App], docker_client: Any) -> None:
    app = make_app(shared_registry, dockerfile=FAILING)
    code, out, err = app.cli("image", "build", str(app.spec))
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert re.fullmatch(
        r"jenkinsbridge: error: image build failed at step 4/\d+ \(RUN echo compiling \w+; echo "
        r"\"error: missing semicolon\" >&2; exit 3\): The command '/bin/sh -c echo compiling \w+; "
        r"echo \"error: missing semicolon\" >&2; exit 3' returned a non-zero code: 3", lines[-1]), lines[-1]
    # the failing step's own output is shown above the error, indented
    assert "  | error: missing semicolon" in lines, lines
    assert not any("never" in ln for ln in lines)
    # no intermediate container of the failed build is left behind
    assert docker_client.containers.list(all=True, filters={"label": "io.jenkinsbridge.test=images"}) == []


def test_target_stage_and_cache_from(shared_registry: TestRegistry, make_app: Callable[..., App],
                                     docker_client: Any) -> None:
    app = make_app(shared_registry, dockerfile=STAGES, tags=["deps-{build}"])
    (ref,) = app.build("--target", "deps")
    assert docker_client.images.get(ref).labels["stage"] == "deps"

    final = make_app(shared_registry, dockerfile=STAGES, tags=["final"])
    final.dir.joinpath("Dockerfile").write_text(app.dir.joinpath("Dockerfile").read_text())
    code, out, err = final.cli("-v", "image", "build", str(final.spec), "--cache-from", ref)
    assert code == 0, err
    assert docker_client.images.get(out.strip()).labels["stage"] == "final"
    # the deps stage came from the cache image: its RUN step was not run again
    deps_step = err.split("RUN echo deps", 1)[1].split("Step ", 1)[0]
    assert "Using cache" in deps_step, err

    missing = f"{shared_registry.host}/jbt-images-none/app:nope"
    code, out, err = final.cli("image", "build", str(final.spec), "--cache-from", missing)
    assert code == 0, err
    assert f"cache image {missing} not available, building without it" in err
