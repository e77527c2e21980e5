"""The summary table printed after a run: stage, result, duration, tests."""

from __future__ import annotations

from jenkinsbridge.runner.execute import RunReport, StageResult

__all__ = ["summary_table"]


def _tests(r: StageResult) -> str:
    junit = r.junit
    if junit is None:
        return "-"
    if not junit.files:
        return "no reports"
    return junit.summary()


def summary_table(report: RunReport) -> str:
    rows = [("STAGE", "RESULT", "DURATION", "TESTS")]
    for r in report.results:
        duration = f"{r.duration:.1f}s" if r.result != "SKIPPED" else "-"
        rows.append((r.name, r.result, duration, _tests(r)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join([*(c.ljust(w) for c, w in zip(row[:3], widths, strict=True)), row[3]]).rstrip()
             for row in rows]
    verdict = "passed" if report.ok else "FAILED"
    lines.append(f"job {report.job} {verdict} in {report.image}")
    return "\n".join(lines)
