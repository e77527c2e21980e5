"""Per-language defaults (job_templates/languages/<lang>/defaults.yaml), as typed data."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import yaml

from jenkinsbridge.render.environment import templates_dir
from jenkinsbridge.spec.models import Stage

__all__ = ["LanguageDefaults", "language_defaults"]


@dataclass(frozen=True)
class LanguageDefaults:
    language: str
    label: str
    version: str
    stages: tuple[Stage, ...]
    artifacts: str | None
    extra: dict[str, Any]


@functools.cache
def language_defaults(language: str) -> LanguageDefaults:
    path = templates_dir() / "languages" / language / "defaults.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    stages = tuple(Stage.model_validate(s) for s in data.pop("stages"))
    return LanguageDefaults(
        language=language,
        label=str(data.pop("label")),
        version=str(data.pop("version")),
        stages=stages,
        artifacts=data.pop("artifacts", None),
        extra=data,
    )
