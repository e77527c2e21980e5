"""The JSON Schema of a spec file (what `jenkinsbridge schema` prints)."""

from __future__ import annotations

from typing import Any

from jenkinsbridge import __version__
from jenkinsbridge.spec.models import SpecDocument

__all__ = ["spec_schema"]


def spec_schema() -> dict[str, Any]:
    schema = SpecDocument.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "jenkinsbridge spec"
    schema["description"] = f"jenkinsbridge.yaml, read by jenkinsbridge {__version__}"
    return schema
