from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixture copies live in tmp dirs: git must not climb into an enclosing repository
    nor read the user's configuration."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", "/tmp")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
