"""The spec: the typed model of jenkinsbridge.yaml and its loader."""

from jenkinsbridge.spec.loader import Spec, load_spec_text, load_specs
from jenkinsbridge.spec.models import LANGUAGES, Deploy, Image, Job, Stage

__all__ = ["LANGUAGES", "Deploy", "Image", "Job", "Spec", "Stage", "load_spec_text", "load_specs"]
