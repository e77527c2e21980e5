"""The shared library's language table is exactly what job_templates/languages says."""

from __future__ import annotations

from jenkinsbridge.casc.languages import LIBRARY_RESOURCE, language_table_json
from tests.support.library import LIBRARY


def test_library_language_table_matches_templates() -> None:
    shipped = (LIBRARY / LIBRARY_RESOURCE).read_text(encoding="utf-8")
    assert shipped == language_table_json(), (
        "jenkins-docker/shared-library/" + LIBRARY_RESOURCE + " is stale; "
        "run: python -m jenkinsbridge.casc.languages")
