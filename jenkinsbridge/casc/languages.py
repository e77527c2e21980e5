"""The language table the shared library's ``jbPipeline`` step reads.

``jbPipeline`` runs a job's default stages without the Python toolkit's help, so the
library carries them as ``resources/io/jenkinsbridge/languages.json``. That file is
derived from job_templates/languages/*/defaults.yaml by :func:`language_table`; run
``python -m jenkinsbridge.casc.languages`` to write it again after changing a default.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from jenkinsbridge.render.core import COVERAGE_PARSERS, ISSUE_TOOLS, issue_id
from jenkinsbridge.render.languages import language_defaults
from jenkinsbridge.spec.models import LANGUAGES

__all__ = ["LIBRARY_RESOURCE", "language_table", "language_table_json"]

LIBRARY_RESOURCE = "resources/io/jenkinsbridge/languages.json"


def language_table() -> dict[str, Any]:
    """language -> {label, version, stages: [{name, run, junit?, issues?, coverage?}], artifacts}.

    ``issues`` and ``coverage`` carry what the rendered Jenkinsfile's recordIssues and
    recordCoverage steps get: the warnings-ng tool symbol or the coverage parser, the report
    pattern and the result id, so jbPipeline publishes the same results under the same URLs.
    """
    table: dict[str, Any] = {}
    for language in LANGUAGES:
        d = language_defaults(language)
        stages = []
        for st in d.stages:
            entry: dict[str, Any] = {"name": st.name, "run": st.run}
            if st.junit:
                entry["junit"] = st.junit
            if st.issues:
                issues: dict[str, Any] = {"tool": ISSUE_TOOLS[st.issues.format], "id": issue_id(st.name)}
                if st.issues.report:
                    issues["pattern"] = st.issues.report
                entry["issues"] = issues
            if st.coverage:
                entry["coverage"] = {"parser": COVERAGE_PARSERS[st.coverage.format],
                                     "pattern": st.coverage.report, "id": issue_id(st.name) + "-coverage"}
            stages.append(entry)
        table[language] = {"label": d.label, "version": d.version, "stages": stages,
                           "artifacts": d.artifacts}
    return table


def language_table_json() -> str:
    return json.dumps(language_table(), indent=2, sort_keys=True) + "\n"


def _main(argv: list[str]) -> int:  # pragma: no cover - a maintenance command
    root = Path(argv[1]) if len(argv) > 1 else Path("jenkins-docker/shared-library")
    (root / LIBRARY_RESOURCE).write_text(language_table_json(), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_main(sys.argv))
