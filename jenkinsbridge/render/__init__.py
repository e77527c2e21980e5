"""Render specs into Jenkinsfiles and config.xml files."""

from jenkinsbridge.render.core import (
    MANAGED_MARKER,
    RenderedFolder,
    RenderedJob,
    RenderResult,
    render_folder,
    render_job,
    render_spec,
    write_rendered,
)

__all__ = [
    "MANAGED_MARKER",
    "RenderResult",
    "RenderedFolder",
    "RenderedJob",
    "render_folder",
    "render_job",
    "render_spec",
    "write_rendered",
]
