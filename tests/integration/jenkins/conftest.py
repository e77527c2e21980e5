from __future__ import annotations

from collections.abc import Iterator

import pytest

from jenkinsbridge.jenkins import Jenkins
from tests.support.jenkins_double import JenkinsDouble


@pytest.fixture
def jd() -> Iterator[JenkinsDouble]:
    with JenkinsDouble() as double:
        yield double


@pytest.fixture
def client(jd: JenkinsDouble) -> Jenkins:
    """A client with an API token (no crumb needed) and quick retries."""
    return Jenkins(jd.url, jd.user, jd.token, timeout=10, backoff=0.01, workers=4)


@pytest.fixture
def jenv(jd: JenkinsDouble, monkeypatch: pytest.MonkeyPatch) -> JenkinsDouble:
    """JENKINS_URL/USER/TOKEN pointing at the double, for CLI runs."""
    monkeypatch.setenv("JENKINS_URL", jd.url)
    monkeypatch.setenv("JENKINS_USER", jd.user)
    monkeypatch.setenv("JENKINS_TOKEN", jd.token)
    return jd


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """main() installs a stderr handler on the root logger; put the old ones back."""
    import logging

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
