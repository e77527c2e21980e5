from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.groovy import GroovyChecker
from tests.support.library import run_scenarios

Runner = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


@pytest.fixture(scope="module")
def run_steps(groovy: GroovyChecker) -> Runner:
    def run(scenarios: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return run_scenarios(groovy, scenarios)

    return run
