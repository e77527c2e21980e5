"""The fixed shell scripts of the generated pipelines (job_templates/pipeline/sh/*.sh).

They are text, not templates: nothing from a spec is ever spliced into them. Values
reach them through environment variables that the Jenkinsfile binds with withEnv or
withCredentials. The leading comment block (documentation) is dropped on load.
"""

from __future__ import annotations

import functools

from jenkinsbridge.render.environment import templates_dir

__all__ = ["pipeline_scripts"]


@functools.cache
def pipeline_scripts() -> dict[str, str]:
    """Script name (file stem) -> script text."""
    out: dict[str, str] = {}
    for path in sorted((templates_dir() / "pipeline" / "sh").glob("*.sh")):
        lines = path.read_text(encoding="utf-8").splitlines()
        while lines and lines[0].startswith("#"):
            lines.pop(0)
        out[path.stem] = "\n".join(lines).strip() + "\n"
    return out
