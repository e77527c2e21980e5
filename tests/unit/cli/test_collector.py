"""A command collects garbage less often while it runs, and leaves the settings as found."""

from __future__ import annotations

import argparse
import gc
from pathlib import Path

import pytest

from jenkinsbridge.cli import main as cli_main

SHOP = str(Path(__file__).resolve().parents[3] / "examples" / "shop.yaml")


def test_thresholds_raised_during_a_command_and_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, int, int]] = []
    real_run = cli_main._run

    def spy(args: argparse.Namespace) -> int:
        seen.append(gc.get_threshold())
        return real_run(args)

    before = gc.get_threshold()
    monkeypatch.setattr(cli_main, "_run", spy)
    assert cli_main.main(["validate", SHOP]) == 0
    assert seen and seen[0][0] > before[0]
    assert gc.get_threshold() == before
