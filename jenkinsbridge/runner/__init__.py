"""`jenkinsbridge run`: a job's stages, locally, in a fresh container of its agent image."""

from jenkinsbridge.runner.envfile import parse_env_file, read_env_file
from jenkinsbridge.runner.execute import RunReport, StageResult, run_plan
from jenkinsbridge.runner.junit import JUnitCounts, count_report, find_reports
from jenkinsbridge.runner.plan import DEFAULT_IMAGE, RunPlan, make_plan, parse_image_overrides
from jenkinsbridge.runner.report import summary_table

__all__ = [
    "DEFAULT_IMAGE",
    "JUnitCounts",
    "RunPlan",
    "RunReport",
    "StageResult",
    "count_report",
    "find_reports",
    "make_plan",
    "parse_env_file",
    "parse_image_overrides",
    "read_env_file",
    "run_plan",
    "summary_table",
]
