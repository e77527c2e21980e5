from __future__ import annotations

import pytest

from jenkinsbridge.runner.junit import JUnitCounts, count_report, match_reports

PATHS = [
    "target/surefire-reports/TEST-a.xml",
    "mod/target/surefire-reports/TEST-b.xml",
    "target/surefire-reports/a.txt",
    "build/junit.xml",
    "build/sub/junit.xml",
    "reports/junit.xml",
    "reports/junit-e2e.xml",
    "reports/deep/junit.xml",
    "lib/build/test-results/test/TEST-x.xml",
]


@pytest.mark.parametrize(("glob", "expected"), [
    ("**/target/surefire-reports/*.xml",
     ["mod/target/surefire-reports/TEST-b.xml", "target/surefire-reports/TEST-a.xml"]),
    ("build/junit.xml", ["build/junit.xml"]),
    ("reports/*.xml", ["reports/junit-e2e.xml", "reports/junit.xml"]),
    ("reports/junit*.xml", ["reports/junit-e2e.xml", "reports/junit.xml"]),
    ("reports/**", ["reports/deep/junit.xml", "reports/junit-e2e.xml", "reports/junit.xml"]),
    ("**/build/test-results/**/*.xml", ["lib/build/test-results/test/TEST-x.xml"]),
    ("./build/junit.xml, reports/junit.xml", ["build/junit.xml", "reports/junit.xml"]),
    ("build/junit.?ml", ["build/junit.xml"]),
    ("nothing/*.xml", []),
])
def test_ant_globs_match_as_the_junit_step_does(glob: str, expected: list[str]) -> None:
    assert match_reports(glob, PATHS) == expected


def test_counts_every_outcome_of_a_report_with_nested_suites() -> None:
    xml = b"""<?xml version="1.0"?>
    <testsuites>
      <testsuite name="a" tests="99">
        <testcase name="ok"/>
        <testcase name="bad"><failure message="x">trace</failure></testcase>
        <testcase name="boom"><error message="y"/></testcase>
        <testcase name="later"><skipped/></testcase>
      </testsuite>
      <testsuite name="b"><testsuite name="inner"><testcase name="ok2"/></testsuite></testsuite>
    </testsuites>"""
    c = count_report(xml, "r.xml")
    assert (c.tests, c.failures, c.errors, c.skipped, c.passed) == (5, 1, 1, 1, 2)
    assert c.files == ("r.xml",)


def test_single_suite_and_sum() -> None:
    one = count_report(b'<testsuite><testcase name="t"/></testsuite>', "a.xml")
    two = count_report(b'<testsuite><testcase name="t"><failure/></testcase></testsuite>', "b.xml")
    total = one + two
    assert total == JUnitCounts(2, 1, 0, 0, ("a.xml", "b.xml"))
    assert total.summary() == "2 tests, 1 failures, 0 errors, 0 skipped"


def test_a_broken_report_counts_nothing_but_is_listed() -> None:
    c = count_report(b"<testsuite><testcase", "broken.xml")
    assert c.tests == 0 and c.files == ("broken.xml",)
