from __future__ import annotations

from jenkinsbridge.runner.container import _pump, container_name
from jenkinsbridge.runner.execute import RunReport, StageResult, _Masker
from jenkinsbridge.runner.junit import JUnitCounts
from jenkinsbridge.runner.report import summary_table


def test_lines_are_split_per_stream_across_chunks() -> None:
    got: list[tuple[str, bool]] = []
    _pump(iter([(b"a\nb", None), (b"c\n", b"e1\ne"), (None, b"2"), (b"tail", None)]),
          lambda line, err: got.append((line, err)))
    assert got == [("a", False), ("bc", False), ("e1", True), ("tail", False), ("e2", True)]


def test_secrets_are_masked_longest_first_and_short_values_left_alone() -> None:
    mask = _Masker({"A": "abcd", "B": "abcdef", "C": "no"})
    assert mask("x abcdef abcd no") == "x **** **** no"


def test_summary_table() -> None:
    report = RunReport(job="team/app", image="img:1", container="c", results=[
        StageResult("build", "SUCCESS", 0, 1.25),
        StageResult("test", "FAILURE", 1, 2.0, JUnitCounts(3, 1, 0, 0, ("r.xml",))),
        StageResult("lint", "SUCCESS", 0, 0.5, JUnitCounts()),
        StageResult("deploy"),
    ])
    lines = summary_table(report).splitlines()
    assert lines[0].split() == ["STAGE", "RESULT", "DURATION", "TESTS"]
    assert lines[1].split() == ["build", "SUCCESS", "1.2s", "-"]
    assert lines[2].split() == ["test", "FAILURE", "2.0s", "3", "tests,", "1", "failures,", "0", "errors,",
                                "0", "skipped"]
    assert lines[3].split() == ["lint", "SUCCESS", "0.5s", "no", "reports"]
    assert lines[4].split() == ["deploy", "SKIPPED", "-", "-"]
    assert lines[5] == "job team/app FAILED in img:1"
    assert not report.ok and report.first_problem is not None and report.first_problem.name == "test"


def test_container_names_stay_valid() -> None:
    assert container_name("jb-run-", "team/a b", "1234") == "jb-run-team-a-b-1234"
    assert container_name("!!", "x", "1") == "jb-run-x-1"
